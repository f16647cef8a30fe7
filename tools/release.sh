#!/usr/bin/env bash
# Writes the release archive rules_chronon-<version>.tar.gz and prints the WORKSPACE snippet (with its sha256) that
# users paste, the way rule sets print it on their release pages.
#
#   tools/release.sh [--out DIR] [--url URL] [--snippet FILE]
#
#   --out      where the archive goes (default: dist/ in this checkout); written atomically (temp + rename)
#   --url      the URL the archive will be served from, for the snippet (default: a placeholder to fill in)
#   --snippet  also write the WORKSPACE snippet to FILE
#   RELEASE_BAZEL_FLAGS  extra flags for the `bazel build` (e.g. --disk_cache=DIR)
#
# The archive holds the rules (rules/, toolchains/, chronon/ with the compiler's sources, for
# rules_chronon_dependencies(compiler = "source")), docs/, README.md, CHANGELOG.md, MODULE.bazel, and fully static
# prebuilt tools (protobuf, Abseil, zlib, libstdc++ and glibc linked in; the script fails if `readelf -d` finds a
# dynamic section): chronon_compiler and chronon_conf_tool under toolchains/prebuilt/linux_x86_64/
# (//tools:release_binaries, `--config=release`) and toolchains/prebuilt/linux_aarch64/ (cross-compiled,
# `--config=release_aarch64`); and tools/ for `bazel run @rules_chronon//tools:import|fix` in a consumer
# (tools/archive/BUILD.tools): the prebuilt chronon_import and chronon_fix for linux x86_64 and the buildozer fix
# runs (package.json's pinned @bazel/buildozer from node_modules; `npm ci` if missing). Same inputs, same bytes:
# entries sorted by name, mtime 2000-01-01, owner and group 0, modes normalized, `gzip -n`. Next to it,
# chronon_tools-<version>-<platform>.tar.gz holds each platform's two tools alone, for bzlmod's `chronon`
# extension: the rules archive pins their URLs (next to --url) and sha256s in rules/private/prebuilt.bzl.
# MODULE.bazel's version must match rules/version.bzl.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out=$ROOT/dist
url=
snippet=
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --url) url=$2; shift 2 ;;
    --url=*) url=${1#*=}; shift ;;
    --snippet) snippet=$2; shift 2 ;;
    --snippet=*) snippet=${1#*=}; shift ;;
    *) echo "release.sh: unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's/^RULES_CHRONON_VERSION = "\(.*\)"$/\1/p' "$ROOT/rules/version.bzl")
[[ -n $version ]] || { echo "release.sh: no RULES_CHRONON_VERSION in rules/version.bzl" >&2; exit 1; }
module_version=$(sed -n 's/^    version = "\(.*\)",$/\1/p' "$ROOT/MODULE.bazel" | head -n 1)
[[ $module_version == "$version" ]] ||
  { echo "release.sh: MODULE.bazel says version $module_version, rules/version.bzl $version" >&2; exit 1; }
