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

# The unit tests and the failure goldens again, under AddressSanitizer (with LeakSanitizer) and UBSan. Their build
# is the suite's longest step and CPU-bound, while the integration tests below mostly wait on Bazel's round trips,
# so it runs in the background, beside them: in an output base of its own (a server of its own; the workspace's
# lock is per output base) and without convenience symlinks (`--symlink_prefix=/`), so that `bazel-bin` stays the
# regular build's, which the integration tests use. Its result is reported after theirs.
sanitize_base=${CHRONON_SANITIZE_OUTPUT_BASE:-$HOME/.cache/rules_chronon/sanitize_output_base}
sanitize_log=$(mktemp)
sanitize_start=$SECONDS
bazel --output_base="$sanitize_base" test --config=sanitize --symlink_prefix=/ --disk_cache="$DISK_CACHE" \
  //chronon/... //tests/errors/... >"$sanitize_log" 2>&1 &
sanitize_pid=$!
sanitize_result() {
  local status=0
  wait "$sanitize_pid" || status=$?
  echo "(in the background since the start of the integration tests: $((SECONDS - sanitize_start)) s in all)"
  if ((status != 0)); then tail -n 60 "$sanitize_log"; else tail -n 3 "$sanitize_log"; fi
  rm -f "$sanitize_log"
  return "$status"
}

for t in tests/integration/*_test.sh; do
  run "$(basename "$t" .sh)" bash "$t"
done
run "bazel test --config=sanitize" sanitize_result

# Shut down the Bazel servers (and with them their persistent workers) of the in-tree workspaces the suite used;
# the integration tests shut down those of their scratch workspaces themselves.
for w in . examples tests/sample tests/broken tests/errors tests/cookbook; do
  [[ -f $w/WORKSPACE ]] && (cd "$w" && bazel shutdown 2>/dev/null) || true
done
bazel --output_base="$sanitize_base" shutdown 2>/dev/null || true

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
