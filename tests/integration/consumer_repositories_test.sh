#!/usr/bin/env bash
# Issue 23, items 3 and 5: what rules_chronon does to a consumer's repositories.
#  1. rules_chronon_dependencies() declares no stand-in for a repository Bazel or another rule set owns (rules_cc,
#     rules_java, remote_coverage_tools, bazel_skylib, com_google_protobuf): //external shows Bazel's own
#     declarations, not ours. Before 0.2.0 it declared empty stand-ins in every consumer.
#  2. A consumer on the prebuilt tools whose own rules_cc has no cc_proto_library (rules_cc 0.1.0 removed it) and whose own rules_java and bazel_skylib are declared after our calls builds the seed example
#     byte-identical to compile.py's output with no C++ action: toolchain resolution loads
#     //chronon/toolchain, which loads nothing from rules_cc.
#  3. `bazel coverage` of a sh_test runs (with the offline stand-ins: this machine has no network). The empty
#     remote_coverage_tools stand-in of 0.1.0 crashed Bazel with a NullPointerException.
# Offline, nothing is downloaded: the consumer of 2 declares every repository a build needs itself.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# --- 1. the default call declares none of Bazel's repositories
scratch_workspace "$ROOT/examples"
bare=$tmp/bare
mkdir -p "$bare"
cat >"$bare/WORKSPACE" <<WS
workspace(name = "bare")

local_repository(
    name = "rules_chronon",
    path = "$ROOT",
)

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_dependencies")

rules_chronon_dependencies(teams_json = None)
WS
touch "$bare/BUILD"
for repo in rules_cc rules_java remote_coverage_tools bazel_skylib com_google_protobuf com_google_absl; do
  rule=$(cd "$bare" && bazel query --output=build "//external:$repo" 2>/dev/null | grep -o '^[a-z_]*(' || true)
  [[ $rule != _files_repository\( && $rule != local_repository\( ]] ||
    fail "rules_chronon_dependencies() declared @$repo ($rule)"
  echo "@$repo: ${rule:-not declared} (Bazel's, not ours)"
done

# --- 3. bazel coverage of a sh_test, in the same workspace with the offline stand-ins (no network here; a networked
# consumer gets Bazel's own remote_coverage_tools)
cat >>"$bare/WORKSPACE" <<'WS'

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_offline_dependencies")

rules_chronon_offline_dependencies()
WS
printf '#!/bin/sh\necho smoke\n' >"$bare/smoke_test.sh"
chmod +x "$bare/smoke_test.sh"
cat >"$bare/BUILD" <<'BUILD'
sh_test(
    name = "smoke_test",
    srcs = ["smoke_test.sh"],
)
BUILD
bazel_in "$bare" coverage //:smoke_test >"$tmp/coverage.out" 2>&1 ||
  { tail -n 30 "$tmp/coverage.out" >&2; fail "bazel coverage of a sh_test failed"; }
grep -q NullPointerException "$tmp/coverage.out" && fail "bazel coverage crashed"
echo "bazel coverage //:smoke_test (offline stand-ins): passed"
(cd "$bare" && bazel shutdown 2>/dev/null) || true

# --- 2. the consumer's own rules_cc (empty), rules_java and bazel_skylib, declared after our calls
own=$tmp/own
mkdir -p "$own/rules_cc/cc" "$own/rules_java/java" "$own/skylib"
touch "$own/rules_cc/WORKSPACE" "$own/rules_cc/BUILD" "$own/rules_cc/cc/BUILD"
# Like rules_cc 0.1.0: no cc_proto_library. It keeps only what Bazel 4.2.3's own @bazel_tools//tools/jdk and
# tools/cpp load (an rules_cc with no cc_binary at all breaks those, whatever the workspace uses).
{
  echo '"""The consumer'"'"'s rules_cc, without cc_proto_library (as rules_cc 0.1.0)."""'
  for rule in cc_binary cc_import cc_library cc_test cc_toolchain cc_toolchain_suite objc_library; do
    printf '\ndef %s(**kwargs):\n    native.%s(**kwargs)\n' "$rule" "$rule"
  done
} >"$own/rules_cc/cc/defs.bzl"
touch "$own/rules_java/WORKSPACE" "$own/rules_java/java/BUILD"
echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >"$own/rules_java/BUILD"
{
  echo '"""The consumer'"'"'s rules_java: what Bazel 4.2.3'"'"'s tools/jdk loads, forwarded to the native rules."""'
  for rule in java_binary java_import java_library java_runtime java_toolchain; do
    printf '\ndef %s(**kwargs):\n    native.%s(**kwargs)\n' "$rule" "$rule"
  done
} >"$own/rules_java/java/defs.bzl"
cp -r /usr/share/bazel/tools/skylib/. "$own/skylib/"
# Bazel 4.2.3 resolves the coverage tools of every test rule, even in `bazel build`: offline, the consumer declares
# them too (two scripts that write an empty report).
mkdir -p "$own/coverage"
touch "$own/coverage/WORKSPACE"
printf '#!/bin/sh\nfor a in "$@"; do case "$a" in --output_file=*) : >"${a#--output_file=}";; esac; done\n' \
  >"$own/coverage/tool.sh"
chmod +x "$own/coverage/tool.sh"
printf 'sh_binary(name = "%s", srcs = ["tool.sh"], visibility = ["//visibility:public"])\n' \
  lcov_merger coverage_report_generator >"$own/coverage/BUILD"
echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >>"$own/skylib/BUILD"

cat >"$ws/WORKSPACE" <<WS
workspace(name = "consumer")

local_repository(
    name = "rules_chronon",
    path = "$ROOT",
)

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_dependencies", "rules_chronon_register_toolchains")

rules_chronon_dependencies()

rules_chronon_register_toolchains()

# The consumer's own, declared after our calls (rules_cc without cc_proto_library).
local_repository(
    name = "rules_cc",
    path = "$own/rules_cc",
)

local_repository(
    name = "rules_java",
    path = "$own/rules_java",
)

local_repository(
    name = "bazel_skylib",
    path = "$own/skylib",
)

local_repository(
    name = "remote_coverage_tools",
    path = "$own/coverage",
)
WS
# The prebuilt tools: the release build of this checkout, through --extra_toolchains (a checkout has no
# toolchains/prebuilt/).
use_release_toolchain "$ws"
for repo in rules_java bazel_skylib; do
  bazel_in "$ws" query "@$repo//:consumer_marker" >/dev/null 2>"$tmp/query.err" ||
    { cat "$tmp/query.err" >&2; fail "@$repo is not the consumer's own repository"; }
done
bazel_in "$ws" build --execution_log_json_file="$tmp/exec.json" //... >"$tmp/build.out" 2>&1 ||
  { cat "$tmp/build.out" >&2; fail "the prebuilt consumer with a rules_cc without cc_proto_library did not build"; }
cpp=$(python3 - "$tmp/exec.json" <<'PY'
import json, sys
text, decoder, pos, n = open(sys.argv[1]).read(), json.JSONDecoder(), 0, 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    n += spawn.get("mnemonic") in ("CppCompile", "CppLink", "GenProtoDescriptorSet")
print(n)
PY
)
[[ $cpp == 0 ]] || fail "the prebuilt consumer ran $cpp C++ actions"
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin/production/$rel" || fail "$rel differs from compile.py's output"
done
echo "prebuilt consumer, rules_cc without cc_proto_library and own rules_java/bazel_skylib after our calls: 2/2 identical, 0 C++ actions"

