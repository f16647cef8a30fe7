#!/usr/bin/env bash
# `bazel run //:production.plan` on a copy of tests/sample, one case per rule of Chronon's semantic-hash check
# (docs/plan.md). The expected tables are written here from the rule and the sample's names (outputNamespace from
# teams.json: chronon_db, or the conf's own), never captured from the tool. Edits on disjoint Joins share a run:
#   run 1: a window change in a GroupBy (exactly its part table plus the main table of each Join using it); a left
#          change (every part table, the bootstrap table, the main table); a derivation change (the main table
#          only); a topic-only change of a Join's left, through a JoinSource chain (nothing); an env-only change
#          (nothing); an online-only external part change (nothing);
#   run 2: an added bootstrap part (every table); a removed join part (that table dropped, the main table); a
#          chained Join (a parent's removed part recomputes the child's part through its JoinSource); an external
#          part given an offlineGroupBy (its table computed, the main table);
#   run 3: lineage: a GroupBy edit lists every Join that uses it, the chained one via its parent; --fail-on;
#   run 4: an env-only change alone: "no table recomputed", --fail-on passes; then no change at all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# A scratch copy of tests/sample (its WORKSPACE points at the rules with "../..", which copy_workspace does not
# rewrite): the same cleanup as scratch_workspace.
tmp=$(mktemp -d)
ws=$tmp/ws
trap '(cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$tmp"' EXIT
mkdir -p "$ws"
(cd "$ROOT/tests/sample" && tar --exclude='./bazel-*' -cf - .) | (cd "$ws" && tar -xf -)
sed -i "s|path = \"\\.\\./\\.\\.\"|path = \"$ROOT\"|" "$ws/WORKSPACE"
grep -q "path = \"$ROOT\"" "$ws/WORKSPACE" || fail "could not point $ws/WORKSPACE at $ROOT"
cp -a "$ws" "$tmp/pristine"

start=$SECONDS
bazel_in "$ws" run //:production.update >"$tmp/update.out" 2>&1 || { cat "$tmp/update.out" >&2; fail "update"; }

# plan NAME [ARGS]: `bazel run //:production.plan -- ARGS`, output in $tmp/NAME.out; returns its exit status.
plan() {
  local name=$1 status=0
  shift
  bazel_in "$ws" run //:production.plan -- "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
  return $status
}
json_plan() {
  plan "$1" --format=json || { cat "$tmp/$1.err" >&2; fail "$1: the plan failed"; }
}
# edit FILE PYTHON_EXPR: rewrites $ws/FILE with the Python expression over its text `s`; it must change.
edit() {
  python3 - "$ws/$1" "$2" <<'PY' || fail "edit $1"
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
new = eval(expr)
if new == s:
    sys.exit("the edit of %s changed nothing" % path)
open(path, "w").write(new)
PY
}
restore() { (cd "$tmp/pristine" && tar --exclude='./bazel-*' -cf - .) | (cd "$ws" && tar -xf -); }

