#!/usr/bin/env bash
# The arrows of chronon/ (docs/layout.md) hold: in a copy of this checkout, a scratch cc_library in each folder that
# depends across a forbidden arrow is refused by Bazel's visibility check, and the same library depending on an
# allowed target passes the check (so the test fails if a BUILD file opens an arrow, or if the scratch targets stop
# being analysed at all). Analysis only (`--nobuild`): nothing compiles.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
ws=$tmp/ws
trap '(cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$tmp"' EXIT
mkdir -p "$ws"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard -- WORKSPACE BUILD package.json rules toolchains chronon |
  xargs -0 cp --parents -t "$ws")

# scratch FOLDER NAME DEP: appends cc_library NAME depending on DEP to chronon/FOLDER/BUILD.
scratch() {
  printf '\ncc_library(\n    name = "%s",\n    deps = ["%s"],\n)\n' "$2" "$3" >>"$ws/chronon/$1/BUILD"
}

# Forbidden: each is a program or a lower group reaching up or sideways.
forbidden=(
  "compiler forbidden_compiler_to_production //chronon/production:production_tree"
  "compiler forbidden_compiler_to_plan //chronon/plan"
  "common forbidden_common_to_compiler //chronon/compiler"
  "production forbidden_production_to_plan //chronon/plan"
  "production forbidden_production_to_compiler //chronon/compiler"
  "plan forbidden_plan_to_concepts //chronon/compiler:concepts"
  "import forbidden_import_to_production //chronon/production:production_tree"
  "import forbidden_import_to_concepts //chronon/compiler:concepts"
  "fix forbidden_fix_to_compiler //chronon/compiler"
)
# Allowed: the arrows docs/layout.md draws.
allowed=(
  "compiler allowed_compiler_to_common //chronon/common:diagnostics"
  "production allowed_production_to_validate //chronon/compiler:validate"
  "plan allowed_plan_to_production //chronon/production:production_tree"
  "conf_tool allowed_conf_tool_to_plan //chronon/plan"
  "import allowed_import_to_compiler //chronon/compiler"
  "fix allowed_fix_to_textproto //chronon/compiler:textproto"
)
targets=()
for entry in "${forbidden[@]}" "${allowed[@]}"; do
  read -r folder name dep <<<"$entry"
  scratch "$folder" "$name" "$dep"
  targets+=("//chronon/$folder:$name")
done

# Each scratch target alone, so that one failure cannot hide another.
for entry in "${forbidden[@]}"; do
  read -r folder name dep <<<"$entry"
  if out=$(bazel_in "$ws" build --nobuild "//chronon/$folder:$name" 2>&1); then
    fail "//chronon/$folder:$name depends on $dep, which its visibility should refuse, and it was accepted"
  fi
  grep -qE "target '$dep' is not visible from target '//chronon/$folder:$name'|$dep.* is not visible from" <<<"$out" ||
    { echo "$out" | tail -n 20 >&2; fail "//chronon/$folder:$name failed, but not with a visibility error on $dep"; }
  echo "refused: chronon/$folder -> $dep"
done
for entry in "${allowed[@]}"; do
  read -r folder name dep <<<"$entry"
  out=$(bazel_in "$ws" build --nobuild "//chronon/$folder:$name" 2>&1) ||
    { echo "$out" | tail -n 20 >&2; fail "//chronon/$folder:$name depends on $dep, an allowed arrow, and was refused"; }
  echo "allowed: chronon/$folder -> $dep"
done
echo "visibility: ${#forbidden[@]} forbidden arrows refused, ${#allowed[@]} allowed ones accepted"
