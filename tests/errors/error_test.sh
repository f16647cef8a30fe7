#!/usr/bin/env bash
# Runs chronon_compiler by hand (as a Bazel action would) on one definition and checks what the user sees.
#   EXPECT=error:   exit status 1, exactly the expected stderr (one `path:line:col: error: ... [id]` line, then the
#                   target), and no output file left behind, not even one from an earlier run.
#   EXPECT=warning: exit status 0, exactly the expected stderr (warnings only), both outputs written.
#
# usage: error_test.sh EXPECT COMPILER KIND LABEL NAME SRC TEAMS EXPECTED_STDERR [DEP_SUMMARY...]
set -euo pipefail
expect=$1 compiler=$2 kind=$3 label=$4 name=$5 src=$6 teams=$7 expected=$8
shift 8
out=${TEST_TMPDIR:-$(mktemp -d)}
deps=()
for dep in "$@"; do deps+=("--dep=$dep"); done
echo stale >"$out/conf" && echo stale >"$out/summary"
status=0
"$compiler" --kind="$kind" --label="$label" --name="$name" --src="$src" --teams="$teams" ${deps[@]+"${deps[@]}"} \
  --out_conf="$out/conf" --out_summary="$out/summary" 2>"$out/stderr" || status=$?
fail=0
if ! diff -u "$expected" "$out/stderr"; then echo "FAIL: stderr differs from $expected"; fail=1; fi
errors=$(grep -c ': error: ' "$out/stderr" || true)
if [[ $expect == error ]]; then
  if [[ $status -ne 1 ]]; then echo "FAIL: exit status $status, want 1"; fail=1; fi
  if [[ $errors -ne 1 ]]; then echo "FAIL: $errors error lines, want 1"; fail=1; fi
  for f in conf summary conf.tmp summary.tmp; do
    if [[ -e "$out/$f" ]]; then echo "FAIL: output file $f exists after a failed compile"; fail=1; fi
  done
else
  if [[ $status -ne 0 ]]; then echo "FAIL: exit status $status, want 0 (warnings do not fail)"; fail=1; fi
  if [[ $errors -ne 0 ]]; then echo "FAIL: $errors error lines, want 0"; fail=1; fi
  if ! grep -q ': warning: ' "$out/stderr"; then echo "FAIL: no warning printed"; fail=1; fi
  if [[ $kind != source && "$(cat "$out/conf")" == stale ]]; then echo "FAIL: conf not written"; fail=1; fi
fi
exit $fail
