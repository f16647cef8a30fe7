# Sourced by the tests that need a real Remote Execution API server (remote_executor_test.sh, tools/bench/remote_*.sh):
# Bazel's own reference remote worker (src/tools/remote/ in Bazel's sources), from Debian's bazel-bootstrap-source,
# compiled with plain javac against the installed Bazel's server jar (which already holds gRPC, Netty, protobuf and
# Bazel's remote classes). It serves the CAS, the action cache and execution on one gRPC port. docs/remote.md has the
# recipe by hand. Needs lib.sh sourced first (fail).
#
#   build_remote_worker                 sets remote_worker_classes (built once, cached under ~/.cache/rules_chronon/)
#   start_remote_worker DIR [FLAGS...]  starts a worker whose work and CAS dirs are under DIR, on a free port; sets
#                                       remote_worker_pid, remote_worker_port and remote_worker_url, returns once it
#                                       listens. FLAGS go to the worker (e.g. --sandboxing).
#   stop_remote_worker                  kills it by its pid (the caller's EXIT trap calls this)

REMOTE_WORKER_SRC=${CHRONON_REMOTE_WORKER_SRC:-/usr/src/bazel-bootstrap/src/tools/remote/src/main/java}
REMOTE_WORKER_SERVER_JAR=${CHRONON_BAZEL_SERVER_JAR:-/usr/share/bazel/A-server.jar}
remote_worker_pid=

build_remote_worker() {
  local key dir staging
  [[ -d $REMOTE_WORKER_SRC ]] ||
    fail "no remote worker sources at $REMOTE_WORKER_SRC (setup.sh installs bazel-bootstrap-source)"
  [[ -f $REMOTE_WORKER_SERVER_JAR ]] || fail "no Bazel server jar at $REMOTE_WORKER_SERVER_JAR (bazel-bootstrap)"
  command -v javac >/dev/null || fail "no javac (setup.sh installs default-jdk-headless)"
  # The cache key: the sources' and the server jar's package versions, and the JDK.
  key=$(
    dpkg-query -W -f='${Version}\n' bazel-bootstrap-source bazel-bootstrap 2>/dev/null
    javac -version 2>&1
  )
  key=$(printf '%s' "$key" | sha256sum | cut -c1-16)
  dir=$HOME/.cache/rules_chronon/remote_worker/$key
  remote_worker_classes=$dir/classes
  [[ -f $dir/complete ]] && return 0
  mkdir -p "$dir"
  staging=$(mktemp -d "$dir/staging.XXXXXX")
  find "$REMOTE_WORKER_SRC" -name '*.java' >"$staging/sources"
  javac -nowarn -encoding UTF-8 -cp "$REMOTE_WORKER_SERVER_JAR" -d "$staging/classes" @"$staging/sources" \
    >"$staging/javac.log" 2>&1 || { cat "$staging/javac.log" >&2; rm -rf "$staging"; fail "javac of the remote worker failed"; }
  # --sandboxing runs each action under Bazel's linux-sandbox, which the worker reads from its class path.
  mkdir -p "$staging/classes/main/tools"
  cp /usr/share/bazel/linux-sandbox "$staging/classes/main/tools/linux-sandbox"
  rm -rf "$dir/classes"
  mv "$staging/classes" "$dir/classes"
  rm -rf "$staging"
  touch "$dir/complete"
}

start_remote_worker() {
  local dir=$1 port
  shift
  build_remote_worker
  mkdir -p "$dir/work" "$dir/cas"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  java -cp "$remote_worker_classes:$REMOTE_WORKER_SERVER_JAR" com.google.devtools.build.remote.worker.RemoteWorker \
    --work_path="$dir/work" --cas_path="$dir/cas" --listen_port="$port" --pid_file="$dir/pid" "$@" \
    >"$dir/worker.log" 2>&1 &
  remote_worker_pid=$!
  remote_worker_port=$port
  remote_worker_url=grpc://127.0.0.1:$port
  # The worker writes its pid file once its gRPC server has started; then the port must accept a connection.
  for _ in $(seq 150); do
    kill -0 "$remote_worker_pid" 2>/dev/null || { cat "$dir/worker.log" >&2; fail "the remote worker exited"; }
    if [[ -s $dir/pid ]] && python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  cat "$dir/worker.log" >&2
  stop_remote_worker
  fail "the remote worker did not listen on port $port within 30 s"
}

stop_remote_worker() {
  if [[ -n $remote_worker_pid ]]; then
    kill "$remote_worker_pid" 2>/dev/null || true
    wait "$remote_worker_pid" 2>/dev/null || true
    remote_worker_pid=
  fi
}
