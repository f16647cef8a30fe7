#!/usr/bin/env bash
# Builds the fuzz target, replays every past finding (tests/fuzz/regressions/), then fuzzes chronon::Compile for
# SECONDS (default 60) from the seed corpus plus what earlier runs kept. Fails on any crash, leak, UB, timeout
# (10 s per input) or out-of-memory (2 GB); the input is left in $FUZZ_OUT/artifacts/.
# usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
out=${FUZZ_OUT:-$HOME/.cache/rules_chronon/fuzz}
fuzzer=$("$here/build.sh" | tail -n 1)
mkdir -p "$out/corpus" "$out/artifacts"
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
"$here/make_corpus.sh" "$seeds"
flags=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$out/artifacts/" -print_final_stats=1)
log="$out/last_run.log"
echo "replaying $(ls "$here/regressions" | wc -l) past findings"
if ! "$fuzzer" "${flags[@]}" "$here"/regressions/* >"$log" 2>&1; then
  tail -n 40 "$log"
  echo "FAIL: a past finding fails again; see $log"
  exit 1
fi
# The kept corpus ($out/corpus) grows across runs; the seeds are read but not copied into it.
status=0
"$fuzzer" "${flags[@]}" -max_total_time="$seconds" "$out/corpus" "$seeds" >"$log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+.*DONE|Done |stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' "$log" || true
if [[ $status -ne 0 ]]; then
  grep -vE '^#[0-9]+' "$log" | tail -n 60
  echo "FAIL: the fuzzer found a problem (exit $status); the input is in $out/artifacts/"
  exit 1
fi
