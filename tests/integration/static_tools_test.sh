#!/usr/bin/env bash
# The prebuilt tools have no glibc floor, on linux x86_64 and linux arm64 (issue 23).
# - x86_64: the release build of chronon_compiler, chronon_conf_tool, chronon_import and chronon_fix (tools/release.sh's
#   //tools:release_binaries, `--config=release`) is fully static (check_static: `file`, `readelf -d`, `objdump -T`,
#   no NSS lookup).
# - arm64: chronon_compiler and chronon_conf_tool cross-compiled with Debian's g++-aarch64-linux-gnu
#   (toolchains/aarch64, `--config=release_aarch64`, as tools/release.sh builds them) are fully static aarch64
#   executables. Cold, this compiles the tools' sources once more (-O1); with the disk cache warm it only checks it.
# - Every ChrononCompile and ChrononColumns action of examples/ (2 goldens) and tests/sample (49 goldens) is run
#   again in an EMPTY chroot (no libc, no ld.so, no /etc, /dev or /proc: only the tool and the action's declared
#   inputs) by chroot_actions.py, with the x86_64 tools and then with the arm64 ones under qemu-aarch64-static
#   (itself static): the same bytes as the build and as compile.py.
# A dynamically linked tool fails both halves: check_static, and the chroot (no /lib64/ld-linux-x86-64.so.2 there).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ $(id -u) == 0 ]] || fail "the empty-chroot check needs root (chroot(2)); CI runs as root"
qemu=$(command -v qemu-aarch64-static) || fail "qemu-aarch64-static is not installed (setup.sh installs qemu-user-static)"
file -b "$qemu" | grep -q -E 'statically linked|static-pie linked' || fail "$qemu is not static: it could not run in an empty chroot"
release_tools
for tool in chronon_compiler chronon_conf_tool chronon_import chronon_fix; do
  check_static "$tools_bin/$tool"
done

log=$(mktemp)
start=$SECONDS
(cd "$ROOT" && bazel build --config=release_aarch64 --symlink_prefix=/ --disk_cache="$DISK_CACHE" \
  //chronon:chronon_compiler //chronon:chronon_conf_tool) >"$log" 2>&1 ||
  { tail -n 30 "$log" >&2; rm -f "$log"; fail "the arm64 build failed"; }
echo "arm64 build: $((SECONDS - start)) s ($(grep -o '[0-9]* process.*' "$log" | tail -n 1))"
rm -f "$log"
arm64_bin=$(cd "$ROOT" && bazel info --config=release_aarch64 bazel-bin 2>/dev/null)/chronon
# Each program's binary is in its own folder of chronon/ (docs/layout.md): chronon_compiler in compiler/, ...
arm64_dir=$(mktemp -d)
for tool in chronon_compiler chronon_conf_tool; do
  cp "$arm64_bin/${tool#chronon_}/$tool" "$arm64_dir/$tool"
done
arm64_bin=$arm64_dir
for tool in chronon_compiler chronon_conf_tool; do
  file -b "$arm64_bin/$tool" | grep -q 'ARM aarch64' || fail "$tool is not an aarch64 binary: $(file -b "$arm64_bin/$tool")"
  echo -n "arm64 "
  check_static "$arm64_bin/$tool"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$arm64_dir"' EXIT
mkdir "$tmp/arm64"
cp "$arm64_bin/chronon_compiler" "$arm64_bin/chronon_conf_tool" "$tmp/arm64/"
actions_in_empty_chroot "$tmp/arm64" "$qemu"
