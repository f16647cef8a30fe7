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
node_modules/.bin/buildifier --mode=check --lint=warn --warnings=-native-proto,-native-sh-test,-native-sh-binary "${starlark[@]}" ||
  fail "buildifier: run node_modules/.bin/buildifier --lint=fix on the files above"
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
