#!/usr/bin/env bash
# A definition in the folder of another kind (a chronon_join in a package under group_bys/, issue 22) fails when its
# BUILD file loads (`bazel query` loads packages and analyzes nothing), naming the target, the folder it is in and
# where it belongs; the same for a chronon_group_by outside group_bys/ and a chronon_staging_query under joins/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
scratch_workspace "$ROOT/examples" # sets $tmp and $ws
mkdir -p "$ws/group_bys/example_team/misplaced" "$ws/joins/example_team/misplaced" "$ws/elsewhere"
cat >"$ws/group_bys/example_team/misplaced/BUILD" <<'BUILD'
load("@rules_chronon//rules:defs.bzl", "chronon_join")
chronon_join(name = "a_join.v1")
BUILD
cat >"$ws/joins/example_team/misplaced/BUILD" <<'BUILD'
load("@rules_chronon//rules:defs.bzl", "chronon_staging_query")
chronon_staging_query(name = "a_query.v1")
BUILD
cat >"$ws/elsewhere/BUILD" <<'BUILD'
load("@rules_chronon//rules:defs.bzl", "chronon_group_by")
chronon_group_by(name = "a_group_by.v1")
BUILD
expect_load_error() {
  local package=$1 want=$2
  if bazel_in "$ws" query "//$package:all" >"$tmp/query.out" 2>&1; then
    cat "$tmp/query.out" >&2
    fail "bazel query //$package:all loaded a misplaced definition"
  fi
  grep -qF "Error in fail: $want" "$tmp/query.out" || { cat "$tmp/query.out" >&2; fail "no load-time error: $want"; }
}
expect_load_error group_bys/example_team/misplaced \
  "chronon_join //group_bys/example_team/misplaced:a_join.v1: a chronon_join must live in a package under joins/<team>/ (its Chronon name is <team>.<module>.<var>, as compile.py names joins/<team>/<module>.py); this one is in //group_bys/example_team/misplaced, which is under group_bys/, the folder of chronon_group_by: move it to joins/<team>/"
expect_load_error joins/example_team/misplaced \
  "chronon_staging_query //joins/example_team/misplaced:a_query.v1: a chronon_staging_query must live in a package under staging_queries/<team>/"
expect_load_error elsewhere \
  "chronon_group_by //elsewhere:a_group_by.v1: a chronon_group_by must live in a package under group_bys/<team>/ (its Chronon name is <team>.<module>.<var>, as compile.py names group_bys/<team>/<module>.py); this one is in //elsewhere"

# The rule kinds are the names users type (issue 27): `--output=label_kind` shows `chronon_group_by rule`, not the
# private name of the rule behind the macro, and `kind("chronon_group_by rule", ...)` matches exactly the GroupBys.
good='//:all + //sources:all + //group_bys/example_team:all + //joins/example_team:all'
bazel_in "$ws" query --output=label_kind "$good" >"$tmp/kinds.out" 2>"$tmp/kinds.err" ||
  { cat "$tmp/kinds.err" >&2; fail "bazel query --output=label_kind failed"; }
for want in "chronon_source rule //sources:user_activity" "chronon_source rule //sources:website__views" \
  "chronon_group_by rule //group_bys/example_team:example_group_by.v0" \
  "chronon_join rule //joins/example_team:example_join.v1" "chronon_production rule //:production"; do
  grep -qxF "$want" "$tmp/kinds.out" || { cat "$tmp/kinds.out" >&2; fail "label_kind does not show: $want"; }
done
if grep -E '^chronon_[a-z_]*_rule ' "$tmp/kinds.out"; then fail "a rule kind still ends in _rule"; fi
[[ "$(bazel_in "$ws" query "kind('chronon_group_by rule', $good)" 2>/dev/null)" == \
  "//group_bys/example_team:example_group_by.v0" ]] || fail "kind('chronon_group_by rule', ...) is not exactly the GroupBy"
[[ "$(bazel_in "$ws" query "kind('chronon_join rule', $good)" 2>/dev/null)" == "//joins/example_team:example_join.v1" ]] ||
  fail "kind('chronon_join rule', ...) is not exactly the Join"
echo "PASS: misplaced definitions fail at load time; label_kind shows chronon_source, chronon_group_by, chronon_join, chronon_production"
