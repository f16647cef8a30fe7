#!/usr/bin/env bash
# Builds the fuzz targets, replays every past finding (tests/fuzz/regressions/), then fuzzes chronon::Compile for
# five sixths of SECONDS (default 60) from the seed corpus plus what earlier runs kept, and chronon::TeamConfig
# (teams.json) for the other sixth at the same time, on the second core. Fails on any crash, leak, UB, timeout (10 s
# per input) or out-of-memory (2 GB); the input is left in $FUZZ_OUT/artifacts/.
# usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
out=${FUZZ_OUT:-$HOME/.cache/rules_chronon/fuzz}
fuzzer=$("$here/build.sh" | tail -n 1)
mkdir -p "$out/corpus" "$out/artifacts"
seeds=$(mktemp -d)
teams_seeds=
trap 'rm -rf "$seeds" ${teams_seeds:+"$teams_seeds"}' EXIT
"$here/make_corpus.sh" "$seeds"
flags=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$out/artifacts/" -print_final_stats=1)
log="$out/last_run.log"
# teams.json (chronon::TeamConfig) gets a sixth of the time, at most 20 s, with examples/'s teams.json and a few
# broken ones as seeds; chronon::Compile the rest, at the same time.
teams_fuzzer=$out/teams_fuzzer
root=$(cd "$here/../.." && pwd)
if [[ ! -f $teams_fuzzer || $root/chronon/compiler/teams.cc -nt $teams_fuzzer || $root/chronon/compiler/teams.h -nt $teams_fuzzer ||
  $here/teams_fuzzer.cc -nt $teams_fuzzer ]]; then
  "${CXX:-clang++-14}" -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$root" "$root/chronon/compiler/teams.cc" "$here/teams_fuzzer.cc" -o "$teams_fuzzer" -labsl_strings -labsl_int128 -labsl_throw_delegate
fi
teams_seeds=$(mktemp -d)
for f in "$root/examples/teams.json" "$root/tests/sample/teams.json" "$root/tests/errors/"*teams*.json; do
  cp "$f" "$teams_seeds/$(echo "${f#"$root"/}" | tr / _)"
done
printf '{"$source": "teams.json", "$errors": [{"line": 2, "column": 3, "id": "teams-json-syntax", "message": "m"}]}' \
  >"$teams_seeds/split_with_errors.json"
mkdir -p "$out/teams_corpus"
teams_seconds=$((seconds / 6 < 20 ? seconds / 6 : 20))
compile_seconds=$((seconds - teams_seconds > 1 ? seconds - teams_seconds : 1))

echo "replaying $(ls "$here/regressions" | wc -l) past findings"
if ! "$fuzzer" "${flags[@]}" "$here"/regressions/* >"$log" 2>&1; then
  tail -n 40 "$log"
  echo "FAIL: a past finding fails again; see $log"
  exit 1
fi
# Both fuzzers are single-threaded: the teams.json one runs on the second core beside the first seconds of the
# compiler's.
"$teams_fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$out/artifacts/" \
  -max_total_time=$((teams_seconds > 0 ? teams_seconds : 1)) "$out/teams_corpus" "$teams_seeds" \
  >"$out/teams_run.log" 2>&1 &
teams_pid=$!
# The kept corpus ($out/corpus) grows across runs; the seeds are read but not copied into it.
status=0
"$fuzzer" "${flags[@]}" -max_total_time="$compile_seconds" "$out/corpus" "$seeds" >"$log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+.*DONE|Done |stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' "$log" || true
teams_status=0
wait "$teams_pid" || teams_status=$?
if [[ $teams_status -ne 0 ]]; then
  grep -vE '^#[0-9]+' "$out/teams_run.log" | tail -n 60
  echo "FAIL: the teams.json fuzzer found a problem (exit $teams_status); the input is in $out/artifacts/"
  exit 1
fi
echo "teams.json fuzzer ($teams_seconds s): $(grep -E '^Done [0-9]+ runs' "$out/teams_run.log" | tail -1), no finding"
if [[ $status -ne 0 ]]; then
  grep -vE '^#[0-9]+' "$log" | tail -n 60
  echo "FAIL: the fuzzer found a problem (exit $status); the input is in $out/artifacts/"
  exit 1
fi
