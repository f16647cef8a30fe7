#!/usr/bin/env bash
# Builds the libFuzzer target (clang 14, ASan + UBSan + libFuzzer) over the compiler's sources, outside Bazel (Bazel
# 4's toolchain here is gcc). Output: $FUZZ_OUT (default ~/.cache/rules_chronon/fuzz)/compile_fuzzer. Incremental: objects are
# rebuilt only when their source (or a header) is newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$HOME/.cache/rules_chronon/fuzz}
mkdir -p "$out/gen/chronon" "$out/obj"
CXX=${CXX:-clang++-14}
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=undefined -I"$out/gen" -I"$root")
if [[ ! -f $out/gen/chronon/api.pb.cc || $root/chronon/api.proto -nt $out/gen/chronon/api.pb.cc ]]; then
  protoc --proto_path="$root" --cpp_out="$out/gen" "$root/chronon/api.proto"
fi
{ echo 'R"chronon_teams('; cat "$root/tests/errors/teams.json"; echo ')chronon_teams"'; } >"$out/gen/teams_json.inc.new"
cmp -s "$out/gen/teams_json.inc.new" "$out/gen/teams_json.inc" || mv "$out/gen/teams_json.inc.new" "$out/gen/teams_json.inc"
newest_header=$(ls -t "$root"/chronon/*/*.h | head -n 1)
objects=()
jobs=()
# The sources of //chronon/compiler and its deps (chronon/compiler/BUILD, chronon/common/BUILD).
compiler_sources=(compiler/compile_context.cc compiler/compiler.cc common/diagnostics.cc compiler/group_by.cc compiler/join.cc
  common/json_writer.cc compiler/labels.cc compiler/proto_json.cc common/python_compat.cc compiler/source.cc
  compiler/staging_query.cc compiler/team_metadata.cc compiler/teams.cc compiler/textproto.cc common/utf8.cc
  compiler/validate.cc compiler/starlark_value.cc)
for src in "$out/gen/chronon/api.pb.cc" "${compiler_sources[@]/#/$root/chronon/}" "$root/tests/fuzz/compile_fuzzer.cc"; do
  obj="$out/obj/$(basename "$src" .cc).o"
  objects+=("$obj")
  if [[ ! -f $obj || $src -nt $obj || $newest_header -nt $obj || ($src == *compile_fuzzer.cc && $out/gen/teams_json.inc -nt $obj) ]]; then
    "$CXX" "${flags[@]}" -c "$src" -o "$obj" &
    jobs+=($!)
  fi
done
for j in ${jobs[@]+"${jobs[@]}"}; do wait "$j"; done
absl=$(sed -n '/^_ABSL_LIBS = \[/,/^\]/s/^ *"\([a-z0-9_]*\)",$/-labsl_\1/p' "$root/rules/repositories.bzl")
[[ -n $absl ]] || { echo "build.sh: found no Abseil libraries (_ABSL_LIBS) in rules/repositories.bzl" >&2; exit 1; }
# shellcheck disable=SC2086
"$CXX" -fsanitize=fuzzer,address,undefined "${objects[@]}" -o "$out/compile_fuzzer" -lprotobuf $absl -lpthread
echo "$out/compile_fuzzer"
