#!/usr/bin/env bash
# Formatting: buildifier (from npm, pinned in package.json) over every BUILD/.bzl/WORKSPACE file, with its lint
# warnings as errors, and clang-format (.clang-format: Google style, 120 columns) over the C++ sources.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [[ ! -x node_modules/.bin/buildifier ]]; then
  npm ci --silent --no-audit --no-fund >/dev/null
fi
mapfile -t starlark < <(git ls-files '*.bzl' '*BUILD' '*BUILD.bazel' 'WORKSPACE' '*/WORKSPACE' 'MODULE.bazel')
# native-proto / native-sh-test: Bazel 4.2.3 has these rules built in; the suggested loads need newer repos.
node_modules/.bin/buildifier --mode=check --lint=warn --warnings=-native-proto,-native-sh-test "${starlark[@]}" ||
  fail "buildifier: run node_modules/.bin/buildifier --lint=fix on the files above"
mapfile -t cpp < <(git ls-files 'chronon/*.cc' 'chronon/*.h' 'tests/fuzz/*.cc')
clang-format --style=file --dry-run --Werror "${cpp[@]}" ||
  fail "clang-format: run clang-format --style=file -i on the files above"
echo "lint: ${#starlark[@]} Starlark files (buildifier), ${#cpp[@]} C++ files (clang-format) clean"
