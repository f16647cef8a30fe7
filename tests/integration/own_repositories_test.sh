#!/usr/bin/env bash
# A consumer whose WORKSPACE already declares rules_cc, bazel_skylib and com_google_protobuf (as nearly every C++
# or proto user's does) keeps its own: rules_chronon_dependencies() declares each of its repositories through
# maybe(). The consumer's copies point at the same Debian content under other paths and carry a marker target that
# ours lack; the test queries the markers and builds the seed example byte-identical to compile.py's output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"
own=$tmp/own

# --- the consumer's own repositories, each with a `consumer_marker` target
mkdir -p "$own/protobuf/bin" "$own/rules_cc/cc" "$own/skylib"
ln -s /usr/bin/protoc "$own/protobuf/bin/protoc"
touch "$own/protobuf/WORKSPACE"
cat >"$own/protobuf/BUILD" <<'BUILD'
package(default_visibility = ["//visibility:public"])

filegroup(name = "consumer_marker")

sh_binary(
    name = "protoc",
    srcs = ["bin/protoc"],
)

cc_library(
    name = "protobuf",
    linkopts = ["-lprotobuf"],
)

proto_lang_toolchain(
    name = "cc_toolchain",
    command_line = "--cpp_out=$(OUT)",
    runtime = ":protobuf",
)
BUILD
touch "$own/rules_cc/WORKSPACE" "$own/rules_cc/cc/BUILD"
echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >"$own/rules_cc/BUILD"
# What Bazel 4.2.3's own tools/cpp package loads from rules_cc, forwarded to the native rules.
{
  echo '"""The consumer'"'"'s rules_cc."""'
  for rule in cc_binary cc_import cc_library cc_proto_library cc_test cc_toolchain cc_toolchain_suite objc_library; do
    printf '\ndef %s(**kwargs):\n    native.%s(**kwargs)\n' "$rule" "$rule"
  done
} >"$own/rules_cc/cc/defs.bzl"
cp -r /usr/share/bazel/tools/skylib/. "$own/skylib/"
echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >>"$own/skylib/BUILD"

# --- their declarations go first, as in a real WORKSPACE
{
  echo 'workspace(name = "consumer")'
  for repo in com_google_protobuf:protobuf rules_cc:rules_cc bazel_skylib:skylib; do
    printf 'local_repository(\n    name = "%s",\n    path = "%s",\n)\n\n' "${repo%%:*}" "$own/${repo#*:}"
  done
  grep -v '^workspace(' "$ws/WORKSPACE"
} >"$ws/WORKSPACE.new"
mv "$ws/WORKSPACE.new" "$ws/WORKSPACE"

for repo in com_google_protobuf rules_cc bazel_skylib; do
  bazel_in "$ws" query "@$repo//:consumer_marker" >/dev/null 2>"$tmp/query.err" ||
    { cat "$tmp/query.err" >&2; fail "@$repo is not the consumer's own repository"; }
  echo "@$repo: the consumer's own"
done
bazel_in "$ws" build //... >"$tmp/build.out" 2>&1 || { cat "$tmp/build.out" >&2; fail "the seed example did not build"; }
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin/production/$rel" || fail "$rel differs from compile.py's output"
done
echo "seed example with the consumer's repositories: 2/2 identical to compile.py's output"
