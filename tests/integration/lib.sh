# Shared by the integration tests: run Bazel the way a user would, with the cache CI shares between workspaces.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=${CHRONON_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
DISK_CACHE=${CHRONON_DISK_CACHE:-$HOME/.cache/rules_chronon/disk_cache}

# bazel_in DIR ARGS...: runs `bazel ARGS` in workspace DIR with the shared disk cache.
bazel_in() {
  local dir=$1 command=$2
  shift 2
  (cd "$dir" && bazel "$command" --disk_cache="$DISK_CACHE" "$@")
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
