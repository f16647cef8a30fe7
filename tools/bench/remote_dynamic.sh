#!/usr/bin/env bash
# Persistent workers and remote execution together: which strategy runs the ChrononCompile actions of tests/sample
# (58) with the sample's .bazelrc (README's worker line) and `--remote_executor` on Bazel's reference remote worker
# (tests/integration/remote_worker.sh), for each strategy setting a user might write. Each case: a fresh remote worker
# (empty CAS), a cold build, `bazel clean`, a rebuild; counts from the execution log. The release build's tools, as
# a release's users have them.
#
# Usage: tools/bench/remote_dynamic.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/integration/remote_worker.sh"

tmp=$(mktemp -d)
ws=$tmp/sample
cleanup() {
  (cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true
  stop_remote_worker
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$ws"
(cd "$ROOT/tests/sample" && tar --exclude='./bazel-*' -cf - .) | (cd "$ws" && tar -xf -)
sed -i "s|path = \"\\.\\./\\.\\.\"|path = \"$ROOT\"|" "$ws/WORKSPACE"
use_release_toolchain "$ws" >/dev/null

runners() {
  python3 - "$1" <<'PY'
import collections, json, sys
text, decoder, pos, runners = open(sys.argv[1]).read(), json.JSONDecoder(), 0, collections.Counter()
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    if spawn.get("mnemonic") == "ChrononCompile":
        runners["cache hit" if spawn.get("remoteCacheHit") else spawn.get("runner", "?")] += 1
print(", ".join("%s %d" % kv for kv in sorted(runners.items())))
PY
}

case_() {
  local name=$1 start end
  shift
  stop_remote_worker
  rm -rf "$tmp/worker"
  start_remote_worker "$tmp/worker"
  (cd "$ws" && bazel clean 2>/dev/null)
  for build in cold rebuild; do
    start=$(date +%s.%N)
    (cd "$ws" && bazel build --remote_executor="$remote_worker_url" --execution_log_json_file="$tmp/log" "$@" //... \
      >"$tmp/out" 2>&1) || { cat "$tmp/out" >&2; fail "$name: the $build build failed"; }
    end=$(date +%s.%N)
    printf '%-28s %-8s %6.2f s  ChrononCompile: %s\n' "$name" "$build" "$(python3 -c "print($end - $start)")" "$(runners "$tmp/log")"
    (cd "$ws" && bazel clean 2>/dev/null)
  done
}

echo "load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
case_ "default (README .bazelrc)"
case_ "remote,worker" --strategy=ChrononCompile=remote,worker
case_ "worker,remote" --strategy=ChrononCompile=worker,remote
case_ "dynamic (worker | remote)" --internal_spawn_scheduler --strategy=ChrononCompile=dynamic \
  --dynamic_local_strategy=worker --dynamic_remote_strategy=remote
