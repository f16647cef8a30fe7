#!/usr/bin/env bash
# The checked-in production/ tree, as a user meets it (in a copy of examples/), through `bazel test
# //:production_test` and `bazel run //:production.update`:
#   - the staleness test on the fresh tree; an env-only edit of an online Join (a plain CHANGED with a diff); a
#     content edit of an online GroupBy (ONLINE CONF CHANGED, refused, --force-overwrite acknowledges it);
#   - ownership: files the target does not manage (OWNERS, README.md, .gitkeep, a BUILD file, a name with spaces,
#     another team's online conf written by compile.py) are never touched, are reported once, and neither break
#     the build nor fail the test; two targets on one directory each keep their own files;
#   - removal of a managed online conf is guarded like a change, and removes its empty folders when acknowledged;
#   - a merge-conflicted conf is shown with a diff and replaced only with --force-overwrite;
#   - hostile trees (a symlinked production/joins, a conf replaced by a symlink, a dangling symlink, a directory
#     where a conf belongs, an executable conf): the test reports each, the update names it and writes nothing,
#     and nothing outside production/ is ever written;
#   - a directory the update cannot write into (immutable): named before the first write, nothing written;
#   - two concurrent updates: both succeed, one after the other.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples" # sets $tmp and $ws
GB=production/group_bys/example_team/example_group_by.v0
J=production/joins/example_team/example_join.v1

# check NAME: runs the staleness test; its output is in $tmp/NAME.out, its exit status is returned.
check() {
  local status=0
  bazel_in "$ws" test //:production_test --test_output=all >"$tmp/$1.out" 2>&1 || status=$?
  return $status
}
# update NAME [ARGS]: `bazel run //:production.update -- ARGS`; stdout and stderr in $tmp/NAME.out.
update() {
  local name=$1 status=0
  shift
  bazel_in "$ws" run //:production.update -- "$@" >"$tmp/$name.out" 2>&1 || status=$?
  return $status
}
expect_in() { grep -qF -- "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: output lacks: $2"; }; }
not_in() { ! grep -qF -- "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: output has: $2"; }; }
tree_sum() { (cd "$ws" && find production -path production/.chronon_staging -prune -o -print0 | sort -z |
  xargs -0 stat -c '%n %F %a %s' && find production -type f -print0 | sort -z | xargs -0 md5sum); }

check fresh || { cat "$tmp/fresh.out" >&2; fail "the checked-in tree of examples/ is stale"; }
echo "fresh tree: production_test passes"

echo "--- files the target does not manage, in the tree from the start"
printf 'oncall: feature-eng\n' >"$ws/production/OWNERS"
printf '# Our confs\n' >"$ws/production/README.md"
printf 'notes\n' >"$ws/production/Notes for oncall.md"
touch "$ws/production/joins/.gitkeep"
printf '# a package of its own\n' >"$ws/production/BUILD"
mkdir -p "$ws/production/joins/other_team"
printf '{"metaData": {"name": "other_team.legacy.v1", "online": 1}}' >"$ws/production/joins/other_team/legacy.v1"
unmanaged=(production/OWNERS production/README.md "production/Notes for oncall.md" production/joins/.gitkeep
  production/BUILD production/joins/other_team/legacy.v1)
bazel_in "$ws" build //... >"$tmp/build_all.out" 2>&1 || { cat "$tmp/build_all.out" >&2; fail "bazel build //... broke"; }
check unmanaged || fail "production_test fails because of files it does not manage"
expect_in unmanaged "production/: 6 file(s) not managed by //:production, left alone:"
echo "unmanaged files (a BUILD file and a name with spaces among them): bazel build //... and production_test pass"

