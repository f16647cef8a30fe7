#!/usr/bin/env bash
# Remote cache and remote execution on the bench repo (tools/bench/gen_repo.py, 10 teams x 100 GroupBys x 20 Joins by
# default), all in one run so that the figures compare on one machine's load:
#   grpc-cache  fresh output base, warm gRPC remote cache (Bazel's reference remote worker, tests/integration/
#               remote_worker.sh): the CI-machine figure, expected 0 actions executed
#   http-cache  the same against nginx (WebDAV) as an HTTP remote cache (the README's figure)
#   local-cold  fresh output base, no cache: the compiles in the local persistent worker (README's .bazelrc)
#   remex-cold  fresh output base, --remote_executor on an empty CAS (a second worker): every compile remote
#   remex-warm  fresh output base, --remote_executor, warm remote cache
# Each build is a fresh output base (`bazel --output_base=...`: Bazel's server starts, loads and analyses; the
# install base is shared), timed from the command's start to its end; "executed" counts the spawns of the execution
# log that were not remote cache hits. The workspace runs the release build's tools (tests/integration/lib.sh,
# use_release_toolchain), as a release's users do. Prints min / median per case.
#
# With PROFILE_DIR set, every build also writes a JSON profile there (`--profile --record_full_profiler_data`), and
# the end of the run prints, per case, where each Chronon compile action's time went (tools/bench/profile_actions.py:
# cache check, input upload, remote execution, output download, local execution).
#
# Usage: [PROFILE_DIR=dir] tools/bench/remote_bench.sh [RUNS=3] [TEAMS=10 GBS=100 JOINS=20]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/integration/remote_worker.sh"
runs=${1:-3}
teams=${2:-10}
gbs=${3:-100}
joins=${4:-20}
if [[ -n ${PROFILE_DIR:-} ]]; then mkdir -p "$PROFILE_DIR" && PROFILE_DIR=$(cd "$PROFILE_DIR" && pwd); fi

tmp=$(mktemp -d)
repo=$tmp/repo
nginx_pid=
cache_worker_pid=
cleanup() {
  stop_remote_worker
  [[ -n $cache_worker_pid ]] && kill "$cache_worker_pid" 2>/dev/null && wait "$cache_worker_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

python3 "$ROOT/tools/bench/gen_repo.py" "$repo" "$teams" "$gbs" "$joins" --rules="$ROOT" >/dev/null
use_release_toolchain "$repo" >/dev/null
# The cache worker lives through the run; each remex-cold case starts a second one with an empty CAS.
start_remote_worker "$tmp/cache_worker"
cache_worker_pid=$remote_worker_pid
cache_url=$remote_worker_url
remote_worker_pid=
start_nginx "$tmp/nginx" "$tmp/nginx/cache" dav
echo "bench repo: $teams teams x $gbs GroupBys x $joins Joins; remote worker $cache_url, nginx $nginx_url"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bazel: $(bazel --version 2>/dev/null) (package $(dpkg-query -W -f='${Version}' bazel-bootstrap))"

# fresh CASE FLAGS...: one build of //... in a fresh output base; appends "<seconds> <executed> <spawns>" to CASE.
fresh() {
  local case=$1 ob=$tmp/ob start end
  shift
  rm -rf "$ob"
  local profile=()
  [[ -n ${PROFILE_DIR:-} ]] && profile=(--profile="$PROFILE_DIR/$case.json" --record_full_profiler_data)
  start=$(date +%s.%N)
  (cd "$repo" && bazel --output_base="$ob" build --execution_log_json_file="$tmp/log" "${profile[@]}" "$@" //... \
    >"$tmp/out" 2>&1) ||
    { cat "$tmp/out" >&2; fail "$case: the build failed"; }
  end=$(date +%s.%N)
  (cd "$repo" && bazel --output_base="$ob" shutdown 2>/dev/null)
  rm -rf "$ob"
  python3 - "$tmp/log" "$start" "$end" >>"$tmp/$case" <<'PY'
import json, sys
text, decoder, pos, spawns, executed = open(sys.argv[1]).read(), json.JSONDecoder(), 0, 0, 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    spawns += 1
    executed += not spawn.get("remoteCacheHit")
print("%.2f %d %d" % (float(sys.argv[3]) - float(sys.argv[2]), executed, spawns))
PY
  echo "  $case: $(tail -n 1 "$tmp/$case") (s, executed, spawns); $(grep -o '[0-9]* processes:.*' "$tmp/out")"
}

grpc=(--remote_cache="$cache_url")
http=(--remote_cache="$nginx_url")
echo "warming both caches (not counted)"
fresh warm-grpc "${grpc[@]}"
fresh warm-http "${http[@]}"
for i in $(seq "$runs"); do
  echo "run $i"
  if ((i % 2)); then order=(grpc http); else order=(http grpc); fi
  for c in "${order[@]}"; do
    if [[ $c == grpc ]]; then fresh grpc-cache "${grpc[@]}"; else fresh http-cache "${http[@]}"; fi
  done
  fresh local-cold
  # An empty CAS and action cache: a second worker with fresh directories.
  stop_remote_worker
  rm -rf "$tmp/exec_worker"
  start_remote_worker "$tmp/exec_worker"
  remex=(--remote_executor="$remote_worker_url")
  fresh remex-cold "${remex[@]}"
  fresh remex-warm "${remex[@]}"
done

echo
echo "| case | min | median | executed (of spawns) |"
echo "|---|---|---|---|"
for c in grpc-cache http-cache local-cold remex-cold remex-warm; do
  python3 - "$c" "$tmp/$c" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[2])]
secs = [float(r[0]) for r in rows]
executed = sorted({"%s of %s" % (r[1], r[2]) for r in rows})
print("| %s | %.2f s | %.2f s | %s |" % (sys.argv[1], min(secs), statistics.median(secs), ", ".join(executed)))
PY
done
if [[ -n ${PROFILE_DIR:-} ]]; then
  echo
  echo "Per Chronon compile action, from the last run's profile of each case (ms):"
  for c in grpc-cache http-cache local-cold remex-cold remex-warm; do
    python3 "$ROOT/tools/bench/profile_actions.py" --label="$c" "$PROFILE_DIR/$c.json" || true
  done
fi
# Where an HTTP cache miss comes from: nginx's answers to Bazel's uploads (PUT) and lookups (GET), by status.
echo
for method in PUT GET; do
  echo "nginx $method answers: $(awk -v m="\"$method" '$6 == m {print $9}' "$tmp/nginx/access.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
done
