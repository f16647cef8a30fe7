#!/usr/bin/env bash
# Every test of rules_chronon: the Bazel tests of this workspace, then the integration tests that drive Bazel in
# consumer workspaces (examples/, copies of them) the way users do.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/integration/lib.sh
mkdir -p "$DISK_CACHE"

passed=0
failed=0
failures=()
# record NAME STATUS TIMING: counts a suite as passed (STATUS 0) or failed and prints its result line.
record() {
  if (($2 == 0)); then
    passed=$((passed + 1))
    echo "--- PASS $1 ($3)"
  else
    failed=$((failed + 1))
    failures+=("$1")
    echo "--- FAIL $1 ($3)"
  fi
}
run() {
  local name=$1 start=$SECONDS status=0
  shift
  echo "=== $name"
  "$@" || status=$?
  record "$name" "$status" "$((SECONDS - start)) s"
}

# Every test of this workspace once, under AddressSanitizer (with LeakSanitizer) and UBSan: the same tests as a
# plain `bazel test //...`, which finds nothing they do not, and one C++ build of them instead of two (the plain one
# cost about 80 s of a cold suite; docs/performance.md). The tools the tests run by hand come from the release build
# (tests/integration/lib.sh, release_tools).
run "bazel test --config=sanitize //..." bazel test --config=sanitize --disk_cache="$DISK_CACHE" //...
# The README's first command. Its build of the compiler from source (the exec configuration every consumer
# workspace shares) lands in the disk cache here, before anything runs beside it.
run "examples: bazel build //..." bazel_in examples build //...

# The fuzz run keeps one core busy for a minute and the integration tests leave the second one idle much of the
# time (Bazel's start-up, small builds), so it runs beside them; its result is reported at the end.
fuzz_log=$(mktemp)
fuzz_start=$SECONDS
echo "=== fuzz_test (in the background, beside the integration tests)"
bash tests/integration/fuzz_test.sh >"$fuzz_log" 2>&1 &
fuzz_pid=$!
for t in tests/integration/*_test.sh; do
  [[ $t == */fuzz_test.sh ]] && continue
  run "$(basename "$t" .sh)" bash "$t"
done
echo "=== fuzz_test"
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
cat "$fuzz_log"
rm -f "$fuzz_log"
record fuzz_test "$fuzz_status" "$((SECONDS - fuzz_start)) s, beside the integration tests"

# Shut down the Bazel servers (and with them their persistent workers) of the in-tree workspaces the suite used;
# the integration tests shut down those of their scratch workspaces themselves.
for w in . examples tests/sample tests/broken tests/errors tests/cookbook tests/starlark_seed tests/starlark_sample tests/starlark_errors tests/starlark_cookbook; do
  [[ -f $w/WORKSPACE ]] && (cd "$w" && bazel shutdown 2>/dev/null) || true
done

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
