#!/usr/bin/env bash
# One teams.json corpus, three readers (issue 26): each file of tests/teams_corpus/ is read by
#   (a) the rules: it is the teams.json of a scratch copy of examples/, whose repository rule (chronon_team_config,
#       rules/private/json_scan.bzl) scans it and whose compile actions report what it found, in one `bazel build`
#       of example_team's GroupBy;
#   (b) the importer: `chronon_import --from=` a Chronon repo holding this teams.json and one conf of example_team;
#   (c) the compiler's reader, TeamConfig::Parse (chronon/compiler/teams.cc), in //chronon/compiler:teams_corpus_test.
# Each must give exactly the verdict of NAME.expected, written by hand: `accepted`, or the
# `teams.json:LINE:COL: error: MESSAGE [id]` lines.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

corpus=$ROOT/tests/teams_corpus
scratch_workspace "$ROOT/examples" # sets $tmp and $ws; one Bazel server for every case

# (c) first: it needs no other workspace.
bazel_in "$ROOT" test --config=sanitize --test_output=errors //chronon/compiler:teams_corpus_test >"$tmp/cc.out" 2>&1 ||
  { cat "$tmp/cc.out" >&2; fail "TeamConfig::Parse disagrees with tests/teams_corpus (above)"; }
echo "compiler's reader: every case as expected"

# The importer as `bazel test --config=sanitize //...` built it (as import_test.sh does).
bazel_in "$ROOT" build --config=sanitize //tools:import >"$tmp/import_build.out" 2>&1 ||
  { cat "$tmp/import_build.out" >&2; fail "the importer does not build"; }
importer=$ROOT/bazel-bin/chronon/import/chronon_import
[[ -x $importer ]] || fail "no importer at $importer"

# lines FILE: the teams.json error lines in FILE, without the directory before teams.json, once each; `accepted`
# when there are none.
lines() {
  local found
  found=$(LC_ALL=C grep -aoE 'teams\.json:[0-9]+:[0-9]+: error: .* \[(teams-json-syntax|invalid-team-config)\]' "$1" |
    LC_ALL=C sort -u || true)
  if [[ -n $found ]]; then printf '%s\n' "$found"; else echo accepted; fi
}

mkdir -p "$tmp/imported"
failures=0
count=0
for input in "$corpus"/*.json; do
  name=$(basename "$input" .json)
  want=$(LC_ALL=C sort -u "$corpus/$name.expected")
  count=$((count + 1))

  # (a) the rules.
  cp "$input" "$ws/teams.json"
  status=0
  bazel_in "$ws" build --color=no //group_bys/example_team:all >"$tmp/$name.rules" 2>&1 || status=$?
  rules=$(lines "$tmp/$name.rules")
  if [[ $rules == accepted && $status -ne 0 ]]; then rules="build failed: $(grep -a -m1 'ERROR' "$tmp/$name.rules" || true)"; fi
  if [[ $rules != accepted && $status -eq 0 ]]; then rules="build succeeded, yet: $rules"; fi
  if grep -aqE 'Traceback|Error in ' "$tmp/$name.rules"; then rules="a Starlark error: $rules"; fi

  # (b) the importer.
  repo=$tmp/repos/$name
  mkdir -p "$repo/production/group_bys/example_team"
  cp "$input" "$repo/teams.json"
  cp "$ROOT/examples/production/group_bys/example_team/example_group_by.v0" "$repo/production/group_bys/example_team/"
  "$importer" --from="$repo" --to="$tmp/imported/$name" --rules="$ROOT" >"$tmp/$name.import" 2>&1 || true
  imported=$(lines "$tmp/$name.import")

  for reader in rules imported; do
    if [[ ${!reader} != "$want" ]]; then
      failures=$((failures + 1))
      printf '%s: the %s said\n%s\n  expected\n%s\n' "$name" "${reader/imported/importer}" "${!reader}" "$want" >&2
    fi
  done
  echo "$name: $(head -n 1 <<<"$want")"
done
cp "$ROOT/examples/teams.json" "$ws/teams.json"
((failures == 0)) || fail "$failures verdicts of $count cases differ from tests/teams_corpus"
echo "teams.json: $count cases, the same verdict from the rules, the importer and the compiler's reader"
