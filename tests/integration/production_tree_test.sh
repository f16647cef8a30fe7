#!/usr/bin/env bash
# The checked-in production/ tree, as a user meets it (in a copy of examples/): the staleness test passes on the
# fresh tree; an env-only edit of an online Join is a plain CHANGED file; a content edit of an online GroupBy is
# flagged as ONLINE CONF CHANGED, the update refuses it and writes nothing, and --force-overwrite acknowledges it;
# a definition that is gone is reported and removed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"  # sets $tmp and $ws
GB=production/group_bys/example_team/example_group_by.v0
J=production/joins/example_team/example_join.v1

# check NAME: runs the staleness test; its output is in $tmp/NAME.out, its exit status is returned.
check() {
  local status=0
  bazel_in "$ws" test //:production_test --test_output=errors >"$tmp/$1.out" 2>&1 || status=$?
  return $status
}
update() { bazel_in "$ws" run //:production.update -- "$@" 2>/dev/null; }
expect_in() { grep -qF -- "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: output lacks: $2"; }; }

check fresh || { cat "$tmp/fresh.out" >&2; fail "the checked-in tree of examples/ is stale"; }
echo "fresh tree: production_test passes"

echo "--- env-only edit of the online Join"
sed -i 's/"PARALLELISM" value: "10"/"PARALLELISM" value: "12"/' "$ws/joins/example_team/example_join.v1.textproto"
! check env || fail "production_test passed on a stale tree"
expect_in env "CHANGED: $J"
expect_in env '+        "PARALLELISM": "12"'
expect_in env "bazel run //:production.update"
grep -q "ONLINE CONF CHANGED" "$tmp/env.out" && fail "an env-only change was flagged as an online change"
update >"$tmp/env_update.out" || fail "update failed"
check env_fixed || fail "production_test still fails after the update"
echo "env-only edit: reported as CHANGED with a diff; update fixed it"

echo "--- content edit of the online GroupBy"
sed -i 's/windows { length: 3 time_unit: DAYS }/windows { length: 4 time_unit: DAYS }/' \
  "$ws/group_bys/example_team/example_group_by.v0.textproto"
! check online || fail "production_test passed on an online change"
expect_in online "ONLINE CONF CHANGED: $GB"
expect_in online "Cannot overwrite GroupBy group_bys/example_team/example_group_by.v0 with existing online conf"
expect_in online "bazel run //:production.update -- --force-overwrite"
before=$(cat "$ws/$GB" "$ws/$J" | md5sum)
! update >"$tmp/refused.out" 2>&1 || fail "update overwrote an online conf without --force-overwrite"
[[ $(cat "$ws/$GB" "$ws/$J" | md5sum) == "$before" ]] || fail "a refused update wrote files"
update --force-overwrite >"$tmp/forced.out" || fail "update --force-overwrite failed"
grep -q "acknowledged with --force-overwrite" "$tmp/forced.out" || fail "forced update did not say so"
check online_fixed || fail "production_test still fails after --force-overwrite"
echo "online edit: flagged separately, update refused and wrote nothing, --force-overwrite acknowledged it"

echo "--- a definition that is gone"
sed -i '/"\/\/joins\/example_team:example_join.v1",/d' "$ws/BUILD"
! check gone || fail "production_test passed with a file whose definition is gone"
expect_in gone "GONE: $J"
update >"$tmp/gone_update.out" || fail "update failed"
[[ ! -e $ws/$J && ! -d $ws/production/joins ]] || fail "update did not remove $J (and its empty folders)"
check gone_fixed || fail "production_test still fails after removing the file"
echo "removed definition: reported as GONE; update removed the file"
