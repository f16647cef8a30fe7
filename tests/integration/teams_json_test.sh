#!/usr/bin/env bash
# A broken teams.json, as a user meets it in a consumer workspace (a copy of examples/): every mistake is reported
# as `teams.json:line:col: error: message [id]` by the definitions that read the broken part, never as a Starlark
# traceback or a path of the generated @chronon_teams repository; a broken entry of another team, or a team name
# that cannot be a package, breaks nothing else.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples" # sets $tmp and $ws
good=$(cat "$ws/teams.json")

# with NAME PYTHON: teams.json rewritten by PYTHON (`t` is the parsed file, `text` the original text; it sets
# `out`), then `bazel build //...`; output in $tmp/NAME.out, exit status returned.
with() {
  local name=$1 script=$2 status=0
  TEAMS_EDIT=$script python3 - "$ws/teams.json" <<'PY'
import json, os, sys
path = sys.argv[1]
text = open(path).read()
t = json.loads(text)
out = None
exec(os.environ["TEAMS_EDIT"])
open(path, "w").write(out if out is not None else json.dumps(t, indent=4))
PY
  bazel_in "$ws" build --keep_going //... >"$tmp/$name.out" 2>&1 || status=$?
  printf '%s' "$good" >"$ws/teams.json"
  return $status
}
expect_in() { grep -qF -- "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: output lacks: $2"; }; }
never_in() {
  for bad in "$@"; do
    ! grep -qF -- "$bad" "$tmp/$name.out" || { cat "$tmp/$name.out" >&2; fail "$name: output has: $bad"; }
  done
}
# broken NAME PYTHON EXPECTED...: the build fails and says each EXPECTED, and none of our internals.
broken() {
  name=$1 script=$2
  shift 2
  ! with "$name" "$script" || fail "$name: the build succeeded"
  for e in "$@"; do expect_in "$name" "$e"; done
  never_in "Traceback" "Error in decode" "chronon_teams" "all_teams.json" "team/example_team.json"
  echo "$name: $1"
}

broken trailing_comma 'out = text.rstrip().rstrip("}").rstrip() + ",\n}\n"' \
  "teams.json:$(($(grep -c '' <<<"$good") - 1)):6: error: trailing comma before \`}\`: remove the comma after the last member [teams-json-syntax]"

broken duplicate_key 'out = text.replace("\"example_team\": {", "\"example_team\": {\n        \"namespace\": \"a\",\n        \"namespace\": \"b\",", 1)' \
  'error: duplicate key "namespace" (first at' '[teams-json-syntax]'

broken python_literal 'out = text.replace("\"example_team\": {", "\"example_team\": {\n        \"online\": True,", 1)' \
  'error: unexpected `True` (JSON writes true) [teams-json-syntax]'

broken missing_brace 'out = text.rstrip().rstrip("}")' \
  'error: end of file: missing `}` for the object opened at 1:1 [teams-json-syntax]'

# Type errors: at the member, and only for the definitions of that team (and of every team, for `default`).
broken namespace_number 't["example_team"]["namespace"] = 42' \
  'teams.json:' 'error: the "namespace" of team "example_team" must be a string (a Hive database), not a number [invalid-team-config]'

broken entry_not_object 't["example_team"] = ["not", "an", "object"]' \
  'error: the entry of team "example_team" must be a JSON object, not an array [invalid-team-config]'

broken default_properties 't["default"]["table_properties"] = {"source": 1}' \
  'error: the "table_properties" of team "default": the value of "source" must be a string (a Hive table property), not a number [invalid-team-config]'

# A key spelled with a \u escape is the same key: JSON readers (and compile.py's json.load) keep only one of them.
broken escaped_duplicate 'out = text.replace("\"example_team\": {", "\"example\\u005fteam\": {\"namespace\": \"x\"},\n    \"example_team\": {", 1)' \
  'error: duplicate key "example_team" (first at' '[teams-json-syntax]'

# Inputs that once gave Starlark tracebacks in every build: a team name too long for a file name, and nesting
# 1,000 deep in another team's entry. The long name's team can have no definitions and the build goes on; nesting
# up to the limit (512 levels, as in the compiler and the importer) breaks nothing, deeper is refused with a message.
with odd_inputs 'out = text.replace("\"example_team\": {", "\"" + "a" * 251 + "\": {\"namespace\": \"x\"},\n    \"deep_team\": {\"env\": " + "[" * 510 + "]" * 510 + "},\n    \"example_team\": {", 1)' ||
  { cat "$tmp/odd_inputs.out" >&2; fail "a long team name or deep nesting broke the build"; }
name=odd_inputs never_in "Traceback" "Error in" "File name too long"
echo "odd_inputs: a 251-character team name and nesting 512 deep break nothing"
broken too_deep 'out = text.replace("\"example_team\": {", "\"deep_team\": {\"env\": " + "[" * 1000 + "]" * 1000 + "},\n    \"example_team\": {", 1)' \
  'error: arrays and objects nested deeper than 512 levels (a teams.json entry needs 3) [teams-json-syntax]'

# Another team's broken entry, and team names that cannot be packages (`a:b`, a newline, a space), break nothing.
with other_team 't["other_team"] = [1]; t["a:b"] = {"namespace": "x"}; t["new\nline"] = {}; t["a b"] = {}' ||
  { cat "$tmp/other_team.out" >&2; fail "a broken entry of another team (or an odd team name) broke the build"; }
echo "other_team: another team's broken entry and team names that cannot be packages break nothing"

# The position of a type error is that of the value in the user's file.
printf '%s' "$good" | python3 -c '
import json, sys
t = json.load(sys.stdin)
t["example_team"]["namespace"] = 42
open(sys.argv[1], "w").write(json.dumps(t, indent=4))' "$ws/teams.json"
want=$(grep -n '"namespace": 42' "$ws/teams.json" | head -1 | cut -d: -f1)
col=$(($(grep -m1 '"namespace": 42' "$ws/teams.json" | sed 's/42.*//' | wc -c)))
status=0
bazel_in "$ws" build //... >"$tmp/position.out" 2>&1 || status=$?
printf '%s' "$good" >"$ws/teams.json"
[[ $status -ne 0 ]] || fail "position: the build succeeded"
expect_in position "teams.json:$want:$col: error: the \"namespace\" of team \"example_team\""
echo "position: teams.json:$want:$col, the value itself"

bazel_in "$ws" build //... >"$tmp/restored.out" 2>&1 || { cat "$tmp/restored.out" >&2; fail "the restored teams.json does not build"; }
echo "teams.json: every mistake reported in compiler format, at its position"
