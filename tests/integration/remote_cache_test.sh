#!/usr/bin/env bash
# A team's CI cache, for real: starts nginx (Debian's nginx-light, WebDAV) as an HTTP remote cache on loopback,
# builds a copy of examples/ against it, runs `bazel clean`, rebuilds, and asserts from the execution log that every
# ChrononCompile action of the rebuild was a remote cache hit. The HTTP cache is the only cache in play (no
# --disk_cache), so the hits can only come from nginx. The workspace runs the release build's tools through a
# toolchain over files, as a release's users do (lib.sh, use_release_toolchain): the compiler is not rebuilt here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v nginx >/dev/null || fail "nginx is not installed (setup.sh installs nginx-light)"
tmp=$(mktemp -d)
ws=$tmp/ws
nginx_pid=
cleanup() {
  (cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- the cache: nginx with its own config, pid file, temp and data dirs, accepting PUTs
start_nginx "$tmp/nginx" "$tmp/nginx/cache" dav
cache=$nginx_url
echo "nginx (pid $nginx_pid) serves a WebDAV cache at $cache"

copy_workspace "$ROOT/examples" "$ws"
use_release_toolchain "$ws"
# The CI config of docs/workflow.md ("Remote cache and remote execution", read from there), as a team would check it in, with
# this nginx as the cache.
doc_code docs/workflow.md "Remote cache and remote execution" >"$tmp/ci.bazelrc"
grep -q '^build:ci --remote_upload_local_results$' "$tmp/ci.bazelrc" ||
  fail "docs/workflow.md, \"Remote cache and remote execution\": no build:ci --remote_upload_local_results line"
grep -q 'https://chronon-cache.example.com' "$tmp/ci.bazelrc" ||
  fail "docs/workflow.md, \"Remote cache and remote execution\": the cache URL is no longer https://chronon-cache.example.com"
sed "s|https://chronon-cache.example.com|$cache|" "$tmp/ci.bazelrc" >>"$ws/.bazelrc"

build() {
  bazel_in_no_disk_cache build --config=ci //... --execution_log_json_file="$tmp/$1.log" >"$tmp/$1.out" 2>&1 ||
    { cat "$tmp/$1.out" >&2; fail "build $1 failed"; }
  echo "$1: $(grep -o '[0-9]* processes:.*' "$tmp/$1.out")"
}
bazel_in_no_disk_cache() { (cd "$ws" && bazel "$@"); }

build "cold build"
read -r hits total < <(compile_cache_hits "$tmp/cold build.log")
echo "cold build: $total ChrononCompile actions, $hits remote cache hits"
(cd "$ws" && bazel clean 2>/dev/null)
build "rebuild after bazel clean"
read -r hits total < <(compile_cache_hits "$tmp/rebuild after bazel clean.log")
echo "rebuild after bazel clean: $hits of $total ChrononCompile actions were remote cache hits"
((total > 0)) || fail "the rebuild ran no ChrononCompile action"
((hits == total)) || fail "$((total - hits)) ChrononCompile action(s) missed the remote cache"
cmp "$ws/bazel-bin/production/joins/example_team/example_join.v1" \
  "$GOLDENS/seed/expected/joins/example_team/example_join.v1" || fail "the cached Join differs from compile.py's"
echo "cached outputs: identical to compile.py's"