name=rules_chronon-$version.tar.gz
url=${url:-https://YOUR-MIRROR/$name}

# pack DIR ARCHIVE: DIR's contents as a reproducible .tar.gz, written atomically.
pack() {
  local tmp_archive
  tmp_archive=$(mktemp "$out/.${2##*/}.XXXXXX")
  tar --sort=name --format=gnu --mtime='2000-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner \
    --mode='u+w,go-w,a+rX' -C "$1" -cf - . | gzip -9 -n >"$tmp_archive"
  chmod 0644 "$tmp_archive"
  mv -f "$tmp_archive" "$2"
}

# --- the prebuilt tools (no convenience symlinks: the checkout's bazel-bin keeps pointing at the regular build)
read -r -a extra <<<"${RELEASE_BAZEL_FLAGS:-}"
(cd "$ROOT" && bazel build --config=release --symlink_prefix=/ "${extra[@]}" //tools:release_binaries >&2)
bin=$(cd "$ROOT" && bazel info --config=release bazel-bin 2>/dev/null)/tools
# linux arm64: the compiler and the conf tool, cross-compiled (toolchains/aarch64) in the target configuration.
(cd "$ROOT" && bazel build --config=release_aarch64 --symlink_prefix=/ "${extra[@]}" \
  //chronon:chronon_compiler //chronon:chronon_conf_tool >&2)
bin_aarch64=$(cd "$ROOT" && bazel info --config=release_aarch64 bazel-bin 2>/dev/null)/chronon
# Each program's binary is in its own folder of chronon/ (docs/layout.md): chronon_compiler in compiler/, ...
program_dir() { echo "${1#chronon_}"; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# ship SOURCE DEST: a prebuilt tool into the archive, if it is fully static (.bazelrc's --config=release and
# release_aarch64): no dynamic section, so no NEEDED entry, no interpreter and no GLIBC_<version> floor.
ship() {
  if ! readelf -d "$1" 2>&1 | grep -q 'There is no dynamic section'; then
    echo "release.sh: $1 is dynamically linked; the prebuilt tools must be static: $(file -b "$1")" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$2")"
  install -m 0755 "$1" "$2"
}
for tool in chronon_compiler chronon_conf_tool; do
  ship "$bin/$tool" "$stage/root/toolchains/prebuilt/linux_x86_64/$tool"
  ship "$bin_aarch64/$(program_dir "$tool")/$tool" "$stage/root/toolchains/prebuilt/linux_aarch64/$tool"
done
# `bazel run @rules_chronon//tools:import|fix` in a consumer: the prebuilt importer and fix (tools/archive), and the
# buildozer fix runs: package.json's pinned @bazel/buildozer (npm; a static Go binary), with its license.
for tool in chronon_import chronon_fix; do
  ship "$bin/$tool" "$stage/root/tools/prebuilt/linux_x86_64/$tool"
done
buildozer_pkg=$ROOT/node_modules/@bazel/buildozer
if [[ ! -x $buildozer_pkg/buildozer-linux_amd64 ]]; then
  (cd "$ROOT" && npm ci --silent --no-audit --no-fund >/dev/null) || { echo "release.sh: npm ci failed" >&2; exit 1; }
fi
pinned=$(sed -n 's/.*"@bazel\/buildozer": "\(.*\)".*/\1/p' "$ROOT/package.json")
[[ $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$buildozer_pkg/package.json") == "$pinned" ]] ||
  { echo "release.sh: node_modules holds another buildozer than package.json's $pinned; run npm ci" >&2; exit 1; }
install -m 0755 "$buildozer_pkg/buildozer-linux_amd64" "$stage/root/tools/prebuilt/linux_x86_64/buildozer"
install -m 0644 "$buildozer_pkg/LICENSE" "$stage/root/tools/prebuilt/BUILDOZER_LICENSE"
install -m 0644 "$ROOT/tools/archive/BUILD.tools" "$stage/root/tools/BUILD"
install -m 0755 "$ROOT/tools/archive/prebuilt_tool.sh" "$stage/root/tools/prebuilt_tool.sh"
install -m 0755 "$ROOT/tools/format.sh" "$stage/root/tools/format.sh"

# --- the sources: what git tracks (or would: new files not yet committed) in these paths, as in the working tree
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard -- \
  BUILD WORKSPACE MODULE.bazel README.md CHANGELOG.md docs rules toolchains chronon |
  while IFS= read -r -d '' f; do
    [[ -f $f ]] && cp --parents -- "$f" "$stage/root/"
  done

# --- the tools alone, one archive per platform, for bzlmod's `chronon` extension, pinned in the rules archive's
# rules/private/prebuilt.bzl
mkdir -p "$out"
entries=
for platform in linux_x86_64 linux_aarch64; do
  platform_name=chronon_tools-$version-$platform.tar.gz
  mkdir -p "$stage/tools_$platform"
  cp -p "$stage/root/toolchains/prebuilt/$platform/"* "$stage/tools_$platform/"
  pack "$stage/tools_$platform" "$out/$platform_name"
  entries+="    \"$platform\": {
        \"sha256\": \"$(sha256sum "$out/$platform_name" | cut -d' ' -f1)\",
        \"urls\": [\"${url%/*}/$platform_name\"],
    },
"
done
cat >"$stage/root/rules/private/prebuilt.bzl" <<BZL
"""Where bzlmod's \`chronon\` extension fetches the prebuilt tools from (written by tools/release.sh)."""

PREBUILT_TOOLS = {
$entries}
BZL

pack "$stage/root" "$out/$name"
sha256=$(sha256sum "$out/$name" | cut -d' ' -f1)

text=$(
  cat <<SNIPPET
load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")

http_archive(
    name = "rules_chronon",
    sha256 = "$sha256",
    urls = ["$url"],
)

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_dependencies", "rules_chronon_register_toolchains")

rules_chronon_dependencies()

rules_chronon_register_toolchains()
SNIPPET
)
[[ -z $snippet ]] || printf '%s\n' "$text" >"$snippet"
echo "$out/chronon_tools-$version-linux_{x86_64,aarch64}.tar.gz (bzlmod's extension fetches them from ${url%/*}/)"
echo "$out/$name"
echo "sha256 $sha256"
echo
echo "WORKSPACE:"
echo
printf '%s\n' "$text"