# query NAME WHAT [ARG]: facts from the JSON plan NAME, one per line, sorted.
#   objects            every object's path
#   tables PATH        "<action> <table>" of the object at PATH
#   users PATH         "<path> via <joins>" of every user of the object at PATH
#   field PATH KEY     the JSON of a member of the object at PATH
query() {
  python3 - "$tmp/$1.out" "${@:2}" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
assert plan["schema"] == "rules_chronon.plan/1", plan["schema"]
what, args = sys.argv[2], sys.argv[3:]
objects = {o["path"]: o for o in plan["objects"]}
if what == "objects":
    lines = list(objects)
elif what == "tables":
    lines = ["%s %s" % (t["action"], t["table"]) for t in objects[args[0]]["tables"]]
elif what == "users":
    lines = ["%s via %s" % (u["path"], ",".join(u["via"]) or "-") for u in objects[args[0]]["used_by"]]
elif what == "field":
    lines = [json.dumps(objects[args[0]][args[1]], sort_keys=True)]
elif what == "summary":
    lines = [json.dumps(plan["summary"], sort_keys=True)]
print("\n".join(sorted(lines)))
PY
}
# expect NAME WHAT ARGS... -- EXPECTED LINES...: query NAME equals the lines (in any order).
expect() {
  local name=$1 args=() got want
  shift
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  shift
  got=$(query "$name" "${args[@]}")
  want=$( (($#)) && printf '%s\n' "$@" | sort || true)
  [[ "$got" == "$want" ]] || fail "$name: ${args[*]}: expected
$want
got
$got"
}
expect_in() { grep -qF -- "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: output lacks: $2"; }; }

J=joins/sample_team
KW=sample_team_group_by_with_kwargs_v1
EV=sample_team_event_sample_group_by_v1
EN=sample_team_entity_sample_group_by_from_module_v1

echo "--- run 1: window, left, derivation, topic-only, env-only, online-only external part"
# Window: the 7-day SUM of group_by_with_kwargs.v1 becomes 14 days.
edit group_bys/sample_team/group_by_with_kwargs.v1.textproto \
  's.replace("windows { length: 7 time_unit: DAYS }", "windows { length: 14 time_unit: DAYS }")'
# Left: the inline left of sample_join_derivation_key_mapping.v1 starts earlier.
edit $J/sample_join_derivation_key_mapping.v1.textproto \
  's.replace("start_partition: \"2021-04-09\"", "start_partition: \"2021-01-01\"")'
# Derivation: a ratio becomes a product.
edit $J/sample_join_derivation.v1.textproto \
  's.replace("_event_sum_7d / sample_team_entity", "_event_sum_7d * sample_team_entity")'
# Topic only: the streaming source that both parent Joins read (and sample_chaining_join.v1 through its JoinSource).
edit sources/event_source_streaming.textproto 's.replace("topic: \"sample_topic\"", "topic: \"sample_topic_v2\"")'
# Env only.
edit $J/sample_join_from_module.v1.textproto 's.replace("\"custom_env_value\"", "\"custom_env_value_2\"")'
# External part, online only (no offlineGroupBy): one more value field.
edit $J/sample_join_external_parts.v1.textproto \
  's.replace("        data_type { kind: BOOLEAN }\n      }\n", "        data_type { kind: BOOLEAN }\n      }\n      value_fields {\n        name: \"value_double\"\n        data_type { kind: DOUBLE }\n      }\n", 1)'
json_plan run1
expect run1 objects -- group_bys/sample_team/group_by_with_kwargs.v1 $J/sample_join_bootstrap.v2 \
  $J/sample_label_join.v1 $J/sample_label_join_with_agg.v1 $J/sample_online_join.v1 \
  $J/sample_join_derivation_key_mapping.v1 $J/sample_join_derivation.v1 $J/sample_chaining_join.parent_join \
  $J/sample_chaining_join.v1 joins/unit_test/sample_parent_join.parent_join $J/sample_join_from_module.v1 \
  $J/sample_join_external_parts.v1
# Window: exactly the GroupBy's part table and the main table of each Join that uses it.
expect run1 tables $J/sample_join_bootstrap.v2 -- "recompute chronon_db.sample_team_sample_join_bootstrap_v2_$KW" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v2"
expect run1 tables $J/sample_label_join.v1 -- "recompute sample_namespace.sample_team_sample_label_join_v1_$KW" \
  "recompute sample_namespace.sample_team_sample_label_join_v1"
expect run1 tables $J/sample_label_join_with_agg.v1 -- \
  "recompute sample_namespace.sample_team_sample_label_join_with_agg_v1_$KW" \
  "recompute sample_namespace.sample_team_sample_label_join_with_agg_v1"
expect run1 tables $J/sample_online_join.v1 -- "recompute chronon_db.sample_team_sample_online_join_v1_$KW" \
  "recompute chronon_db.sample_team_sample_online_join_v1"
expect run1 tables group_bys/sample_team/group_by_with_kwargs.v1 --
expect run1 users group_bys/sample_team/group_by_with_kwargs.v1 -- "$J/sample_join_bootstrap.v2 via -" \
  "$J/sample_label_join.v1 via -" "$J/sample_label_join_with_agg.v1 via -" "$J/sample_online_join.v1 via -"
expect run1 field group_bys/sample_team/group_by_with_kwargs.v1 members -- \
  '[{"new": 14, "old": 7, "op": "changed", "pointer": "/aggregations/2/windows/0/length"}]'
expect run1 field group_bys/sample_team/group_by_with_kwargs.v1 online_jobs -- '["upload"]'
expect run1 field group_bys/sample_team/group_by_with_kwargs.v1 online_conf_changed -- true
# Left: every part table, the bootstrap table and the main table.
expect run1 tables $J/sample_join_derivation_key_mapping.v1 -- \
  "recompute chronon_db.sample_team_sample_join_derivation_key_mapping_v1_$EV" \
  "recompute chronon_db.sample_team_sample_join_derivation_key_mapping_v1_$EN" \
  "recompute chronon_db.sample_team_sample_join_derivation_key_mapping_v1_bootstrap" \
  "recompute chronon_db.sample_team_sample_join_derivation_key_mapping_v1"
# Derivation: the main table only.
expect run1 tables $J/sample_join_derivation.v1 -- "recompute chronon_db.sample_team_sample_join_derivation_v1"
# Topic only, env only, online-only external part: nothing.
for path in $J/sample_chaining_join.parent_join $J/sample_chaining_join.v1 joins/unit_test/sample_parent_join.parent_join \
  $J/sample_join_from_module.v1 $J/sample_join_external_parts.v1; do
  expect run1 tables "$path" --
done
expect run1 users $J/sample_chaining_join.parent_join -- "$J/sample_chaining_join.v1 via -"
expect run1 field $J/sample_chaining_join.parent_join online_conf_changed -- true
expect run1 field $J/sample_join_from_module.v1 online_conf_changed -- false
expect run1 summary -- '{"not_comparable": 0, "objects": 12, "online_confs_changed": 6, "online_group_by_jobs": 1, '`
  `'"tables_computed": 0, "tables_recomputed": 13}'
plan run1_text || fail "the text plan failed"
expect_in run1_text "~ production/group_bys/sample_team/group_by_with_kwargs.v1 (changed, online)"
expect_in run1_text "    /aggregations/2/windows/0/length: 7 -> 14"
expect_in run1_text "      join part \`sample_team.group_by_with_kwargs.v1\` changed: aggregations/2/windows/0/length 7 -> 14"
expect_in run1_text "      derivations changed: main table only"
expect_in run1_text "      left source changed: every part (events/query/startPartition \"2021-04-09\" -> \"2021-01-01\")"
expect_in run1_text "  online GroupBy: its upload job changes"
expect_in run1_text "~ production/joins/sample_team/sample_join_from_module.v1 (changed)
    /metaData/customJson: "
expect_in run1_text "  no table recomputed"
echo "run 1: window, left, derivation, topic-only, env-only and external-part cases as the rule says"

echo "--- run 2: added bootstrap part, removed join part, chained Join, external part with an offlineGroupBy"
restore
edit $J/sample_join_bootstrap.v2.textproto \
  's.replace("\nmeta_data {", "\nbootstrap_parts { table: \"chronon_db.extra_bootstrap\" key_columns: \"request_id\" }\nmeta_data {", 1)'
edit $J/sample_join_bootstrap.v1.textproto \
  's.replace("join_parts {\n  group_by { ref: \"//group_bys/sample_team:entity_sample_group_by_from_module.v1\" }\n  key_mapping { key: \"subject\" value: \"group_by_subject\" }\n}\n", "")'
edit $J/sample_chaining_join.parent_join.textproto \
  's.replace("join_parts {\n  group_by { ref: \"//group_bys/sample_team:entity_sample_group_by_from_module.v1\" }\n  key_mapping { key: \"subject\" value: \"group_by_subject\" }\n}\n", "")'
edit $J/sample_join_external_parts.v1.textproto \
  's.replace("    }\n  }\n}\nonline_external_parts {", "    }\n    offline_group_by { ref: \"//group_bys/sample_team:sample_group_by.v1\" }\n  }\n  prefix: \"offline\"\n}\nonline_external_parts {", 1)'
json_plan run2
expect run2 objects -- $J/sample_join_bootstrap.v2 $J/sample_join_bootstrap.v1 $J/sample_chaining_join.parent_join \
  $J/sample_chaining_join.v1 $J/sample_join_external_parts.v1
# Added bootstrap part: the bootstrap hash changed, so every table the old hash keyed, and the main table.
expect run2 tables $J/sample_join_bootstrap.v2 -- "recompute chronon_db.sample_team_sample_join_bootstrap_v2_$EV" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v2_$EN" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v2_$KW" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v2_bootstrap" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v2"
# Removed join part: its table dropped, the main table recomputed.
expect run2 tables $J/sample_join_bootstrap.v1 -- "drop chronon_db.sample_team_sample_join_bootstrap_v1_$EN" \
  "recompute chronon_db.sample_team_sample_join_bootstrap_v1"
# Chained: the parent loses a part; the child's GroupBy reads the parent through a JoinSource, so its part changes.
expect run2 tables $J/sample_chaining_join.parent_join -- \
  "drop chronon_db.sample_team_sample_chaining_join_parent_join_$EN" \
  "recompute chronon_db.sample_team_sample_chaining_join_parent_join"
expect run2 tables $J/sample_chaining_join.v1 -- \
  "recompute chronon_db.sample_team_sample_chaining_join_v1_sample_team_sample_chaining_group_by" \
  "recompute chronon_db.sample_team_sample_chaining_join_v1"
expect run2 users $J/sample_chaining_join.parent_join -- "$J/sample_chaining_join.v1 via -"
# External part with an offlineGroupBy: a part of its own, keyed by its prefix and GroupBy; new, so computed.
expect run2 tables $J/sample_join_external_parts.v1 -- \
  "compute sample_namespace.sample_team_sample_join_external_parts_v1_offline_sample_team_sample_group_by_v1" \
  "recompute sample_namespace.sample_team_sample_join_external_parts_v1"
echo "run 2: bootstrap, removed part, chained Join and offline external part cases as the rule says"

echo "--- run 3: lineage of a GroupBy edit, through the JoinSource chain; --fail-on"
restore
edit group_bys/sample_team/event_sample_group_by.v1.textproto 's.replace("k: 200", "k: 128")'
json_plan run3
# Every Join whose conf embeds the GroupBy: ten use it as a part, sample_chaining_join.v1 through parent_join.
expect run3 users group_bys/sample_team/event_sample_group_by.v1 -- "$J/sample_chaining_join.parent_join via -" \
  "$J/sample_chaining_join.v1 via sample_team.sample_chaining_join.parent_join" \
  "$J/sample_join_bootstrap.v1 via -" "$J/sample_join_bootstrap.v2 via -" "$J/sample_join_derivation.v1 via -" \
  "$J/sample_join_derivation_key_mapping.v1 via -" "$J/sample_join_with_derivations_on_external_parts.v1 via -" \
  "$J/sample_join_with_only_external_join_parts.v1 via -" "$J/sample_label_join.v1 via -" \
  "$J/sample_label_join_with_agg.v1 via -" "$J/sample_online_join.v1 via -"
expect run3 tables $J/sample_chaining_join.v1 -- \
  "recompute chronon_db.sample_team_sample_chaining_join_v1_sample_team_sample_chaining_group_by" \
  "recompute chronon_db.sample_team_sample_chaining_join_v1"
expect run3 tables $J/sample_chaining_join.parent_join -- \
  "recompute chronon_db.sample_team_sample_chaining_join_parent_join_$EV" \
  "recompute chronon_db.sample_team_sample_chaining_join_parent_join"
status=0
plan run3_fail --fail-on=recompute || status=$?
[[ $status -eq 3 ]] || fail "--fail-on=recompute with tables recomputed: exit $status, expected 3"
grep -qF "failing as --fail-on=recompute asks: tables would be recomputed" "$tmp/run3_fail.err" ||
  fail "--fail-on=recompute: no reason on stderr"
expect_in run3_fail "  used by production/joins/sample_team/sample_chaining_join.v1 via sample_team.sample_chaining_join.parent_join:"
status=0
plan run3_online --fail-on=online --format=json || status=$?
[[ $status -eq 3 ]] || fail "--fail-on=online with an online GroupBy changed: exit $status, expected 3"
status=0
plan run3_bad --fail-on=everything || status=$?
[[ $status -eq 2 ]] || fail "--fail-on=everything: exit $status, expected 2"
status=0
plan run3_misspelt --fail_on=recompute || status=$?
[[ $status -eq 2 ]] || fail "--fail_on=recompute (misspelt): exit $status, expected 2"
grep -qF "error: unknown option --fail_on" "$tmp/run3_misspelt.err" || fail "--fail_on: no error naming it"
echo "run 3: lineage through the chain, --fail-on exits 3 (2 for a bad value or a misspelt option)"

echo "--- run 4: env only, alone; then nothing"
restore
edit $J/sample_join_from_module.v1.textproto 's.replace("\"custom_env_value\"", "\"custom_env_value_2\"")'
plan run4 --fail-on=recompute,online || fail "--fail-on with an env-only change: exit $?, expected 0"
expect_in run4 "~ production/joins/sample_team/sample_join_from_module.v1 (changed)"
expect_in run4 "0 table(s) dropped or recomputed, 0 new; 0 online conf(s) changed"
expect_in run4 "  no table recomputed"
restore
plan run5 --fail-on=recompute,online || fail "no change: exit $?"
expect_in run5 "production/: nothing to plan: the checked-in tree is the built one (//:production)"
echo "run 4: env-only change passes --fail-on with \"no table recomputed\"; no change, nothing to plan"
echo "plan_test: all cases pass in $((SECONDS - start)) s"
