#!/usr/bin/env bash
# Issue 23, item 7: the pieces a workspace can lack outside the textproto give a sentence naming the fix, in compiler
# format (at teams.json:1:1), never a Starlark traceback.
#  1. no teams.json: `teams.json: error: there is no teams.json (...) ... [teams-json-missing]` (was: `Error in path:
#     Not a regular file`), and creating it (plus the `bazel sync` the message names) makes the build pass.
#  2. no BUILD file in the workspace root: `[teams-json-no-package]` (was: `Unable to load package for
#     //:teams.json`).
#  3. a WORKSPACE of 0.0.x (no rules_chronon_register_toolchains()) builds: rules_chronon_dependencies() registers the
#     toolchains (was: `no matching toolchains found`).
#  4. different compilers given to the two calls: a sentence saying to pass the same one.
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

# --- 3. a WORKSPACE written for 0.0.x, before the toolchain existed: only rules_chronon_dependencies(). It failed with
# `no matching toolchains found`; rules_chronon_dependencies() now registers the toolchains itself. Run against a
# release layout (the rules with the release build's tools in toolchains/prebuilt/linux_x86_64/), without the
# --extra_toolchains of use_release_toolchain.
rules=$tmp/rules
mkdir -p "$rules"
(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | (cd "$rules" && tar -xf -)
mkdir -p "$rules/toolchains/prebuilt/linux_x86_64"
cp "$tools_bin/chronon_compiler" "$tools_bin/chronon_conf_tool" "$rules/toolchains/prebuilt/linux_x86_64/"
sed -i '/--extra_toolchains=\/\/release_tools:toolchain/d' "$ws/.bazelrc"
cat >"$ws/WORKSPACE" <<WS
workspace(name = "old_consumer")

local_repository(
    name = "rules_chronon",
    path = "$rules",
)

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_dependencies", "rules_chronon_offline_dependencies")

# This machine has no network (what 0.0.x declared by itself).
rules_chronon_offline_dependencies()

# The whole 0.0.x setup: no rules_chronon_register_toolchains().
rules_chronon_dependencies()
WS
bazel_in "$ws" build --execution_log_json_file="$tmp/old.json" //... >"$tmp/old.out" 2>&1 ||
  { cat "$tmp/old.out" >&2; fail "a 0.0.x WORKSPACE did not build"; }
grep -q '"mnemonic": "CppCompile"' "$tmp/old.json" && fail "the 0.0.x WORKSPACE built the compiler from source"
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin/production/$rel" || fail "$rel differs from compile.py's output"
done
echo "0.0.x WORKSPACE (rules_chronon_dependencies() only): builds on the prebuilt tools, 2/2 identical"

# --- 4. rules_chronon_register_toolchains() with another compiler than rules_chronon_dependencies(): a sentence.
cat >>"$ws/WORKSPACE" <<'WS'

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_register_toolchains")

rules_chronon_register_toolchains(compiler = "source")
WS
if bazel_in "$ws" build //... >"$tmp/mismatch.out" 2>&1; then fail "a compiler mismatch built"; fi
grep -q 'pass the same compiler to both' "$tmp/mismatch.out" || { cat "$tmp/mismatch.out" >&2; fail "no mismatch message"; }
echo "compiler mismatch: $(grep -o 'rules_chronon_register_toolchains(compiler = "source") follows.*' "$tmp/mismatch.out" | head -n 1)"
