#!/usr/bin/env bash
# Import time for compile.py's 51 goldens (seed: 2 files, sample: 49): builds the importer with -c opt, lays the
# goldens out as two Chronon repos (teams.json + production/) and imports both RUNS times (default 5), printing each
# run's wall time, the median, and the JSON lines read against the textproto lines written.
#   tools/bench/import_bench.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
cd "$root"
bazel build -c opt //tools:import 2>/dev/null
importer=$(bazel info -c opt bazel-bin 2>/dev/null)/chronon/import/chronon_import
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/seed" "$tmp/sample"
cp examples/teams.json "$tmp/seed/" && cp -a tests/goldens/seed/expected "$tmp/seed/production"
cp tests/sample/teams.json "$tmp/sample/" && cp -a tests/goldens/sample/expected "$tmp/sample/production"
times=()
for ((i = 0; i < runs; i++)); do
  rm -rf "$tmp/seed_ws" "$tmp/sample_ws"
  start=$(date +%s%N)
  "$importer" --from="$tmp/seed" --to="$tmp/seed_ws" --rules="$root" >"$tmp/seed.log"
  "$importer" --from="$tmp/sample" --to="$tmp/sample_ws" --rules="$root" >"$tmp/sample.log"
  end=$(date +%s%N)
  times+=("$(((end - start) / 1000000))")
  echo "run $((i + 1)): $(((end - start) / 1000000)) ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
grep -h 'identical' "$tmp/seed.log" "$tmp/sample.log"
# Lines per file (compile.py writes no final newline; awk counts that last line too).
json=$(find "$tmp/seed/production" "$tmp/sample/production" -type f -print0 | xargs -0 awk 'END { print NR }')
textproto=$(find "$tmp/seed_ws" "$tmp/sample_ws" -name '*.textproto' -print0 | xargs -0 awk 'END { print NR }')
headers=$(find "$tmp/seed_ws" "$tmp/sample_ws" -name '*.textproto' | wc -l)
echo "51 goldens: median ${median} ms over $runs runs (two imports, each parse + un-derive + in-process compile + write)"
echo "JSON lines read: $json; textproto lines written: $textproto ($headers files, 4 header comment lines each)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
