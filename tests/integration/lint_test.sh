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
# native-proto / native-sh-test / native-sh-binary: Bazel 4.2.3 has these rules built in; the suggested loads need newer repos.
warnings=-native-proto,-native-sh-test,-native-sh-binary
# The Starlark form of Chronon's Python API mirrors Python's names (`GroupBy`, `Operation.LAST_K`: name-conventions)
# and documents its arguments in docs/starlark.md, beside Python's, not in one docstring per helper; python.bzl is the
# public entry point in //chronon over rules/private (bzl-visibility).
api_warnings=$warnings,-name-conventions,-bzl-visibility,-function-docstring-args,-function-docstring-return,-function-docstring-header
lint() {
  local which=$1
  shift
  (($# == 0)) || node_modules/.bin/buildifier --mode=check --lint=warn --warnings="$which" "$@" ||
    fail "buildifier: run node_modules/.bin/buildifier --lint=fix on the files above"
}
# Not checked: the definitions written in that Starlark (tests/starlark_*). They are Chronon's Python modules ported
# by changing their import lines, and keep Python's layout so that the port reads as that diff (docs/starlark.md);
# buildifier would rewrite them, and its load and docstring rules are about .bzl libraries, not users' modules.
mapfile -t api < <(printf '%s\n' "${starlark[@]}" | grep -E '^(chronon/python\.bzl|rules/private/starlark_[a-z_]+\.bzl)$')
mapfile -t rest < <(printf '%s\n' "${starlark[@]}" | grep -vE '^(chronon/python\.bzl|rules/private/starlark_[a-z_]+\.bzl|tests/starlark_[a-z_]+/.*)$')
lint "$api_warnings" "${api[@]}"
lint "$warnings" "${rest[@]}"
starlark=("${api[@]}" "${rest[@]}")
mapfile -t cpp < <(git ls-files 'chronon/*.cc' 'chronon/*.h' 'tests/fuzz/*.cc')
clang-format --style=file --dry-run --Werror "${cpp[@]}" ||
  fail "clang-format: run clang-format --style=file -i on the files above"
# Definitions: tools:format's check (clang-format TextProto, docs/format.md) over every shipped *.textproto (the
# repository's .chronon-format-ignore leaves out tests/errors), and the editor header on each (docs/editor.md).
BUILD_WORKSPACE_DIRECTORY="$ROOT" tools/format.sh --check ||
  fail "definitions out of format: run bazel run //tools:format"
mapfile -t defs < <(git ls-files '*.textproto' | grep -v '^tests/errors/')
for f in "${defs[@]}"; do
  kind=$(awk -F/ '{for (i = 1; i < NF; i++) if ($i ~ /^(sources|group_bys|joins|staging_queries)$/) k = $i} END {print k}' <<<"$f")
  case "$kind" in
    sources) message=Source ;;
    group_bys) message=GroupBy ;;
    joins) message=Join ;;
    staging_queries) message=StagingQuery ;;
    *) fail "$f: not under sources/, group_bys/, joins/ or staging_queries/" ;;
  esac
  [[ "$(head -n 2 "$f")" == "# proto-file: chronon/api.proto"$'\n'"# proto-message: chronon.api.$message" ]] ||
    fail "$f: does not start with the header # proto-file: chronon/api.proto / # proto-message: chronon.api.$message"
done
echo "lint: ${#starlark[@]} Starlark files (buildifier), ${#cpp[@]} C++ files (clang-format), ${#defs[@]} definitions (tools:format, header) clean"
