#!/usr/bin/env bash
# An execution platform without prebuilt tools gets a sentence, not Bazel's bare `no matching toolchains found`
# (issue 23): a consumer with the default setup (prebuilt toolchains) builds with `--host_platform` (the default
# execution platform) set to fake platforms: freebsd riscv64 and macos aarch64 (named by toolchains/unsupported) and
# qnx mips64 (no toolchain names it: the catch-all //toolchains:unsupported). Each build fails at analysis time with
# the message naming the platform and `compiler = "source"`. linux aarch64 resolves the prebuilt arm64 tools
# (aquery: the compile action runs toolchains/prebuilt/linux_aarch64/chronon_compiler). (A consumer that builds
# from source never reaches the fallbacks: the source toolchain has no constraints and is registered first.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples"
sed -i 's/compiler = "source"//' "$ws/WORKSPACE"
grep -q 'rules_chronon_register_toolchains()' "$ws/WORKSPACE" || fail "could not switch the consumer to the prebuilt setup"
mkdir -p "$ws/fake"
cat >"$ws/fake/BUILD" <<'BUILD'
platform(name = "freebsd_riscv64", constraint_values = ["@platforms//os:freebsd", "@platforms//cpu:riscv64"])
platform(name = "macos_aarch64", constraint_values = ["@platforms//os:macos", "@platforms//cpu:aarch64"])
platform(name = "qnx_mips64", constraint_values = ["@platforms//os:qnx", "@platforms//cpu:mips64"])
platform(name = "linux_aarch64", constraint_values = ["@platforms//os:linux", "@platforms//cpu:aarch64"])
BUILD
for case in "freebsd_riscv64:freebsd riscv64" "macos_aarch64:macos aarch64" "qnx_mips64:(an os and cpu without prebuilt tools)"; do
  platform=${case%%:*} name=${case#*:}
  if bazel_in "$ws" build --host_platform="//fake:$platform" //joins/example_team:example_join.v1 >"$tmp/out" 2>&1; then
    fail "$platform: the build passed"
  fi
  grep -q 'no matching toolchains found' "$tmp/out" && { cat "$tmp/out" >&2; fail "$platform: a bare toolchain resolution error"; }
  grep -q -F "no prebuilt chronon_compiler for the execution platform $name (prebuilt tools exist" "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "$platform: no message naming the platform"; }
  grep -q -F 'rules_chronon_dependencies(compiler = "source")' "$tmp/out" || fail "$platform: the message lacks the way out"
  grep -q 'Analysis of target' "$tmp/out" || fail "$platform: not an analysis-time failure"
  echo "$platform: $(grep -o 'rules_chronon has no prebuilt chronon_compiler for the execution platform [^(]*([^)]*)' "$tmp/out" | head -n 1)"
done

(cd "$ws" && bazel aquery --disk_cache="$DISK_CACHE" --host_platform=//fake:linux_aarch64 \
  'mnemonic(ChrononCompile, //joins/example_team:example_join.v1)' 2>&1) >"$tmp/aquery" || { cat "$tmp/aquery" >&2; fail "linux aarch64: aquery failed"; }
grep -q 'external/rules_chronon/toolchains/prebuilt/linux_aarch64/chronon_compiler' "$tmp/aquery" ||
  { cat "$tmp/aquery" >&2; fail "linux aarch64 does not resolve the prebuilt arm64 tools"; }
echo "linux_aarch64: the prebuilt arm64 compiler (toolchains/prebuilt/linux_aarch64)"

