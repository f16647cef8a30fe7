#!/usr/bin/env bash
# Builds the fuzz targets, replays every past finding (tests/fuzz/regressions/, plan_regressions/), then fuzzes
# chronon::Compile for five sixths of SECONDS (default 60) from the seed corpus plus what earlier runs kept, and
# chronon::TeamConfig (teams.json) for the other sixth at the same time, on the second core, then the index and plan
# readers (plan_fuzzer.cc) and the importer's JSON reading (import_fuzzer.cc) for as long again each on that core. Fails on any crash, leak, UB, timeout (10 s
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
import_seeds=
trap 'rm -rf "$seeds" ${teams_seeds:+"$teams_seeds"} ${import_seeds:+"$import_seeds"}' EXIT
"$here/make_corpus.sh" "$seeds"
flags=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$out/artifacts/" -print_final_stats=1)
log="$out/last_run.log"
# teams.json (chronon::TeamConfig) gets a sixth of the time, at most 20 s, with examples/'s teams.json and a few
# broken ones as seeds; chronon::Compile the rest, at the same time.
teams_fuzzer=$out/teams_fuzzer
root=$(cd "$here/../.." && pwd)
if [[ ! -f $teams_fuzzer || $root/chronon/compiler/teams.cc -nt $teams_fuzzer || $root/chronon/compiler/teams.h -nt $teams_fuzzer ||
  $root/chronon/common/utf8.cc -nt $teams_fuzzer || $here/teams_fuzzer.cc -nt $teams_fuzzer ]]; then
  "${CXX:-clang++-14}" -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$root" "$root/chronon/compiler/teams.cc" "$root/chronon/common/utf8.cc" "$here/teams_fuzzer.cc" -o "$teams_fuzzer" -labsl_strings -labsl_int128 -labsl_throw_delegate
fi
# The update's and the plan's readers (issue 26): the ownership index and a changed conf's bytes through the plan
# (tests/fuzz/plan_fuzzer.cc), built like the teams one, run after it on the second core.
plan_fuzzer=$out/plan_fuzzer
plan_sources=(plan/plan plan/plan_report plan/plan_semantic_hash production/confs compiler/validate common/diagnostics
  production/production_tree production/production_changes production/production_files production/production_index
  production/production_report common/unified_diff common/files common/sha256)
