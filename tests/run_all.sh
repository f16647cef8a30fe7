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

# Every test of this workspace once, under AddressSanitizer (with LeakSanitizer) and UBSan: the same tests as a
# plain `bazel test //...`, which finds nothing they do not, and one C++ build of them instead of two (the plain one
# cost about 80 s of a cold suite; docs/performance.md). The tools the tests run by hand come from the release build
# (tests/integration/lib.sh, release_tools).
run "bazel test --config=sanitize //..." bazel test --config=sanitize --disk_cache="$DISK_CACHE" //...
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
