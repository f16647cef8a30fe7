#!/usr/bin/env bash
# Builds tests/crossteam (textproto equivalents of tests/goldens/crossteam/python) and compares each file Chronon's
# compile.py wrote for it (tests/goldens/crossteam/expected, 8 files) with the built one, byte for byte. Two things no
# other golden covers:
# - teams.json's keys are out of alphabetical order at every level (teams, a team's keys, table_properties), and a
#   GroupBy has table_properties of its own out of order: compile.py keeps the order the user wrote;
# - GroupBys of team `risk` used by Joins of team `docs_team`: compile.py embeds a GroupBy that the Join's module
#   imports by name with the Join's team, and one reached through its module with its own (`imported_by_name`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log=$(mktemp)
bazel_in "$ROOT/tests/crossteam" build //... >"$log" 2>&1 || { tail -n 30 "$log" >&2; rm -f "$log"; fail "tests/crossteam does not build"; }
tail -n 1 "$log"
rm -f "$log"
bin=$(cd "$ROOT/tests/crossteam" && bazel info bazel-bin 2>/dev/null)
compare_goldens crossteam "$GOLDENS/crossteam/expected" "$bin/production" 8
(cd "$ROOT/tests/crossteam" && bazel shutdown 2>/dev/null) || true
