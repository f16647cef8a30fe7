#!/usr/bin/env bash
# `bazel run @rules_chronon//tools:fix` (issue 11, part 2) in a copy of examples/: a textproto gains a ref (a second
# join part on a new GroupBy target declared without deps) and a BUILD file keeps a dep nobody references. The build
# fails (missing-dependency); the fix adds the two labels and removes the unused one with buildozer, leaving every
# other line of the BUILD files alone; then the build passes, and --check reports the deps in step.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# buildozer is pinned in package.json, like buildifier.
if [[ ! -x $ROOT/node_modules/.bin/buildozer ]]; then
  (cd "$ROOT" && npm ci --silent --no-audit --no-fund >/dev/null)
fi
buildozer=$ROOT/node_modules/.bin/buildozer
scratch_workspace "$ROOT/examples"

# What the tool prints is what matters (issue 22: buildozer's `rule ... has no attribute "src"` for every target came
# first): on a workspace in step, one line on stdout and nothing on stderr. (`--script_path`: the tool's own output,
# without Bazel's.)
bazel_in "$ws" run --script_path="$tmp/fix.sh" @rules_chronon//tools:fix 2>/dev/null
"$tmp/fix.sh" --check --workspace="$ws" --buildozer="$buildozer" \
  >"$tmp/check0" 2>"$tmp/check0.err" || { cat "$tmp/check0.err" >&2; fail "fix --check failed on examples/"; }
cat "$tmp/check0"
grep -q '^4 Chronon targets, 0 out of step' "$tmp/check0" || fail "examples/ should be in step"
[[ $(wc -l <"$tmp/check0") -eq 1 && ! -s $tmp/check0.err ]] || {
  cat "$tmp/check0" "$tmp/check0.err" >&2
  fail "fix --check printed more than its one line"
}

gb=$ws/group_bys/example_team
cp "$gb/example_group_by.v0.textproto" "$gb/example_group_by.v1.textproto"
cat >>"$gb/BUILD" <<'BUILD'

# A second version; its deps are left for the fix to fill in.
chronon_group_by(
    name = "example_group_by.v1",
    tags = ["keep-me"],
)
BUILD
cat >>"$ws/joins/example_team/example_join.v1.textproto" <<'TEXT'
join_parts {
  group_by { ref: "//group_bys/example_team:example_group_by.v1" }
  prefix: "v1"
}
TEXT
(cd "$ws" && "$buildozer" 'add deps //sources:user_activity' //joins/example_team:example_join.v1 >/dev/null)
grep -q '//sources:user_activity' "$ws/joins/example_team/BUILD" || fail "could not set up the unused dep"

if bazel_in "$ws" build //... >"$tmp/before" 2>&1; then fail "the build should fail before the fix"; fi
grep -q 'missing-dependency' "$tmp/before" || fail "expected a missing-dependency error: $(tail -n 5 "$tmp/before")"

# Every line outside the deps lists, before the fix.
outside_deps() { sed -e '/deps = \[$/,/\]/d' -e '/deps = \[.*\]/d' "$1"; }
outside_deps "$gb/BUILD" >"$tmp/gb_before"
outside_deps "$ws/joins/example_team/BUILD" >"$tmp/join_before"

bazel_in "$ws" run @rules_chronon//tools:fix 2>/dev/null | tee "$tmp/fix"
grep -qx 'fixed //group_bys/example_team:example_group_by.v1: +//sources:user_activity' "$tmp/fix" ||
  fail "the new GroupBy's deps were not fixed"
grep -qx 'fixed //joins/example_team:example_join.v1: -//sources:user_activity +//group_bys/example_team:example_group_by.v1' \
  "$tmp/fix" || fail "the join's deps were not fixed"

outside_deps "$gb/BUILD" | diff "$tmp/gb_before" - || fail "the fix changed lines outside deps"
outside_deps "$ws/joins/example_team/BUILD" | diff "$tmp/join_before" - || fail "the fix changed lines outside deps"
grep -q '"keep-me"' "$gb/BUILD" || fail "the fix lost an attribute"
! grep -q '//sources:user_activity' "$ws/joins/example_team/BUILD" || fail "the unused dep is still there"

bazel_in "$ws" build //... 2>&1 | tail -n 1
bazel_in "$ws" run @rules_chronon//tools:fix -- --check 2>/dev/null | tail -n 1 | tee "$tmp/check1"
grep -q '^5 Chronon targets, 0 out of step' "$tmp/check1" || fail "the fix left deps out of step"
echo "fix: deps added and removed from refs, other lines untouched, the workspace builds"