echo "--- env-only edit of the online Join"
sed -i 's/"PARALLELISM" value: "10"/"PARALLELISM" value: "12"/' "$ws/joins/example_team/example_join.v1.textproto"
! check env || fail "production_test passed on a stale tree"
expect_in env "CHANGED: $J"
expect_in env '+        "PARALLELISM": "12"'
expect_in env "bazel run //:production.update"
not_in env "ONLINE CONF CHANGED"
update env_update || { cat "$tmp/env_update.out" >&2; fail "update failed"; }
expect_in env_update "wrote $J"
expect_in env_update "production/: 1 written, 0 removed, 1 unchanged"
check env_fixed || fail "production_test still fails after the update"
echo "env-only edit: reported as CHANGED with a diff; update fixed it"

echo "--- content edit of the online GroupBy"
sed -i 's/windows { length: 3 time_unit: DAYS }/windows { length: 4 time_unit: DAYS }/' \
  "$ws/group_bys/example_team/example_group_by.v0.textproto"
! check online || fail "production_test passed on an online change"
expect_in online "ONLINE CONF CHANGED: $GB"
expect_in online "Cannot overwrite GroupBy group_bys/example_team/example_group_by.v0 with existing online conf"
expect_in online "bazel run //:production.update -- --force-overwrite"
before=$(tree_sum)
! update refused || fail "update overwrote an online conf without --force-overwrite"
expect_in refused "Nothing was written."
[[ $(tree_sum) == "$before" ]] || fail "a refused update changed the tree"
update forced --force-overwrite || { cat "$tmp/forced.out" >&2; fail "update --force-overwrite failed"; }
expect_in forced "acknowledged with --force-overwrite"
check online_fixed || fail "production_test still fails after --force-overwrite"
echo "online edit: flagged separately, update refused and wrote nothing, --force-overwrite acknowledged it"

echo "--- a merge-conflicted conf"
cp "$ws/$GB" "$tmp/gb.good"
{
  echo '<<<<<<< HEAD'
  cat "$tmp/gb.good"
  echo
  echo '======='
  echo '{"metaData": {"name": "example_team.example_group_by.v0"}}'
  echo '>>>>>>> feature'
} >"$ws/$GB"
! check conflicted || fail "production_test passed on a merge-conflicted conf"
expect_in conflicted "UNREADABLE CONF: $GB"
expect_in conflicted "-<<<<<<< HEAD"
expect_in conflicted "--- $GB (checked in)"
before=$(tree_sum)
! update conflicted_refused || fail "update replaced a merge-conflicted conf without --force-overwrite"
expect_in conflicted_refused "bazel run //:production.update -- --force-overwrite"
[[ $(tree_sum) == "$before" ]] || fail "a refused update changed the tree"
update conflicted_forced --force-overwrite || { cat "$tmp/conflicted_forced.out" >&2; fail "forced update failed"; }
cmp -s "$ws/$GB" "$tmp/gb.good" || fail "the merge-conflicted conf was not replaced by the built one"
echo "merge-conflicted conf: a diff in the test; replaced only with --force-overwrite"

