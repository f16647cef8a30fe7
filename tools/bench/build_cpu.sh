#!/usr/bin/env bash
# The CPU of a clean build of //chronon/... at each of several commits, in one run, so that the figures compare on
# one machine's load. Each build: a fresh output base, no disk or remote cache, `--batch` (Bazel runs in the timed
# process, so the compilers it starts are counted, and its own JVM too), --jobs=2.
#
# Usage: tools/bench/build_cpu.sh COMMIT... (e.g. tools/bench/build_cpu.sh 78b4790 HEAD)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
(($# > 0)) || { echo "usage: $0 COMMIT..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'for d in "$tmp"/src-*; do git -C "$ROOT" worktree remove --force "$d" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bazel: $(dpkg-query -W -f='${Version}' bazel-bootstrap 2>/dev/null || bazel --version)"
echo
echo "| commit | user s | sys s | wall s | actions | compile actions |"
echo "|---|---|---|---|---|---|"
i=0
for commit in "$@"; do
  i=$((i + 1))
  src=$tmp/src-$i
  git -C "$ROOT" worktree add --detach "$src" "$commit" >/dev/null 2>&1
  ob=$tmp/ob-$i
  (cd "$src" && /usr/bin/time -f '%U %S %e' -o "$tmp/time-$i" \
    bazel --batch --output_base="$ob" build --disk_cache= --jobs=2 //chronon/... >"$tmp/out-$i" 2>&1) ||
    { tail -n 30 "$tmp/out-$i" >&2; echo "build of $commit failed" >&2; exit 1; }
  actions=$(grep -o '[0-9]* total actions' "$tmp/out-$i" | tail -n 1 | cut -d' ' -f1)
  compiles=$(cd "$src" && bazel --batch --output_base="$ob" aquery 'mnemonic(CppCompile, //chronon/...)' \
    --output=text 2>/dev/null | grep -c '^action ' || true)
  read -r user sys wall <"$tmp/time-$i"
  echo "| $(git -C "$ROOT" rev-parse --short "$commit") | $user | $sys | $wall | $actions | $compiles |"
  chmod -R u+w "$ob" 2>/dev/null || true
  rm -rf "$ob"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
