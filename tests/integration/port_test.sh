#!/usr/bin/env bash
# The porting tool (issue 25, docs/port.md): `bazel run //tools:port` turns a Chronon Python repo into a Starlark
# workspace, never running the Python.
# 1. The seed example's Python (tests/goldens/seed/python, vendored from ../shared) is ported with no manual edit
#    and verified by the tool itself against compile.py's goldens (--production: it builds the port with Bazel);
#    the ported workspace, built here with Bazel, is byte-identical to tests/goldens/seed/expected.
# 2. tests/port/fixtures/rewrites (the seed's Python written with every construct the tool rewrites: f-strings,
#    adjacent literals, escapes, `is None`, a generator argument, module and aliased imports, ttypes as a module, a
#    helper module of functions) ports and builds to the same goldens.
# 3. tests/goldens/crossteam/python (GroupBys of another team imported by name and through their module) ports and
#    builds to compile.py's crossteam goldens (8/8): the import style decides the embedded team.
# 4. tests/port/fixtures/refused: every line marked `# <- error: <text>` is reported as `<file>:<line>:<col>: error:`
#    with that text, no other line is, the exit status is 1, nothing is written, and nothing of it ran.
# 5. A production/ that differs from the port: exit status 2 and nothing written. A non-empty --to is refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
workspaces=()
cleanup() {
  for w in "${workspaces[@]}"; do (cd "$w" 2>/dev/null && bazel shutdown 2>/dev/null) || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The tool as users run it, once; then its built script directly (the same file, without Bazel's startup).
(cd "$ROOT" && bazel run --disk_cache="$DISK_CACHE" //tools:port -- --from="$GOLDENS/seed/python" \
  --to="$tmp/seed_ws" --rules="$ROOT" --production="$GOLDENS/seed/expected" \
  --bazel_arg=--disk_cache="$DISK_CACHE") >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log"; fail "porting the seed failed"; }
grep -q '^2/2 identical' "$tmp/seed.log" || { cat "$tmp/seed.log"; fail "the tool did not verify the seed 2/2"; }
port=$ROOT/bazel-bin/tools/port/port
[[ -x $port ]] || fail "no $port"

# build_and_compare NAME WS GOLDEN WANT: builds ported workspace WS and compares its confs with compile.py's.
build_and_compare() {
  local name=$1 ws=$2 golden=$3 want=$4 bin
  workspaces+=("$ws")
  bazel_in "$ws" build //... >"$tmp/$name.build.log" 2>&1 || { tail -n 30 "$tmp/$name.build.log"; fail "$name: the build failed"; }
  bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
  manifest_tree "$bin" "$tmp/${name}_built"
  compare_goldens "$name" "$golden" "$tmp/${name}_built" "$want"
  [[ $(find "$tmp/${name}_built" -type f | wc -l) -eq $want ]] || fail "$name: the port built confs compile.py did not write"
}

build_and_compare seed "$tmp/seed_ws" "$GOLDENS/seed/expected" 2
# Only import lines and the f-string changed: the module's code is the user's, as written.
grep -qx 'sum_cols = \["active_{}_days".format(x) for x in \[30, 90, 120\]\]' \
  "$tmp/seed_ws/group_bys/example_team/example_group_by.bzl" || fail "the seed's f-string was not rewritten as expected"
grep -q '^load("//sources:test_sources.bzl"' "$tmp/seed_ws/joins/example_team/example_join.bzl" ||
  fail "the join does not load its sources"
grep -q '"//group_bys/example_team:example_group_by.v0"' "$tmp/seed_ws/joins/example_team/example_join.bzl" ||
  fail "the join does not name the GroupBy of another module by its label"
cmp -s "$GOLDENS/seed/python/teams.json" "$tmp/seed_ws/teams.json" || fail "teams.json was not copied byte for byte"

"$port" --from="$ROOT/tests/port/fixtures/rewrites" --to="$tmp/rewrites_ws" --rules="$ROOT" >/dev/null
build_and_compare rewrites "$tmp/rewrites_ws" "$GOLDENS/seed/expected" 2

"$port" --from="$GOLDENS/crossteam/python" --to="$tmp/crossteam_ws" --rules="$ROOT" >/dev/null
build_and_compare crossteam "$tmp/crossteam_ws" "$GOLDENS/crossteam/expected" 8
grep -q 'imported_by_name("//group_bys/risk:payments.listing_v1")' "$tmp/crossteam_ws/joins/docs_team/by_name.bzl" ||
  fail "by_name: the GroupBy imported by name is not imported_by_name"
! grep -q 'imported_by_name' "$tmp/crossteam_ws/joins/docs_team/by_module.bzl" ||
  fail "by_module: a GroupBy reached through its module was marked imported_by_name"

# Refusals, at the user's file and line; nothing written, nothing run (the fixture would create EXECUTED).
refused=$ROOT/tests/port/fixtures/refused
status=0
(cd "$tmp" && "$port" --from="$refused" --to="$tmp/refused_ws" --rules="$ROOT") >"$tmp/refused.log" 2>&1 || status=$?
[[ $status -eq 1 ]] || { cat "$tmp/refused.log"; fail "the refused fixture exited $status, not 1"; }
[[ ! -e $tmp/refused_ws ]] || fail "the refused fixture wrote $tmp/refused_ws"
[[ ! -e $tmp/EXECUTED ]] || fail "the refused fixture's Python was run"
[[ -z $(find "$tmp" -maxdepth 1 -name '.refused_ws.port-*') ]] || fail "a temporary directory was left behind"
marked=0
while IFS= read -r file; do
  rel=${file#"$refused"/}
  while IFS= read -r hit; do
    line=${hit%%:*}
    want=${hit#*# <- error: }
    grep -qF -- "$rel:$line:" "$tmp/refused.log" || { cat "$tmp/refused.log"; fail "$rel:$line is not reported"; }
    grep -F -- "$rel:$line:" "$tmp/refused.log" | grep -qF -- "error: " || fail "$rel:$line is not an error"
    grep -F -- "$rel:$line:" "$tmp/refused.log" | grep -qF -- "$want" ||
      { grep -F -- "$rel:$line:" "$tmp/refused.log"; fail "$rel:$line does not say: $want"; }
    marked=$((marked + 1))
  done < <(grep -n -- '# <- error: ' "$file")
done < <(find "$refused" -name '*.py' | sort)
# No report on an unmarked line.
while IFS= read -r reported; do
  rel=${reported%%:*}
  line=$(cut -d: -f2 <<<"$reported")
  sed -n "${line}p" "$refused/$rel" | grep -q -- '# <- error: ' || fail "unexpected report: $reported"
done < <(grep -E '^[^ ]+\.py:[0-9]+:[0-9]+: error: ' "$tmp/refused.log")
reported=$(grep -cE '^[^ ]+\.py:[0-9]+:[0-9]+: error: ' "$tmp/refused.log")
[[ $marked -ge 25 ]] || fail "only $marked marked lines in the refused fixture"
[[ $reported -eq $marked ]] || fail "$reported reports for $marked marked lines"
echo "refused: $marked/$marked constructs reported at their file:line:col, exit 1, nothing written, nothing run"

# A production/ the port does not reproduce (one byte changed): exit 2, nothing written.
cp -a "$GOLDENS/seed/expected" "$tmp/changed"
sed -i 's/"EXECUTOR_MEMORY": "4G"/"EXECUTOR_MEMORY": "5G"/' "$tmp/changed/group_bys/example_team/example_group_by.v0"
! cmp -s "$tmp/changed/group_bys/example_team/example_group_by.v0" "$GOLDENS/seed/expected/group_bys/example_team/example_group_by.v0" ||
  fail "could not change the golden copy"
status=0
"$port" --from="$GOLDENS/seed/python" --to="$tmp/changed_ws" --rules="$ROOT" --production="$tmp/changed" \
  --bazel_arg=--disk_cache="$DISK_CACHE" >"$tmp/changed.log" 2>&1 || status=$?
[[ $status -eq 2 ]] || { cat "$tmp/changed.log"; fail "a differing production/ exited $status, not 2"; }
grep -q '^differs: production/group_bys/example_team/example_group_by.v0' "$tmp/changed.log" ||
  { cat "$tmp/changed.log"; fail "the differing file was not named"; }
[[ ! -e $tmp/changed_ws ]] || fail "a port that does not verify was written"
echo "verify: a changed production/ is reported (exit 2) and nothing is written"

# A non-empty --to is never written into.
mkdir "$tmp/full" && echo keep >"$tmp/full/mine"
status=0
"$port" --from="$GOLDENS/seed/python" --to="$tmp/full" --rules="$ROOT" --no_verify >"$tmp/full.log" 2>&1 || status=$?
[[ $status -eq 1 ]] && grep -q 'not an empty directory' "$tmp/full.log" || fail "a non-empty --to was not refused"
[[ $(ls "$tmp/full") == mine && $(cat "$tmp/full/mine") == keep ]] || fail "the non-empty --to was changed"
echo "port: seed, rewrites and crossteam identical to compile.py's goldens; refusals and verify checked"
