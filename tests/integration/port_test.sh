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
# 3b. Chronon's own sample Python (tests/goldens/sample/python): 4 modules refused at their file:line, the rest
#    written with --partial; 44/49 of compile.py's sample goldens identical, the 5 others listed with the reason.
# 4. tests/port/fixtures/refused: every line marked `# <- error: <text>` is reported as `<file>:<line>:<col>: error:`
#    with that text, no other line is, the exit status is 1, nothing is written, and nothing of it ran.
# 5. A production/ that differs from the port: exit status 2 and nothing written. A non-empty --to is refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
workspaces=()
trap cleanup_workspaces EXIT

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

# Join(model_transforms=...) with ai.chronon.model's helpers: ported, and verified by the tool itself (a Bazel build
# of the port) against compile.py's output for the same Python (tests/goldens/model).
"$port" --from="$GOLDENS/model/python" --to="$tmp/model_ws" --rules="$ROOT" --production="$GOLDENS/model/expected" \
  --bazel_arg=--disk_cache="$DISK_CACHE" >"$tmp/model.log" 2>&1 || { cat "$tmp/model.log"; fail "porting the model transforms failed"; }
grep -q '^2/2 identical' "$tmp/model.log" || { cat "$tmp/model.log"; fail "model transforms: not 2/2 identical"; }
grep -q 'modelTransforms' "$GOLDENS/model/expected/joins/example_team/model_join.v1" || fail "the model golden has no modelTransforms"
echo "model: Join(model_transforms=...) 2/2 identical to compile.py's output"

# Chronon's own sample (tests/goldens/sample/python, vendored from airbnb/chronon at 5edd4fc9): the 42 modules
# compile.py compiled into the 49 goldens, and what they import. Four modules cannot be ported: the tool must
# refuse each at this file:line (written here from reading the Python, not from the tool's output), and with
# --partial write the rest, which must build byte-identical to compile.py's goldens.
sample_refused=(
  # get_staging_query_dependencies(sq): the signal partition spec needs sq's namespace, unknown at load time.
  "group_bys/sample_team/sample_staging_query_view_group_by.py:17:"
  # utils.group_by_output_table_name(require_backfill, True): the full name needs the namespace.
  "group_bys/sample_team/sample_group_by_group_by.py:28:"
  # get_join_output_table_name(v1, full_name=True): the same.
  "joins/sample_team/sample_join_bootstrap.py:77:"
  # ttypes.Query as StagingQuery.query: python.bzl has no ttypes.Query; compile.py cannot compile it either.
  "staging_queries/sample_team/sample_staging_query_view.py:15:"
)
# The goldens not built, and why: the objects of the refused modules, and one Join that uses a GroupBy of one.
sample_missing=(
  "group_bys/sample_team/sample_group_by_group_by.require_backfill"  # module refused (full_name)
  "group_bys/sample_team/sample_staging_query_view_group_by.v1"      # module refused (get_staging_query_dependencies)
  "joins/sample_team/sample_join.group_by_of_group_by"               # uses sample_group_by_group_by.v1: no target
  "joins/sample_team/sample_join_bootstrap.v1"                       # module refused (full_name)
  "joins/sample_team/sample_join_bootstrap.v2"                       # module refused (full_name)
)
status=0
"$port" --from="$GOLDENS/sample/python" --to="$tmp/sample_none" --rules="$ROOT" >"$tmp/sample_refused.log" 2>&1 || status=$?
[[ $status -eq 1 && ! -e $tmp/sample_none ]] || { cat "$tmp/sample_refused.log"; fail "sample: exit $status, not 1 with nothing written"; }
status=0
"$port" --from="$GOLDENS/sample/python" --to="$tmp/sample_ws" --rules="$ROOT" --partial >"$tmp/sample_port.log" 2>&1 || status=$?
[[ $status -eq 3 ]] || { cat "$tmp/sample_port.log"; fail "sample --partial exited $status, not 3"; }
for r in "${sample_refused[@]}"; do
  grep -q "^$r[0-9]*: error: " "$tmp/sample_port.log" || { cat "$tmp/sample_port.log"; fail "sample: $r is not refused"; }
  grep -qx "not ported: ${r%%.py:*}.py (the errors above); nothing of it is written" "$tmp/sample_port.log" ||
    fail "sample: ${r%%:*} is not listed as not ported"
  [[ ! -e $tmp/sample_ws/${r%%.py:*}.bzl ]] || fail "sample: the refused ${r%%:*} was written"
done
[[ $(grep -cE '^[^ ]+\.py:[0-9]+:[0-9]+: error: ' "$tmp/sample_port.log") -eq ${#sample_refused[@]} ]] ||
  { cat "$tmp/sample_port.log"; fail "sample: refusals other than the ${#sample_refused[@]} expected"; }
workspaces+=("$tmp/sample_ws")
status=0
bazel_in "$tmp/sample_ws" build --keep_going //... >"$tmp/sample.build.log" 2>&1 || status=$?
# Two targets fail, both expected: the Join of a refused module's GroupBy, and compile.py's own negative case
# (deprecation_date="2023-1-1"; compile.py writes no golden for it), rejected by the compiler.
grep -q "no such target '//group_bys/sample_team:sample_group_by_group_by.v1'" "$tmp/sample.build.log" ||
  { tail -n 30 "$tmp/sample.build.log"; fail "sample: the build did not fail where expected"; }
grep -q "sample_deprecation_group_by.v1_incorrect_deprecation_format.*\[invalid-deprecation-date\]" "$tmp/sample.build.log" ||
  fail "sample: compile.py's negative case v1_incorrect_deprecation_format was not rejected"
[[ $(grep -c '^ERROR: ' "$tmp/sample.build.log") -le 3 ]] || { grep '^ERROR: ' "$tmp/sample.build.log"; fail "sample: unexpected build errors"; }
bin=$(cd "$tmp/sample_ws" && bazel info bazel-bin 2>/dev/null)
# Every conf built, laid out as compile.py writes it (each package's `production/<kind>/<team>/<name>`).
while IFS= read -r f; do
  rel=${f#*/production/}
  mkdir -p "$tmp/sample_built/$(dirname "$rel")"
  cp "$bin/$f" "$tmp/sample_built/$rel"
done < <(cd "$bin" && find group_bys joins staging_queries -path '*/production/*' -type f)
mkdir -p "$tmp/sample_golden" && cp -a "$GOLDENS/sample/expected/." "$tmp/sample_golden/"
for m in "${sample_missing[@]}"; do
  [[ -f $tmp/sample_golden/$m ]] || fail "sample: $m is not a golden"
  [[ ! -e $tmp/sample_built/$m ]] || fail "sample: $m, expected not to port, was built"
  rm "$tmp/sample_golden/$m"
done
want=$((49 - ${#sample_missing[@]}))
compare_goldens sample "$tmp/sample_golden" "$tmp/sample_built" "$want"
[[ $(find "$tmp/sample_built" -type f | wc -l) -eq $want ]] || fail "sample: the port built confs compile.py did not write"
echo "sample: $want/49 of compile.py's goldens identical; ${#sample_missing[@]} not ported, as expected (above)"

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
