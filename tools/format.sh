#!/usr/bin/env bash
# `bazel run @rules_chronon//tools:format [-- --check] [path...]`: formats the Chronon definitions (*.textproto) of
# the workspace with clang-format's TextProto language. docs/format.md says which style and why.
#
# Paths (files or directories, relative to the workspace) narrow the run; without them every *.textproto under the
# workspace is formatted, except under bazel-* and node_modules and the prefixes listed in the workspace's
# `.chronon-format-ignore` (one path a line, `#` starts a comment).
# --check: writes nothing; prints each file that is out of format and exits 1 if there is one.
set -euo pipefail

# The style (docs/format.md): Google's TextProto style (two-space indent, `key: value`, `{ ... }` with spaces),
# with the author's line breaks kept (ColumnLimit 0: no joining of short blocks, no wrapping of long lines) and
# comments left as written.
readonly STYLE='{Language: TextProto, BasedOnStyle: Google, ColumnLimit: 0, ReflowComments: false}'

check=0
paths=()
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -h | --help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "format: unknown option $arg (use --check, or paths)" >&2
      exit 2
      ;;
    *) paths+=("$arg") ;;
  esac
done

if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: error: clang-format is not on PATH; install it (Debian/Ubuntu: apt-get install clang-format," \
    "version 14 or later; macOS: brew install clang-format) and run again" >&2
  exit 2
fi

root="${BUILD_WORKSPACE_DIRECTORY:-$PWD}"
cd "$root"

ignored=()
if [[ -f .chronon-format-ignore ]]; then
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%%#*}"
    line="$(echo "$line" | sed 's/[[:space:]]*$//; s/^[[:space:]]*//; s|/*$||; s|^\./||')"
    [[ -n "$line" ]] && ignored+=("$line")
  done <.chronon-format-ignore
fi

if [[ ${#paths[@]} -eq 0 ]]; then paths=(.); fi
files=()
for p in "${paths[@]}"; do
  if [[ -f "$p" ]]; then
    files+=("${p#./}")
  elif [[ -d "$p" ]]; then
    while IFS= read -r -d '' f; do files+=("${f#./}"); done < <(
      find "$p" \( -name 'bazel-*' -o -name node_modules -o -name .git \) -prune -o \
        -type f -name '*.textproto' -print0 | LC_ALL=C sort -z)
  else
    echo "format: error: $p: no such file or directory (under $root)" >&2
    exit 2
  fi
done

out_of_format=0
for f in "${files[@]}"; do
  skip=0
  for i in ${ignored[@]+"${ignored[@]}"}; do
    if [[ "$f" == "$i" || "$f" == "$i"/* ]]; then skip=1; fi
  done
  [[ $skip == 1 ]] && continue
  dir="$(dirname "$f")"
  tmp="$(mktemp "$dir/.$(basename "$f").format.XXXXXX")"
  if ! clang-format --style="$STYLE" "$f" >"$tmp"; then
    rm -f "$tmp"
    echo "format: error: clang-format failed on $f" >&2
    exit 2
  fi
  if cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
    continue
  fi
  out_of_format=$((out_of_format + 1))
  if [[ $check == 1 ]]; then
    rm -f "$tmp"
    echo "$f"
  else
    chmod --reference="$f" "$tmp" 2>/dev/null || chmod 644 "$tmp"
    mv -f "$tmp" "$f"
    echo "formatted $f"
  fi
done

if [[ $check == 1 && $out_of_format -gt 0 ]]; then
  echo "format: $out_of_format file(s) out of format; run: bazel run @rules_chronon//tools:format" >&2
  exit 1
fi
