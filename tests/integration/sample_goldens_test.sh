#!/usr/bin/env bash
# Builds the sample repo (tests/sample, textproto equivalents of Chronon's own Python sample repo) the way a user
# does, in one `bazel build //...`, and compares every engine JSON file Chronon's compile.py wrote for it
# (tests/goldens/sample/expected, 49 files) with the built file, byte for byte. Fails unless all are identical.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bazel_in "$ROOT/tests/sample" build //... 2>&1 | tail -n 3
bin=$(cd "$ROOT/tests/sample" && bazel info bazel-bin 2>/dev/null)
compare_goldens sample "$GOLDENS/sample/expected" "$bin/production" 49
