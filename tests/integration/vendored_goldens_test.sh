#!/usr/bin/env bash
# The reference outputs vendored in tests/goldens are still byte-identical to the shared ones they were copied
# from ($SHARED/goldens, ../shared/goldens by default): every vendored directory must match its source exactly,
# with no file missing or extra on either side. Skipped (exit 0) in a clone without $SHARED/goldens.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ ! -d $SHARED/goldens ]]; then
  echo "skipped: no ../shared ($SHARED/goldens does not exist)"
  exit 0
fi
count=0
for rel in seed/expected seed/python sample/expected; do
  [[ -d $SHARED/goldens/$rel ]] || fail "$SHARED/goldens/$rel is missing"
  [[ -d $GOLDENS/$rel ]] || fail "$GOLDENS/$rel is missing"
  diff -r "$SHARED/goldens/$rel" "$GOLDENS/$rel" || fail "tests/goldens/$rel differs from $SHARED/goldens/$rel"
  count=$((count + $(find "$GOLDENS/$rel" -type f | wc -l)))
done
echo "vendored goldens: $count files identical to $SHARED/goldens"
