#!/usr/bin/env bash
# Regenerates every tests/errors/<case>.stderr from the current compiler. Review the diff before committing: the
# goldens are what users see, and the tests compare against them without ever writing them.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bazel build //tests/errors/... >/dev/null 2>&1 || true
bin=$(bazel info bazel-bin 2>/dev/null)
for script in "$bin"/tests/errors/*_test.sh; do
  name=$(basename "$script" _test.sh)
  [[ -f tests/errors/$name.textproto ]] || continue
  eval "args=($(sed -n 's/^exec [^ ]* //p' "$script"))"
  # args: expect compiler kind label name src teams expected deps...
  deps=()
  for dep in "${args[@]:8}"; do deps+=("--dep=$dep"); done
  (cd "$script.runfiles/rules_chronon" &&
    "./${args[1]}" --kind="${args[2]}" --label="${args[3]}" --name="${args[4]}" --src="${args[5]}" \
      --teams="${args[6]}" ${deps[@]+"${deps[@]}"} --out_conf="$tmp/conf" --out_summary="$tmp/summary" \
      2>"$root/tests/errors/$name.stderr" || true)
done
echo "updated $(ls tests/errors/*.stderr | wc -l) goldens; review with git diff"
