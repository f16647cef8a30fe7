#!/usr/bin/env bash
# Builds the sample repo (tests/sample, textproto equivalents of Chronon's own Python sample repo) the way a user
# does, in one `bazel build //...`, and compares every engine JSON file Chronon's compile.py wrote for it
# (tests/goldens/sample/expected, 49 files) with the built file, byte for byte. Fails unless all are identical.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

golden="$GOLDENS/sample/expected"
[[ -d $golden ]] || fail "no goldens at $golden"
bazel_in "$ROOT/tests/sample" build //... 2>&1 | tail -n 3
bin=$(cd "$ROOT/tests/sample" && bazel info bazel-bin 2>/dev/null)
total=0
count=0
while IFS= read -r rel; do
  total=$((total + 1))
  built="$bin/production/$rel"
  if [[ ! -f $built ]]; then
    echo "missing: $rel"
  elif cmp -s "$golden/$rel" "$built"; then
    count=$((count + 1))
  else
    echo "differs: $rel"
    diff <(cat "$golden/$rel"; echo) <(cat "$built"; echo) | head -n 10 || true
  fi
done < <(cd "$golden" && find . -type f | sed 's#^\./##' | sort)
echo "sample goldens: $count/$total identical"
[[ $total -eq 49 ]] || fail "expected 49 goldens in $golden, found $total"
[[ $count -eq 49 ]] || fail "$((49 - count)) of the sample goldens differ or are missing"
