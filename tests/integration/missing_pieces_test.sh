#!/usr/bin/env bash
# Issue 23, item 7: the pieces a workspace can lack outside the textproto give a sentence naming the fix, in compiler
# format (at teams.json:1:1), never a Starlark traceback.
#  1. no teams.json: `teams.json: error: there is no teams.json (...) ... [teams-json-missing]` (was: `Error in path:
#     Not a regular file`), and creating it (plus the `bazel sync` the message names) makes the build pass.
#  2. no BUILD file in the workspace root: `[teams-json-no-package]` (was: `Unable to load package for
#     //:teams.json`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"
use_release_toolchain "$ws"

# expect_error NAME ID: `bazel build` of the definitions fails with the compiler-format line of ID and no traceback.
expect_error() {
  local name=$1 id=$2
  if bazel_in "$ws" build //group_bys/... //joins/... >"$tmp/$name.out" 2>&1; then
    fail "$name: the build passed"
  fi
  grep -E "^teams\.json(:1:1)?: error: .*\[$id\]$" "$tmp/$name.out" >"$tmp/$name.line" ||
    { cat "$tmp/$name.out" >&2; fail "$name: no [$id] error"; }
  ! grep -q -e Traceback -e 'Error in path' "$tmp/$name.out" || { cat "$tmp/$name.out" >&2; fail "$name: a traceback"; }
  echo "$name: $(head -n 1 "$tmp/$name.line")"
}

# --- 1. no teams.json
mv "$ws/teams.json" "$tmp/teams.json"
expect_error missing-teams-json teams-json-missing
mv "$tmp/teams.json" "$ws/teams.json"
bazel_in "$ws" sync --only=chronon_teams >/dev/null 2>&1 || fail "bazel sync --only=chronon_teams failed"
bazel_in "$ws" build //... >"$tmp/fixed.out" 2>&1 || { cat "$tmp/fixed.out" >&2; fail "teams.json back: no build"; }
echo "teams.json back + bazel sync --only=chronon_teams: builds"

# --- 2. no BUILD file in the root (teams.json is then in no package)
mv "$ws/BUILD" "$tmp/BUILD"
expect_error no-root-build teams-json-no-package
mv "$tmp/BUILD" "$ws/BUILD"
