#!/usr/bin/env bash
# A small generated bench repo (tools/bench/gen_repo.py, 2 teams x 3 GroupBys x 2 Joins), built the way users do:
#  - every engine JSON file matches what compile.py writes for the Python twin (tests/bench/expected_outputs.py,
#    derived from the spec's rules);
#  - ChrononCompile runs as a persistent worker by default, and the worker's outputs (engine JSON and summaries)
#    are byte-identical to one-shot runs of the compiler (--strategy=ChrononCompile=local);
#  - editing one GroupBy reruns exactly that GroupBy and the Joins that use it; an edit that does not change the
#    compiled object reruns only the GroupBy; a no-op build runs nothing;
#  - after `bazel clean`, a build against the warm cache executes no action at all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ws=$(mktemp -d)
trap '(cd "$ws" && bazel shutdown 2>/dev/null) || true; rm -rf "$ws"' EXIT
python3 "$ROOT/tools/bench/gen_repo.py" "$ws" 2 3 2 --rules="$ROOT"

# count KIND LOG: how many processes of a kind ("worker", "local", "remote cache hit", ...) the build reported.
count() {
  local line
  line=$(grep -E '^INFO: [0-9]+ process' "$2" | tail -n 1)
  [[ -n $line ]] || fail "no process summary in the build output"
  echo "$line" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0
}
build() {  # build LOG ARGS...: builds //:production; actions are not served from the cache unless asked
  local log=$1
  shift
  bazel_in "$ws" build "$@" //:production >"$log" 2>&1 || { tail -n 30 "$log"; fail "build failed"; }
}
bin=
production_copy() {  # everything the compile actions wrote: engine JSON and summaries
  (cd "$bin" && find sources group_bys joins -type f \( -name '*.chronon.json' -o -path '*/production/*' \) |
    sort | while read -r f; do echo "== $f"; cat "$f"; echo; done)
}
log=$ws/.log

# The compiler itself may come from the shared cache (a first build); then the Chronon actions must run.
build "$log"
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
rm -rf "$bin"/{sources,group_bys,joins,production}
build "$log" --noremote_accept_cached
# The repo's tree is checked in (chronon_production's default), so `bazel build` does not assemble a copy of it in
# bazel-bin: each conf stays in its own package's output directory, and the manifest names it.
[[ ! -e $bin/production ]] || fail "a checked-in tree was assembled in bazel-bin without assemble = True"
rm -rf "$ws/.tree"
manifest_tree "$bin" "$ws/.tree"
python3 "$ROOT/tests/bench/expected_outputs.py" "$ws/.tree" 2 3 2
# 6 GroupBys, 4 Joins and the 6 sources they use (src_3 and src_4 of each team are not used with 3 GroupBys).
[[ $(count worker "$log") == 16 ]] || fail "expected 16 worker actions: $(grep processes "$log")"
[[ $(count linux-sandbox "$log") == 0 && $(count local "$log") == 0 ]] || fail "ChrononCompile did not use the worker"
production_copy >"$ws/.worker_outputs"

rm -rf "$bin"/{sources,group_bys,joins,production}
build "$log" --noremote_accept_cached --strategy=ChrononCompile=local
[[ $(count local "$log") == 16 ]] || fail "expected 20 one-shot actions: $(grep processes "$log")"
production_copy >"$ws/.one_shot_outputs"
cmp "$ws/.worker_outputs" "$ws/.one_shot_outputs" || fail "worker and one-shot outputs differ"
echo "worker == one-shot: $(grep -c '^== ' "$ws/.worker_outputs") files identical"

build "$log"
[[ $(count worker "$log") == 0 ]] || fail "no-op build ran actions: $(grep processes "$log")"

gb=$ws/group_bys/team_0/gb_1.v1.textproto
sed -i 's/length: 30 /length: 31 /' "$gb"
build "$log" --noremote_accept_cached
# gb_1 is in both Joins of team_0 (parts 0,1,2 and 2,0,1); nothing of team_1 reruns.
[[ $(count worker "$log") == 3 ]] || fail "editing one GroupBy should rerun it and its 2 Joins: $(grep processes "$log")"
echo "# a comment changes the file, not the compiled object" >>"$gb"
build "$log" --noremote_accept_cached
[[ $(count worker "$log") == 1 ]] || fail "a comment-only edit should rerun only the GroupBy: $(grep processes "$log")"
sed -i 's/length: 31 /length: 30 /; /^# a comment/d' "$gb"
build "$log"

bazel_in "$ws" clean >/dev/null 2>&1
build "$log"
hits=$(count "remote cache hit" "$log")
for kind in worker local linux-sandbox processwrapper-sandbox; do
  [[ $(count "$kind" "$log") == 0 ]] || fail "a clean build against the warm cache executed $kind actions: $(grep processes "$log")"
done
(( hits >= 16 )) || fail "expected every compile from the cache: $(grep processes "$log")"
rm -rf "$ws/.tree"
manifest_tree "$bin" "$ws/.tree"
python3 "$ROOT/tests/bench/expected_outputs.py" "$ws/.tree" 2 3 2 >/dev/null
echo "clean rebuild: $hits cache hits, no action executed"