plan_stale=0
[[ -f $plan_fuzzer && ! $here/plan_fuzzer.cc -nt $plan_fuzzer ]] || plan_stale=1
for f in "${plan_sources[@]}"; do [[ $root/chronon/$f.cc -nt $plan_fuzzer ]] && plan_stale=1; done
for f in "$root"/chronon/*/*.h; do [[ $f -nt $plan_fuzzer ]] && plan_stale=1; done
if ((plan_stale)); then
  mkdir -p "$out/gen/chronon"
  [[ -f $out/gen/chronon/api.pb.cc ]] || protoc --proto_path="$root" --cpp_out="$out/gen" "$root/chronon/api.proto"
  absl=$(sed -n '/^_ABSL_LIBS = \[/,/^\]/s/^ *"\([a-z0-9_]*\)",$/-labsl_\1/p' "$root/rules/repositories.bzl")
  # shellcheck disable=SC2086
  "${CXX:-clang++-14}" -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$out/gen" -I"$root" "$out/gen/chronon/api.pb.cc" \
    $(printf "$root/chronon/%s.cc " "${plan_sources[@]}") "$here/plan_fuzzer.cc" -o "$plan_fuzzer" \
    -lprotobuf $absl -lpthread
fi
# The importer's reading of compile.py's JSON (issue 26): tests/fuzz/import_fuzzer.cc over chronon::importer::Import,
# linked with build.sh's objects of the compiler; run after the plan's on the second core.
import_fuzzer=$out/import_fuzzer
import_stale=0
[[ -f $import_fuzzer && ! $here/import_fuzzer.cc -nt $import_fuzzer && ! $fuzzer -nt $import_fuzzer ]] || import_stale=1
for f in "$root"/chronon/import/*.cc "$root"/chronon/import/*.h; do [[ $f -nt $import_fuzzer ]] && import_stale=1; done
if ((import_stale)); then
  rm -rf "$out/import_obj" && mkdir -p "$out/import_obj"  # objects of files since removed must not be linked
  import_jobs=()
  for src in "$root"/chronon/import/*.cc "$here/import_fuzzer.cc"; do
    [[ $src == *_test.cc || $src == */import_main.cc || $src == *_unity.cc ]] && continue
    "${CXX:-clang++-14}" -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
      -fno-sanitize-recover=undefined -I"$out/gen" -I"$root" -c "$src" -o "$out/import_obj/$(basename "$src" .cc).o" &
    import_jobs+=($!)
  done
  for j in "${import_jobs[@]}"; do wait "$j"; done
  absl=$(sed -n '/^_ABSL_LIBS = \[/,/^\]/s/^ *"\([a-z0-9_]*\)",$/-labsl_\1/p' "$root/rules/repositories.bzl")
  # shellcheck disable=SC2086
  "${CXX:-clang++-14}" -fsanitize=fuzzer,address,undefined "$out"/import_obj/*.o \
    $(ls "$out"/obj/*.o | grep -v '/compile_fuzzer\.o$') -o "$import_fuzzer" -lprotobuf $absl -lpthread
fi
# Its seeds: every conf of the seed and sample goldens, each after the line naming its path.
import_seeds=$(mktemp -d)
for f in "$root"/tests/goldens/{seed,sample}/expected/*/*/*; do
  rel=${f#"$root"/tests/goldens/*/expected/}
  { echo "$rel"; cat "$f"; } >"$import_seeds/$(echo "${f#"$root"/tests/goldens/}" | tr / _)"
done
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
echo "replaying $(ls "$here/plan_regressions" | wc -l) past findings of the plan fuzzer"
if ! "$plan_fuzzer" "$here"/plan_regressions/* >"$out/plan_run.log" 2>&1; then
  tail -n 40 "$out/plan_run.log"
  echo "FAIL: a past finding of the plan fuzzer fails again; see $out/plan_run.log"
  exit 1
fi
echo "replaying $(ls "$here/import_regressions" | wc -l) past findings of the importer fuzzer"
if ! "$import_fuzzer" "$here"/import_regressions/* >"$out/import_run.log" 2>&1; then
  tail -n 40 "$out/import_run.log"
  echo "FAIL: a past finding of the importer fuzzer fails again; see $out/import_run.log"
  exit 1
fi
mkdir -p "$out/plan_corpus" "$out/import_corpus"
# The teams.json fuzzer, then the plan's, on the second core; the teams log ends with the plan's exit status.
(
  "$teams_fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$out/artifacts/" \
    -max_total_time=$((teams_seconds > 0 ? teams_seconds : 1)) "$out/teams_corpus" "$teams_seeds" \
    >"$out/teams_run.log" 2>&1 || exit 1
  "$plan_fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$out/artifacts/" \
    -max_total_time=$((teams_seconds > 0 ? teams_seconds : 1)) "$out/plan_corpus" "$here/plan_regressions" \
    >"$out/plan_run.log" 2>&1 || exit 2
  "$import_fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$out/artifacts/" \
    -max_total_time=$((teams_seconds > 0 ? teams_seconds : 1)) "$out/import_corpus" "$import_seeds" \
    >"$out/import_run.log" 2>&1 || exit 3
) &
teams_pid=$!
# The kept corpus ($out/corpus) grows across runs; the seeds are read but not copied into it.
status=0
"$fuzzer" "${flags[@]}" -max_total_time="$compile_seconds" "$out/corpus" "$seeds" >"$log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+.*DONE|Done |stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' "$log" || true
teams_status=0
wait "$teams_pid" || teams_status=$?
if [[ $teams_status -eq 2 ]]; then
  grep -vE '^#[0-9]+' "$out/plan_run.log" | tail -n 60
  echo "FAIL: the plan fuzzer found a problem; the input is in $out/artifacts/"
  exit 1
fi
if [[ $teams_status -eq 3 ]]; then
  grep -vE '^#[0-9]+' "$out/import_run.log" | tail -n 60
  echo "FAIL: the importer fuzzer found a problem; the input is in $out/artifacts/"
  exit 1
fi
echo "importer fuzzer ($teams_seconds s): $(grep -E '^Done [0-9]+ runs' "$out/import_run.log" | tail -1), no finding"
echo "plan fuzzer ($teams_seconds s): $(grep -E '^Done [0-9]+ runs' "$out/plan_run.log" | tail -1), no finding"
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
