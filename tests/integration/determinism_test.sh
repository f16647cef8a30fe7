#!/usr/bin/env bash
# Same inputs, same bytes: the sample repo (tests/sample/) is copied to two different directories and built in two
# different output bases, once target by target in one order (--jobs=1, joins first) and once all at once; every
# engine JSON and every summary must be identical. The compile actions really run in both (their results are
# never taken from the disk cache; checked in the execution logs). Then no output and no diagnostic may contain an
# absolute path, the output base, the host name, the user name or today's date.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
one=$tmp/one/sample two=$tmp/elsewhere/two/sample
cleanup() {
  for ws in "$one" "$two"; do [[ -d $ws ]] && (cd "$ws" && bazel shutdown 2>/dev/null) || true; done
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
for ws in "$one" "$two"; do
  mkdir -p "$ws"
  (cd "$ROOT/tests/sample" && tar --exclude='./bazel-*' -cf - .) | tar -xf - -C "$ws"
  sed -i "s|path = \"../..\"|path = \"$ROOT\"|" "$ws/WORKSPACE"
done
# A broken definition, for the diagnostics check.
mkdir -p "$one/group_bys/sample_team/broken"
printf 'load("@rules_chronon//rules:defs.bzl", "chronon_group_by")\nchronon_group_by(name = "typo.v1", deps = ["//sources:event_source"])\n' \
  >"$one/group_bys/sample_team/broken/BUILD"
printf 'sources { ref: "//sources:event_source" }\nkey_column: "event"\n' >"$one/group_bys/sample_team/broken/typo.v1.textproto"

# The disk cache serves the compiler's own build; ChrononCompile results are neither read from it nor written.
build() {
  local ws=$1 base=$2 log=$3
  shift 3
  (cd "$ws" && bazel --output_base="$base" build --disk_cache="$DISK_CACHE" \
    --modify_execution_info=ChrononCompile=+no-remote-cache --execution_log_json_file="$log" "$@")
}
build "$one" "$tmp/base_one" "$tmp/exec_one_a.json" --jobs=1 //joins/... //staging_queries/... >"$tmp/one_a.log" 2>&1 ||
  { cat "$tmp/one_a.log"; fail "build one (joins first) failed"; }
build "$one" "$tmp/base_one" "$tmp/exec_one_b.json" --jobs=1 -- //... -//group_bys/sample_team/broken/... \
  >"$tmp/one_b.log" 2>&1 || { cat "$tmp/one_b.log"; fail "build one failed"; }
build "$one" "$tmp/base_one" "$tmp/exec_one_c.json" //group_bys/sample_team/broken/... >"$tmp/one_c.log" 2>&1 &&
  fail "the broken target built"
build "$two" "$tmp/base_two" "$tmp/exec_two.json" //... >"$tmp/two.log" 2>&1 || { cat "$tmp/two.log"; fail "build two failed"; }

bin_one=$(cd "$one" && bazel --output_base="$tmp/base_one" info bazel-bin 2>/dev/null)
bin_two=$(cd "$two" && bazel --output_base="$tmp/base_two" info bazel-bin 2>/dev/null)
outputs() { (cd "$1" && find . \( -path ./external -prune \) -o -type f \( -name '*.chronon.json' -o -path '*/production/*' \) -print | sort); }
outputs "$bin_one" >"$tmp/files_one"
outputs "$bin_two" >"$tmp/files_two"
diff "$tmp/files_one" "$tmp/files_two" || fail "the two builds wrote different files"
count=$(wc -l <"$tmp/files_two")
((count > 100)) || fail "only $count outputs"
while IFS= read -r f; do cmp "$bin_one/$f" "$bin_two/$f" || fail "$f differs between the two builds"; done <"$tmp/files_two"

# Every summary (one per compile action) was written by an action that ran, in both output bases.
ran() {
  awk '/"mnemonic": /{ compile = /"ChrononCompile"/ } compile && /"remoteCacheHit": false/ { n++; compile = 0 }
       END { print n + 0 }' "$@"
}
summaries=$(grep -c '\.chronon\.json$' "$tmp/files_two")
ran_one=$(ran "$tmp"/exec_one_*.json) ran_two=$(ran "$tmp/exec_two.json")
echo "compile actions run: $ran_one (output base one, with the broken one), $ran_two (two), for $summaries summaries"
((ran_one > summaries && ran_two == summaries)) || fail "some compile actions were not run (or taken from a cache)"

# Nothing machine- or run-specific in any output or diagnostic.
diagnostics=$(grep -hE '(: error: .*\[[a-z0-9-]+\]$|^  in target )' "$tmp"/one_*.log | sort -u)
grep -qx 'group_bys/sample_team/broken/typo.v1.textproto:2:1: error: Message type "chronon.api.GroupBy" has no field named "key_column". Did you mean "key_columns"? \[unknown-field\]' \
  <<<"$diagnostics" || { echo "$diagnostics"; fail "the diagnostic is not workspace-relative"; }
forbidden=("$tmp" "$ROOT" "$HOME" "$(hostname)" "$(date +%Y-%m-%d)" "$(date +%Y%m%d)" "/root/" "/home/" "/tmp/" "execroot" "bazel-out")
[[ $(id -un) == root ]] || forbidden+=("$(id -un)")
forbidden+=(${CHRONON_FORBIDDEN_EXTRA:-})  # to check that this check can fail
for word in "${forbidden[@]}"; do
  if grep -rlF -- "$word" "$bin_two"/*/ --include='*.chronon.json' >/dev/null 2>&1 ||
    (cd "$bin_two" && xargs -a "$tmp/files_two" grep -lF -- "$word") || grep -qF -- "$word" <<<"$diagnostics"; then
    fail "\"$word\" appears in an output or a diagnostic"
  fi
done
echo "determinism: $count files identical across two output bases and build orders; no paths, host, user or date"
