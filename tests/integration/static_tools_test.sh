#!/usr/bin/env bash
# The prebuilt tools have no glibc floor (issue 23): the release build of chronon_compiler, chronon_conf_tool,
# chronon_import and chronon_fix (tools/release.sh's //tools:release_binaries, `--config=release`) is fully static
# (check_static: `file`, `readelf -d`, `objdump -T`, no NSS lookup), and the compiler and conf tool write the same
# bytes in an EMPTY chroot (no libc, no ld.so, no /etc, /dev or /proc: only the tool and the action's declared
# inputs) as in the build, and as compile.py wrote: every ChrononCompile and ChrononColumns action of examples/
# (2 goldens) and tests/sample (49 goldens), run again by chroot_actions.py. A dynamically linked tool fails both
# halves: check_static, and the chroot (it finds no /lib64/ld-linux-x86-64.so.2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ $(id -u) == 0 ]] || fail "the empty-chroot check needs root (chroot(2)); CI runs as root"
release_tools
for tool in chronon_compiler chronon_conf_tool chronon_import chronon_fix; do
  check_static "$tools_bin/$tool"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
actions_in_empty_chroot
