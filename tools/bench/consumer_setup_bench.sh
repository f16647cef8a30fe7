#!/usr/bin/env bash
# A new user's first build: wall time from an empty output base (server start, fetching the release archive,
# analysis, every action) to the engine JSON of the seed example, with the prebuilt toolchain vs the compiler built
# from source, both from the same release archive (tools/release.sh, fetched from a file:// URL), no disk or
# repository cache. Rounds alternate the two so that machine load hits both alike.
#
#   tools/bench/consumer_setup_bench.sh [ROUNDS]   (default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-2}
tmp=$(mktemp -d)
trap 'for ob in "$tmp"/ob.*; do [[ -d $ob ]] && (cd "$tmp/ws.prebuilt" && bazel --output_base="$ob" shutdown 2>/dev/null); done; chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

"$ROOT/tools/release.sh" --out "$tmp/dist" --snippet "$tmp/snippet" >/dev/null 2>&1
archive=$(ls "$tmp/dist"/rules_chronon-*.tar.gz)
for mode in prebuilt source; do
  ws=$tmp/ws.$mode
  mkdir -p "$ws"
  (cd "$ROOT/examples" && tar --exclude='./bazel-*' --exclude=./WORKSPACE -cf - .) | (cd "$ws" && tar -xf -)
  {
    echo 'workspace(name = "consumer")'
    sed -e "s|urls = \\[.*\\]|urls = [\"file://$archive\"]|" \
      -e "s|^rules_chronon_dependencies()|rules_chronon_dependencies(compiler = \"$mode\")|" \
      -e "s|^rules_chronon_register_toolchains()|rules_chronon_register_toolchains(compiler = \"$mode\")|" "$tmp/snippet"
  } >"$ws/WORKSPACE"
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for mode in prebuilt source; do
    ob=$tmp/ob.$mode.$round
    start=$(date +%s.%N)
    (cd "$tmp/ws.$mode" && bazel --output_base="$ob" build --repository_cache= \
      --execution_log_json_file="$tmp/exec.$mode.$round" //:production >"$tmp/out" 2>&1) || { cat "$tmp/out"; exit 1; }
    end=$(date +%s.%N)
    [[ -f $ob/execroot/consumer/bazel-out/k8-fastbuild/bin/production/joins/example_team/example_join.v1 ]] ||
      { echo "no JSON"; exit 1; }
    cxx=$(grep -c '"mnemonic": "Cpp' "$tmp/exec.$mode.$round" || true)
    printf 'round %d %-8s %6.1f s to JSON, %3d C++ actions (%s)\n' "$round" "$mode" "$(python3 -c "print($end - $start)")" \
      "$cxx" "$(grep -o '[0-9]* processes:.*' "$tmp/out")"
    (cd "$tmp/ws.$mode" && bazel --output_base="$ob" shutdown 2>/dev/null)
  done
done
