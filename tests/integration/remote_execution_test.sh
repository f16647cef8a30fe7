#!/usr/bin/env bash
# Remote-execution readiness, checked by proxy (no REAPI server installs offline; docs/install.md says what this does
# and does not show):
#  1. No ChrononCompile or ChrononColumns action carries an execution requirement that pins it to the local machine
#     (`local`, `no-remote`, `no-remote-exec`, `no-sandbox`, `no-cache`): only `supports-workers` and the worker
#     protocol are allowed.
#  2. The persistent worker is only a local speed-up: tests/sample built with `--spawn_strategy=sandboxed
#     --strategy=ChrononCompile=sandboxed` (every compile a plain spawn that sees only its declared inputs, the
#     contract of a remote executor) writes the same bytes as the default worker build, file for file.
# (That the prebuilt tools run on a bare Linux executor, in an empty chroot with no libc, is
# static_tools_test.sh's and release_archive_test.sh's part.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
ws=$tmp/sample
trap '(cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$tmp"' EXIT
mkdir -p "$ws"
(cd "$ROOT/tests/sample" && tar --exclude='./bazel-*' -cf - .) | (cd "$ws" && tar -xf -)
sed -i "s|path = \"\\.\\./\\.\\.\"|path = \"$ROOT\"|" "$ws/WORKSPACE"
grep -q "path = \"$ROOT\"" "$ws/WORKSPACE" || fail "could not point the sample's WORKSPACE at $ROOT"

# --- 1. execution requirements of every action our rules create
(cd "$ws" && bazel aquery --disk_cache="$DISK_CACHE" 'mnemonic("ChrononCompile|ChrononColumns", //...)' 2>/dev/null) >"$tmp/aquery"
actions=$(grep -c '^  Mnemonic: Chronon' "$tmp/aquery" || true)
((actions > 0)) || fail "aquery found no ChrononCompile action"
python3 - "$tmp/aquery" <<'PY' || fail "an action of ours is pinned to the local machine (above)"
import re, sys
allowed = {"supports-workers", "requires-worker-protocol", "supports-multiplex-workers"}
bad = 0
for block in open(sys.argv[1]).read().split("\naction ")[0:]:
    target = re.search(r"Target: (\S+)", block)
    for info in re.findall(r"ExecutionInfo: \{(.*?)\}", block):
        keys = {kv.split(":")[0].strip() for kv in info.split(",") if kv.strip()}
        if keys - allowed:
            print("%s: %s" % (target.group(1) if target else "?", sorted(keys - allowed)))
            bad += 1
sys.exit(1 if bad else 0)
PY
echo "execution requirements: $actions actions of //..., none pinned to the local machine"

# --- 2. worker build vs sandboxed plain spawns. ChrononCompile is kept out of the disk cache (the compiler's own
# C++ still comes from it), so both builds really run every compile; the execution logs show how.
build() {
  local name=$1
  shift
  (cd "$ws" && bazel build --disk_cache="$DISK_CACHE" --modify_execution_info=ChrononCompile=+no-cache \
    --execution_log_json_file="$tmp/$name.log" "$@" //... >"$tmp/$name.out" 2>&1) ||
    { cat "$tmp/$name.out" >&2; fail "the $name build failed"; }
  python3 - "$tmp/$name.log" >"$tmp/$name.runners" <<'PY'
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
print(" ".join("%s=%d" % kv for kv in sorted(runners.items())))
PY
  mkdir -p "$tmp/$name"
  (cd "$(cd "$ws" && bazel info bazel-bin 2>/dev/null)" && find . \( -name '*.chronon.json' -o -path '*/production/*' \) ! -type d |
    tar -cf - -T - --dereference) | (cd "$tmp/$name" && tar -xf -)
  echo "$name build: ChrononCompile spawns: $(cat "$tmp/$name.runners")"
}
build worker
(cd "$ws" && bazel clean 2>/dev/null)
build sandboxed --spawn_strategy=sandboxed --strategy=ChrononCompile=sandboxed
grep -q -E '^worker=[0-9]+$' "$tmp/worker.runners" || fail "the default build did not run every compile in the worker"
grep -q -E '^linux-sandbox=[0-9]+$' "$tmp/sandboxed.runners" || fail "the sandboxed build did not run every compile sandboxed"
ws_count=$(find "$tmp/worker" -type f | wc -l)
confs=$(find "$tmp/worker/production" -type f | wc -l)
((confs >= 49)) || fail "the worker build has only $confs engine JSON files under production/ (49 goldens)"
diff -r "$tmp/worker" "$tmp/sandboxed" || fail "the sandboxed build differs from the worker build"
echo "tests/sample: $ws_count files ($confs engine JSON under production/, their copies, the summaries), sandboxed plain spawns identical to the worker build"
