#!/usr/bin/env bash
# The prebuilt linux arm64 tools (issue 23): chronon_compiler and chronon_conf_tool cross-compiled with Debian's
# g++-aarch64-linux-gnu (toolchains/aarch64, `--config=release_aarch64`, as tools/release.sh builds them) are fully
# static aarch64 executables (check_static, `file`), and under qemu-aarch64-static, in an empty chroot (no libc of
# either architecture), every ChrononCompile and ChrononColumns action of examples/ and tests/sample writes the same
# bytes as the x86_64 build and as compile.py (2 + 49 goldens). Cold, the cross build compiles the tools' sources
# once more (measured in docs/install.md); with the disk cache warm it only checks the cache.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ $(id -u) == 0 ]] || fail "the empty-chroot check needs root (chroot(2)); CI runs as root"
qemu=$(command -v qemu-aarch64-static) || fail "qemu-aarch64-static is not installed (setup.sh installs qemu-user-static)"
log=$(mktemp)
start=$SECONDS
(cd "$ROOT" && bazel build --config=release_aarch64 --symlink_prefix=/ --disk_cache="$DISK_CACHE" \
  //chronon:chronon_compiler //chronon:chronon_conf_tool) >"$log" 2>&1 ||
  { tail -n 30 "$log" >&2; rm -f "$log"; fail "the arm64 build failed"; }
echo "arm64 build: $((SECONDS - start)) s ($(grep -o '[0-9]* process.*' "$log" | tail -n 1))"
rm -f "$log"
arm64_bin=$(cd "$ROOT" && bazel info --config=release_aarch64 bazel-bin 2>/dev/null)/chronon
for tool in chronon_compiler chronon_conf_tool; do
  file -b "$arm64_bin/$tool" | grep -q 'ARM aarch64' || fail "$tool is not an aarch64 binary: $(file -b "$arm64_bin/$tool")"
  check_static "$arm64_bin/$tool"
done
file -b "$qemu" | grep -q -E 'statically linked|static-pie linked' || fail "$qemu is not static: it could not run in an empty chroot"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/arm64"
cp "$arm64_bin/chronon_compiler" "$arm64_bin/chronon_conf_tool" "$tmp/arm64/"
export CHROOT_TOOLS=$tmp/arm64 CHROOT_RUNNER=$qemu
actions_in_empty_chroot
