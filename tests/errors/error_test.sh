#!/usr/bin/env bash
# Runs chronon_compiler by hand (as a Bazel action would) on one invalid definition and checks what the user sees:
# exit status 1, exactly the expected stderr (one `path:line:col: error: ... [id]` line, then the target), and no
# output file left behind.
#
# usage: error_test.sh COMPILER KIND LABEL NAME SRC TEAMS EXPECTED_STDERR [DEP_SUMMARY...]
set -euo pipefail
compiler=$1 kind=$2 label=$3 name=$4 src=$5 teams=$6 expected=$7
shift 7
out=${TEST_TMPDIR:-$(mktemp -d)}
deps=()
for dep in "$@"; do deps+=("--dep=$dep"); done
# Outputs of an earlier run must disappear too.
echo stale >"$out/conf" && echo stale >"$out/summary"
status=0
"$compiler" --kind="$kind" --label="$label" --name="$name" --src="$src" --teams="$teams" "${deps[@]}" \
  --out_conf="$out/conf" --out_summary="$out/summary" 2>"$out/stderr" || status=$?
fail=0
if [[ $status -ne 1 ]]; then echo "FAIL: exit status $status, want 1"; fail=1; fi
if ! diff -u "$expected" "$out/stderr"; then echo "FAIL: stderr differs from $expected"; fail=1; fi
errors=$(grep -c ': error: ' "$out/stderr" || true)
if [[ $errors -ne 1 ]]; then echo "FAIL: $errors error lines, want 1"; fail=1; fi
for f in conf summary conf.tmp summary.tmp; do
  if [[ -e "$out/$f" ]]; then echo "FAIL: output file $f exists after a failed compile"; fail=1; fi
done
exit $fail
