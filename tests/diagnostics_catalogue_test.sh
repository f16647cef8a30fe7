#!/usr/bin/env bash
# Every diagnostic id the compiler can report is documented in docs/diagnostics.md, and every documented id is
# still used: ids are the kebab-case string literals of //chronon:compiler_sources (in chronon/common and
# chronon/compiler; tests excluded) and of rules/private/team_config.bzl (passed after them: the ids it writes into
# @chronon_teams); the catalogue's are its "### `id`" headings.
# Run by Bazel from the workspace root with the goldens in its runfiles (tests/errors/*.stderr).
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
# Each example in the catalogue is the first line of its failure golden.
examples=0
while IFS= read -r case; do
  golden=$(dirname "$catalogue")/../tests/errors/$case.stderr
  [[ -f $golden ]] || golden=tests/errors/$case.stderr
  want=$(head -n 1 "$golden")
  got=$(grep -A3 -F "Example (\`tests/errors/$case.textproto\`):" "$catalogue" | sed -n 4p)
  if [[ $want != "$got" ]]; then
    echo "the example of $case in $catalogue is not the first line of tests/errors/$case.stderr:"
    echo "  catalogue: $got"
    echo "  golden:    $want"
    status=1
  fi
  examples=$((examples + 1))
done < <(grep -oE 'Example \(`tests/errors/[a-z0-9-]+\.textproto`\)' "$catalogue" | sed -E 's/.*errors\/([a-z0-9-]+)\.textproto.*/\1/')
echo "$(echo "$code" | wc -l) ids in the code, $(echo "$docs" | wc -l) in the catalogue, $examples examples checked"
exit $status
