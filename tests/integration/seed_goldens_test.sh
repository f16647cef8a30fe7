#!/usr/bin/env bash
# Builds the example repo the way a user does (`cd examples && bazel build //...`) and compares the two engine
# JSON files with the ones Chronon's compile.py wrote for the same definitions (tests/goldens/seed/expected),
# byte for byte.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bazel_in "$ROOT/examples" build //... 2>&1 | tail -n 3
golden="$GOLDENS/seed/expected"
[[ -d $golden ]] || fail "no goldens at $golden"
bin=$(cd "$ROOT/examples" && bazel info bazel-bin 2>/dev/null)
count=0
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  built="$bin/production/$rel"
  [[ -f $built ]] || fail "$rel was not built"
  if ! cmp "$golden/$rel" "$built"; then
    diff <(cat "$golden/$rel"; echo) <(cat "$built"; echo) | head -n 20
    fail "$rel differs from compile.py's output"
  fi
  count=$((count + 1))
done
echo "seed goldens: $count/2 identical"
# The checked-in tree (written by `bazel run //:production.update`) is compile.py's output too, besides the
# update's ownership index (.chronon_managed).
diff -r -x .chronon_managed "$golden" "$ROOT/examples/production" || fail "examples/production differs from compile.py's output"
echo "examples/production: identical to compile.py's output"