echo "--- hostile trees: the test reports, the update names the path and writes nothing"
outside=$tmp/outside
# hostile NAME SETUP UNDO EXPECTED: SETUP breaks the tree; the test must fail with EXPECTED, the update must refuse
# and change nothing (nor anything in $outside), UNDO restores the tree.
hostile() {
  local name=$1 setup=$2 undo=$3 expected=$4
  rm -rf "$outside" && mkdir -p "$outside/joins/example_team" && printf 'outside\n' >"$outside/keep"
  cp "$ws/$J" "$outside/joins/example_team/example_join.v1"
  (cd "$ws" && eval "$setup")
  local before outside_before
  before=$(tree_sum)
  outside_before=$(cd "$outside" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s %Y')
  ! check "$name" || fail "$name: production_test passed"
  expect_in "$name" "$expected"
  ! update "${name}_update" --force-overwrite || fail "$name: the update did not refuse"
  expect_in "${name}_update" "$expected"
  [[ $(tree_sum) == "$before" ]] || fail "$name: the refused update changed the tree"
  [[ $(cd "$outside" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s %Y') == "$outside_before" ]] ||
    fail "$name: the update wrote outside production/"
  (cd "$ws" && eval "$undo")
  echo "$name: reported, refused, nothing written"
}
# The JSON must change for the update to have something to write through the symlink.
sed -i 's/"PARALLELISM" value: "12"/"PARALLELISM" value: "14"/' "$ws/joins/example_team/example_join.v1.textproto"
update before_hostile || { cat "$tmp/before_hostile.out" >&2; fail "update failed"; }
sed -i 's/"PARALLELISM" value: "14"/"PARALLELISM" value: "16"/' "$ws/joins/example_team/example_join.v1.textproto"
hostile symlinked_dir "mv production/joins production/joins.real && ln -s '$outside/joins' production/joins" \
  "rm production/joins && mv production/joins.real production/joins" \
  "production/joins is a symlink (to $outside/joins) where a directory belongs"
hostile symlinked_conf "mv $J $tmp/j.real && ln -s '$outside/keep' $J" "rm $J && mv $tmp/j.real $J" \
  "NOT A FILE: $J is a symlink (to $outside/keep) where a file belongs"
hostile dangling_symlink "mv $J $tmp/j.real && ln -s '$outside/nothing' $J" "rm $J && mv $tmp/j.real $J" \
  "NOT A FILE: $J is a symlink (to $outside/nothing) where a file belongs"
hostile directory_conf "mv $J $tmp/j.real && mkdir $J" "rmdir $J && mv $tmp/j.real $J" \
  "NOT A FILE: $J is a directory where a file belongs"
hostile symlinked_root "mv production production.real && ln -s '$outside' production" \
  "rm production && mv production.real production" "production: error: is a symlink (to $outside)"
update after_hostile || { cat "$tmp/after_hostile.out" >&2; fail "update failed"; }

echo "--- mode"
chmod 0755 "$ws/$GB"
! check mode || fail "production_test passed on an executable conf"
expect_in mode "MODE: $GB is 0755, expected 0644"
update mode_update || { cat "$tmp/mode_update.out" >&2; fail "update failed"; }
[[ $(stat -c %a "$ws/$GB") == 644 ]] || fail "the update did not restore mode 0644"
check mode_fixed || fail "production_test still fails after the update"
echo "executable conf: reported as MODE, the update restored 0644"

echo "--- a directory the update cannot write into"
# Root writes anywhere, so the directory is made immutable (chattr +i), which stops root too.
sed -i 's/"PARALLELISM" value: "16"/"PARALLELISM" value: "17"/' "$ws/joins/example_team/example_join.v1.textproto"
locked=$ws/production/joins/example_team
if chattr +i "$locked" 2>/dev/null; then
  before=$(tree_sum)
  status=0
  update unwritable || status=$?
  chattr -i "$locked"
  [[ $status -ne 0 ]] || fail "the update succeeded in an immutable directory"
  expect_in unwritable "production/joins/example_team: error: the directory is not writable"
  expect_in unwritable "Nothing was written."
  [[ $(tree_sum) == "$before" ]] || fail "the refused update changed the tree"
  update unwritable_fixed || { cat "$tmp/unwritable_fixed.out" >&2; fail "update failed once writable again"; }
  echo "unwritable directory: named before the first write, nothing written; the next update finished"
else
  update unwritable_fixed || { cat "$tmp/unwritable_fixed.out" >&2; fail "update failed"; }
  echo "unwritable directory: skipped (chattr +i is not supported on this file system)"
fi

echo "--- two concurrent updates"
sed -i 's/"PARALLELISM" value: "17"/"PARALLELISM" value: "18"/' "$ws/joins/example_team/example_join.v1.textproto"
bazel_in "$ws" run --script_path="$tmp/update.sh" //:production.update >/dev/null 2>&1
"$tmp/update.sh" >"$tmp/first.out" 2>&1 &
first=$!
"$tmp/update.sh" >"$tmp/second.out" 2>&1 || fail "the second of two concurrent updates failed: $(cat "$tmp/second.out")"
wait "$first" || fail "the first of two concurrent updates failed: $(cat "$tmp/first.out")"
check concurrent || fail "production_test fails after two concurrent updates"
echo "two concurrent updates: both succeeded"

echo "--- a second chronon_production target on the same directory"
cp "$ws/group_bys/example_team/example_group_by.v0.textproto" "$ws/group_bys/example_team/example_group_by.v1.textproto"
cat >>"$ws/group_bys/example_team/BUILD" <<'EOF'

chronon_group_by(
    name = "example_group_by.v1",
    visibility = ["//visibility:public"],
    deps = ["//sources:user_activity"],
)
EOF
cat >>"$ws/BUILD" <<'EOF'

chronon_production(
    name = "production_b",
    deps = ["//group_bys/example_team:example_group_by.v1"],
)
EOF
bazel_in "$ws" run //:production_b.update >"$tmp/b.out" 2>&1 || { cat "$tmp/b.out" >&2; fail "production_b.update failed"; }
update a_again || { cat "$tmp/a_again.out" >&2; fail "update failed"; }
[[ -f $ws/production/group_bys/example_team/example_group_by.v1 ]] || fail "//:production removed production_b's conf"
check two_targets || fail "production_test fails with a second target on the directory"
bazel_in "$ws" test //:production_b_test >"$tmp/b_test.out" 2>&1 || { cat "$tmp/b_test.out" >&2; fail "production_b_test"; }
sed -i 's|deps = \["//group_bys/example_team:example_group_by.v1"\]|deps = ["//group_bys/example_team:example_group_by.v1", "//group_bys/example_team:example_group_by.v0"]|' "$ws/BUILD"
before=$(tree_sum)
! bazel_in "$ws" run //:production_b.update >"$tmp/b_conflict.out" 2>&1 || fail "two owners of one conf were accepted"
expect_in b_conflict "MANAGED BY ANOTHER TARGET: $GB is listed for //:production"
[[ $(tree_sum) == "$before" ]] || fail "a refused update changed the tree"
sed -i 's|, "//group_bys/example_team:example_group_by.v0"\]|]|' "$ws/BUILD"
echo "two targets on one directory: each keeps its own files; a conf built by both is refused"

echo "--- a definition that is gone (an online Join)"
sed -i '/"\/\/joins\/example_team:example_join.v1",/d' "$ws/BUILD"
! check gone || fail "production_test passed with a file whose definition is gone"
expect_in gone "ONLINE CONF GONE: $J"
! update gone_refused || fail "update removed an online conf without --force-overwrite"
[[ -f $ws/$J ]] || fail "a refused update removed $J"
update gone_update --force-overwrite || { cat "$tmp/gone_update.out" >&2; fail "update failed"; }
expect_in gone_update "removed $J"
[[ ! -e $ws/$J && ! -d $ws/production/joins/example_team ]] || fail "update did not remove $J (and its empty folder)"
check gone_fixed || fail "production_test still fails after removing the file"
echo "removed online definition: guarded, then removed with its empty folder"

echo "--- what it does not manage is still there, byte for byte"
for f in "${unmanaged[@]}"; do [[ -f "$ws/$f" ]] || fail "$f was removed"; done
[[ $(cat "$ws/production/OWNERS") == "oncall: feature-eng" ]] || fail "production/OWNERS changed"
grep -q '"other_team.legacy.v1"' "$ws/production/joins/other_team/legacy.v1" || fail "another team's conf changed"
expect_in gone_update "not managed by //:production, left alone"
[[ ! -e $ws/production/.chronon_staging ]] || fail "the staging directory was left behind"
echo "unmanaged files: all still there"
