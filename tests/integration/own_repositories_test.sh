#!/usr/bin/env bash
# A consumer whose WORKSPACE already declares rules_cc, bazel_skylib and com_google_protobuf (as nearly every C++
# or proto user's does) keeps its own: rules_chronon_dependencies() declares each of its repositories through
# maybe(). The consumer's copies point at the same Debian content under other paths and carry a marker target that
# ours lack; the test queries the markers and builds the seed example (compiler from source, so the consumer's
# protobuf is really used) byte-identical to compile.py's output. release_archive_test.sh does the same with the
# prebuilt toolchain.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"

# --- their declarations go first, as in a real WORKSPACE
{
  echo 'workspace(name = "consumer")'
  own_repositories "$tmp/own"
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
