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
cleanup() {
  for w in "$tmp"/ws_*; do (cd "$w" 2>/dev/null && bazel shutdown 2>/dev/null) || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
for case in examples:seed:2 tests/sample:sample:49; do
  IFS=: read -r src goldens expected <<<"$case"
  ws=$tmp/ws_$goldens
  copy_workspace "$ROOT/$src" "$ws"
  use_release_toolchain "$ws"
  # Every definition's `.columns` target (manual: not in //...) too, so that the conf tool runs.
  mapfile -t columns < <(cd "$ws" && bazel query 'kind(chronon_columns, //...)' 2>/dev/null)
  ((${#columns[@]} > 0)) || fail "$src: no .columns target"
  bazel_in "$ws" build //... "${columns[@]}" >"$tmp/build_$goldens.log" 2>&1 || { tail -n 30 "$tmp/build_$goldens.log" >&2; fail "$src: the build failed"; }
  (cd "$ws" && bazel aquery "mnemonic('ChrononCompile|ChrononColumns', //... + kind(chronon_columns, //...))" --output=jsonproto \
    --include_param_files 2>/dev/null) >"$tmp/aquery_$goldens.json"
  execroot=$(cd "$ws" && bazel info execution_root 2>/dev/null)
  mkdir "$tmp/root_$goldens"
  echo -n "$src: "
  python3 "$ROOT/tests/integration/chroot_actions.py" "$tmp/aquery_$goldens.json" "$execroot" "$tmp/root_$goldens" \
    "$GOLDENS/$goldens/expected" "$expected" || fail "$src: the tools failed in an empty chroot"
  [[ -e $tmp/root_$goldens/lib64/ld-linux-x86-64.so.2 || -e $tmp/root_$goldens/lib/x86_64-linux-gnu/libc.so.6 ]] &&
    fail "the chroot holds glibc"
done
