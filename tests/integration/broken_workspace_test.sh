#!/usr/bin/env bash
# `bazel build --keep_going //...` over a consumer workspace with four broken definitions (tests/broken/): every
# one is reported in the same run as `path:line:col: error: message [id]` with its fix, the good targets still
# build, and the broken ones leave no output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ws="$ROOT/tests/broken"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if bazel_in "$ws" build --keep_going //... >"$log" 2>&1; then
  cat "$log"
  fail "the build of a broken workspace succeeded"
fi
expect() {
  grep -qF -- "$1" "$log" || { cat "$log"; fail "missing from the output: $1"; }
  echo "reported: $1"
}
expect 'group_bys/example_team/typo.v1.textproto:4:1: error: Message type "chronon.api.GroupBy" has no field named "key_column". Did you mean "key_columns"? [unknown-field]'
expect 'joins/example_team/missing_dep.v1.textproto:5:14: error: //group_bys/example_team:good.v1 is not a dependency of //joins/example_team:missing_dep.v1; add "//group_bys/example_team:good.v1" to the deps of //joins/example_team:missing_dep.v1 [missing-dependency]'
expect 'group_bys/nobody/orphan.v1.textproto:1:1: error: team nobody does not exist in teams.json; add it there or move the definition to an existing team'"'"'s folder [unknown-team]'
expect "joins/example_team/bad_key.v1.textproto:6:3: error: 'usr', is not a valid key for example_team.good.v1; please pick one from: user [invalid-key-mapping]"
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
[[ -f $bin/group_bys/example_team/production/group_bys/example_team/good.v1 ]] || fail "the good GroupBy was not built"
for bad in group_bys/example_team/production/group_bys/example_team/typo.v1 \
  joins/example_team/production/joins/example_team/missing_dep.v1 joins/example_team/production/joins/example_team/bad_key.v1; do
  [[ ! -e $bin/$bad ]] || fail "a broken target left an output: $bad"
done
echo "broken workspace: 4/4 errors reported in one --keep_going build, no partial outputs"
