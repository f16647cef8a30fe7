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
run() {
  local name=$1
  shift
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "--- PASS $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAIL $name ($((SECONDS - start)) s)"
  fi
}

run "bazel test //..." bazel test --disk_cache="$DISK_CACHE" //...
# The unit tests and the failure goldens again, under AddressSanitizer (with LeakSanitizer) and UBSan. (Run in the
# background beside the integration tests, in an output base of its own, a cold suite took 762 s, against 769 s in
# series: those tests build and compile too, so the two only fought for the 2 cores; docs/performance.md.)
run "bazel test --config=sanitize" bazel test --config=sanitize --disk_cache="$DISK_CACHE" //chronon/... //tests/errors/...
for t in tests/integration/*_test.sh; do
  run "$(basename "$t" .sh)" bash "$t"
done

# Shut down the Bazel servers (and with them their persistent workers) of the in-tree workspaces the suite used;
# the integration tests shut down those of their scratch workspaces themselves.
for w in . examples tests/sample tests/broken tests/errors tests/cookbook; do
  [[ -f $w/WORKSPACE ]] && (cd "$w" && bazel shutdown 2>/dev/null) || true
done

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
