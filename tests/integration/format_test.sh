#!/usr/bin/env bash
# tools:format (docs/format.md) on a scratch workspace, without Bazel: --check lists what is out of format and exits
# 1 without writing; a run formats those files, leaves formatted ones untouched (same mtime), skips bazel-*,
# node_modules and .chronon-format-ignore; no clang-format on PATH is a clear error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ws=$tmp/ws
mkdir -p "$ws/group_bys/t" "$ws/bazel-out/x" "$ws/node_modules/m" "$ws/skipped"
bad=$'meta_data {\n      online: true\n}\nkey_columns:"user"\n'
good=$'# proto-file: chronon/api.proto\n# proto-message: chronon.api.GroupBy\nmeta_data { online: true }\njoin_parts {\n  group_by { ref: "//a:b" }\n}\n'
printf '%s' "$bad" >"$ws/group_bys/t/bad.v1.textproto"
printf '%s' "$good" >"$ws/group_bys/t/good.v1.textproto"
for d in bazel-out/x node_modules/m skipped; do printf '%s' "$bad" >"$ws/$d/bad.textproto"; done
printf '# a comment\nskipped/\n' >"$ws/.chronon-format-ignore"
touch -d '2020-01-01 00:00' "$ws/group_bys/t/good.v1.textproto"
format() { BUILD_WORKSPACE_DIRECTORY=$ws "$ROOT/tools/format.sh" "$@"; }

if format --check >"$tmp/check.out" 2>"$tmp/check.err"; then fail "--check passed an unformatted file"; fi
[[ $(cat "$tmp/check.out") == "group_bys/t/bad.v1.textproto" ]] || { cat "$tmp/check.out"; fail "--check listed the wrong files"; }
[[ $(cat "$ws/group_bys/t/bad.v1.textproto") == "${bad%$'\n'}" ]] || fail "--check wrote a file"

format >/dev/null
[[ $(cat "$ws/group_bys/t/bad.v1.textproto") == $'meta_data {\n  online: true\n}\nkey_columns: "user"' ]] ||
  { cat "$ws/group_bys/t/bad.v1.textproto"; fail "the unformatted file was not formatted"; }
[[ $(stat -c %Y "$ws/group_bys/t/good.v1.textproto") == $(date -d '2020-01-01 00:00' +%s) ]] ||
  fail "a formatted file was rewritten"
[[ $(cat "$ws/group_bys/t/good.v1.textproto") == "${good%$'\n'}" ]] || fail "the short blocks were joined or split"
for d in bazel-out/x node_modules/m skipped; do
  [[ $(cat "$ws/$d/bad.textproto") == "${bad%$'\n'}" ]] || fail "$d was formatted"
done
[[ -z $(find "$ws" -name '*.format.*') ]] || fail "a temporary file was left"
format --check >/dev/null || fail "--check after a run is not clean"

mkdir -p "$tmp/nobin"
ln -s "$(command -v bash)" "$tmp/nobin/bash"
for tool in dirname basename mktemp find sort cmp mv rm chmod sed; do ln -s "$(command -v $tool)" "$tmp/nobin/$tool"; done
if (PATH=$tmp/nobin format --check) 2>"$tmp/nobin.err"; then fail "ran without clang-format"; fi
grep -q 'clang-format is not on PATH' "$tmp/nobin.err" || { cat "$tmp/nobin.err"; fail "no clear error without clang-format"; }
echo "PASS: format --check lists and writes nothing; a run formats, keeps formatted files and authors' line breaks, skips bazel-*, node_modules and ignored paths; no clang-format is a clear error"
