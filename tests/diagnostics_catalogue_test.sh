#!/usr/bin/env bash
# Every diagnostic id the compiler can report is documented in docs/diagnostics.md, and every documented id is
# still used: ids are the kebab-case string literals of chronon/*.cc (tests excluded); the catalogue's are its
# "### `id`" headings.
set -euo pipefail
catalogue=$1
shift
code=$(grep -ohE '"[a-z][a-z0-9]*(-[a-z0-9]+)+"' "$@" | tr -d '"' | sort -u)
docs=$(grep -oE '^### `[a-z0-9-]+`' "$catalogue" | sed 's/^### `//; s/`$//' | sort -u)
status=0
missing=$(comm -23 <(echo "$code") <(echo "$docs"))
stale=$(comm -13 <(echo "$code") <(echo "$docs"))
if [[ -n $missing ]]; then echo "ids used in the code but missing from $catalogue:"; echo "$missing"; status=1; fi
if [[ -n $stale ]]; then echo "ids in $catalogue that the code no longer uses:"; echo "$stale"; status=1; fi
echo "$(echo "$code" | wc -l) ids in the code, $(echo "$docs" | wc -l) in the catalogue"
exit $status
