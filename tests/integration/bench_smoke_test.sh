#!/usr/bin/env bash
# The benchmark (tools/bench/bench.py) cannot rot: a smoke run on a 2 x 3 x 2 repo through every case but the
# remote-cache ones (their nginx start is tested by remote_cache_test; `ci` builds the compiler in fresh output
# bases), then the growth mode at two sizes, one run each, with the shared disk cache so the
# compiler is not rebuilt. Nothing is timed here: the test checks that each case ran and reported.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
out=$(mktemp)
trap 'rm -f "$out" "$out.md" "$out.png"' EXIT
python3 "$ROOT/tools/bench/bench.py" --teams 2 --gbs 3 --joins 2 --runs 1 --disk_cache="$DISK_CACHE" \
  --cases=cold,noop,edit,compiler,update-fill,update-noop,update-edit >"$out" 2>&1 ||
  { cat "$out"; fail "bench.py failed"; }
for line in "repo: " "cold full build:" "no-op rebuild:" "edit one GroupBy:" "update-fill:" "update-noop:" \
  "update-edit:" "production/: up to date (10 file(s))"; do
  grep -qF -- "$line" "$out" || { cat "$out"; fail "the bench's output lacks: $line"; }
done
grep -qF 'compiler, persistent worker, Join:' "$out" || { cat "$out"; fail "the compiler case did not measure the Join"; }

# The growth mode at two tiny sizes: its table (one row per size) and its plot (a PNG, via Debian's python3 and
# python3-matplotlib).
python3 "$ROOT/tools/bench/bench.py" --growth 1,2 --gbs 3 --joins 2 --runs 1 --disk_cache="$DISK_CACHE" \
  --table="$out.md" --plot="$out.png" >"$out" 2>&1 || { cat "$out"; fail "bench.py --growth failed"; }
for row in "| 5 (1) |" "| 10 (2) |"; do
  grep -qF -- "$row" "$out.md" || { cat "$out"; fail "the growth table lacks the row $row"; }
done
[[ $(head -c 8 "$out.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "the growth plot is not a PNG"
echo "bench smoke (2 x 3 x 2, every case but cache and ci; growth at 1 and 2 teams): each case ran and reported"
