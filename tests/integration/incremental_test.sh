#!/usr/bin/env bash
# Incremental builds, proven from Bazel's execution log: in a copy of examples/ grown to two teams (one GroupBy
# used by two Joins, one GroupBy used by a third), editing a GroupBy reruns exactly its ChrononCompile action and
# those of the Joins that use it; editing a Join reruns only it; editing one team's entry in teams.json reruns only
# that team's objects, and editing a key the compiler does not read reruns nothing. Also runs the lineage queries
# of docs/workflow.md ("Lineage", read from there) and checks the output-column listing of the example Join.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"  # sets $tmp and $ws

# A sample_team GroupBy + Join that do not touch the example GroupBy, and a second Join on it.
mkdir -p "$ws/group_bys/sample_team" "$ws/joins/sample_team"
cp "$ws/group_bys/example_team/example_group_by.v0.textproto" "$ws/group_bys/sample_team/activity.v1.textproto"
sed 's/example_group_by.v0/activity.v1/' "$ws/group_bys/example_team/BUILD" >"$ws/group_bys/sample_team/BUILD"
sed 's|//group_bys/example_team:example_group_by.v0|//group_bys/sample_team:activity.v1|' \
  "$ws/joins/example_team/example_join.v1.textproto" >"$ws/joins/sample_team/views.v1.textproto"
sed -e 's/example_join.v1/views.v1/' -e 's|group_bys/example_team:example_group_by.v0|group_bys/sample_team:activity.v1|' \
  "$ws/joins/example_team/BUILD" >"$ws/joins/sample_team/BUILD"
cp "$ws/joins/example_team/example_join.v1.textproto" "$ws/joins/example_team/example_join.v2.textproto"
cat >>"$ws/joins/example_team/BUILD" <<'BUILD'

chronon_join(
    name = "example_join.v2",
    deps = [
        "//group_bys/example_team:example_group_by.v0",
        "//sources:website__views",
    ],
)
BUILD

GB=//group_bys/example_team:example_group_by.v0
J1=//joins/example_team:example_join.v1
J2=//joins/example_team:example_join.v2
OTHER_GB=//group_bys/sample_team:activity.v1
OTHER_J=//joins/sample_team:views.v1

# build_and_list NAME: builds //... with an execution log and prints the labels whose compile action ran.
build_and_list() {
  bazel_in "$ws" build //... --execution_log_json_file="$tmp/$1.log" >"$tmp/$1.out" 2>&1 ||
    { cat "$tmp/$1.out" >&2; fail "build $1 failed"; }
  compile_actions "$tmp/$1.log"
}

# expect_ran CASE ACTUAL EXPECTED...: ACTUAL (newline-separated) must be exactly EXPECTED.
expect_ran() {
  local case=$1 actual=$2
  shift 2
  local expected
  expected=$(printf '%s\n' "$@" | sort)
  echo "$case: $(echo "$actual" | grep -c . || true) ChrononCompile action(s) ran: $(echo $actual)"
  [[ $actual == "$expected" ]] || fail "$case: expected exactly: $(echo $expected)"
}

all=$(build_and_list initial)
echo "initial build: $(echo "$all" | grep -c .) ChrononCompile actions"

echo "--- no-op rebuild"
expect_ran "no edit" "$(build_and_list noop)"

echo "--- edit one GroupBy ($GB)"
sed -i 's/windows { length: 3 time_unit: DAYS }/windows { length: 4 time_unit: DAYS }/' \
  "$ws/group_bys/example_team/example_group_by.v0.textproto"
grep -q 'length: 4' "$ws/group_bys/example_team/example_group_by.v0.textproto" || fail "GroupBy edit did not apply"
expect_ran "GroupBy edit" "$(build_and_list group_by)" "$GB" "$J1" "$J2"

echo "--- edit one Join ($J1)"
sed -i 's/"PARALLELISM" value: "10"/"PARALLELISM" value: "11"/' "$ws/joins/example_team/example_join.v1.textproto"
grep -q '"11"' "$ws/joins/example_team/example_join.v1.textproto" || fail "Join edit did not apply"
expect_ran "Join edit" "$(build_and_list join)" "$J1"

echo "--- edit example_team's entry in teams.json"
sed -i 's/"namespace": "example_namespace"/"namespace": "example_namespace_v2"/' "$ws/teams.json"
ran=$(build_and_list teams)
echo "teams.json edit: $(echo "$ran" | grep -c .) ChrononCompile action(s) ran: $(echo $ran)"
# Exactly example_team's objects rerun: each definition reads only its team's part of teams.json.
[[ $(sort <<<"$ran") == "$(printf '%s\n' "$GB" "$J1" "$J2" | sort)" ]] ||
  fail "teams.json edit of example_team: expected exactly $GB $J1 $J2 to rerun"
grep -q example_namespace_v2 "$ws/bazel-bin/production/joins/example_team/example_join.v1" ||
  fail "teams.json edit did not reach the Join's engine JSON"

echo "--- edit a key of teams.json the compiler does not read (example_team's description)"
sed -i 's/"description": "Example team"/"description": "Example team, renamed"/' "$ws/teams.json"
ran=$(build_and_list teams_description)
echo "description edit: $(echo "$ran" | grep -c .) ChrononCompile action(s) ran"
[[ -z $ran ]] || fail "an edit of a key the compiler does not read reran: $(echo $ran)"

echo "--- lineage queries (docs/workflow.md, \"Lineage\"), as the page shows them"
# The page's three queries are about $GB and $J1, which this workspace has (with a second Join, $J2, on $GB).
mapfile -t queries < <(doc_code docs/workflow.md Lineage | grep '^bazel query ')
((${#queries[@]} == 3)) || fail "docs/workflow.md, \"Lineage\": expected 3 bazel queries, found ${#queries[@]}"
# doc_query N: runs the page's query N in the workspace, its output sorted.
doc_query() {
  echo "\$ ${queries[$1]}" >&2
  (cd "$ws" && eval "${queries[$1]}" 2>/dev/null) | sort
}
users=$(doc_query 0)
echo "joins using $GB: $(echo $users)"
[[ $users == "$(printf '%s\n' "$J1" "$J2" | sort)" ]] || fail "rdeps query: expected $J1 $J2"
reads=$(doc_query 1)
echo "what $J1 reads: $(echo $reads)"
[[ $reads == "$(printf '%s\n' "$GB" //sources:user_activity //sources:website__views | sort)" ]] ||
  fail "deps query: expected $GB and the two sources"
files=$(doc_query 2)
echo "the files $J1 reads: $(echo $files)"
for f in //joins/example_team:example_join.v1.textproto //group_bys/example_team:example_group_by.v0.textproto \
  //sources:user_activity.textproto //sources:website__views.textproto; do
  grep -qxF "$f" <<<"$files" || fail "source-file query: $f missing"
done

echo "--- output columns (compile.py --feature-display rules)"
bazel_in "$ws" run "$OTHER_J.columns" 2>/dev/null >"$tmp/columns"
sed 's/example_team_example_group_by_v0/sample_team_activity_v1/' "$ROOT/tests/integration/testdata/example_join.v1.columns" |
  diff - "$tmp/columns" || fail "$OTHER_J.columns differs from testdata/example_join.v1.columns"
echo "$OTHER_J.columns: $(wc -l <"$tmp/columns") columns as expected"
