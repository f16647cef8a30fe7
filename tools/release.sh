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
# rules_chronon_dependencies(compiler = "source")), docs/, README.md, CHANGELOG.md, MODULE.bazel, and the prebuilt tools
# under toolchains/prebuilt/linux_x86_64/: chronon_compiler and chronon_conf_tool, //tools:release_binaries built with
# `--config=release` (optimized, fully static: protobuf, Abseil, zlib, libstdc++ and glibc; the script fails if
# `readelf -d` finds a dynamic section). Same inputs, same bytes: entries sorted by name, mtime 2000-01-01, owner and group 0,
# modes normalized, `gzip -n`. Next to it, chronon_tools-<version>-linux_x86_64.tar.gz holds the two tools alone, for
# bzlmod's `chronon` extension: the rules archive pins its URL (next to --url) and sha256 in rules/private/prebuilt.bzl.
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
tools_name=chronon_tools-$version-linux_x86_64.tar.gz
url=${url:-https://YOUR-MIRROR/$name}
tools_url=${url%/*}/$tools_name

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

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root/toolchains/prebuilt/linux_x86_64"
for tool in chronon_compiler chronon_conf_tool; do
  # Fully static (.bazelrc's --config=release): no dynamic section, so no NEEDED entry, no interpreter and no
  # GLIBC_<version> floor.
  if ! readelf -d "$bin/$tool" 2>&1 | grep -q 'There is no dynamic section'; then
    echo "release.sh: $tool is dynamically linked; the prebuilt tools must be static: $(file -b "$bin/$tool")" >&2
    exit 1
  fi
  install -m 0755 "$bin/$tool" "$stage/root/toolchains/prebuilt/linux_x86_64/$tool"
done

# --- the sources: what git tracks (or would: new files not yet committed) in these paths, as in the working tree
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard -- \
  BUILD WORKSPACE MODULE.bazel README.md CHANGELOG.md docs rules toolchains chronon |
  while IFS= read -r -d '' f; do
    [[ -f $f ]] && cp --parents -- "$f" "$stage/root/"
  done

# --- the tools alone, for bzlmod's `chronon` extension, pinned in the rules archive's rules/private/prebuilt.bzl
mkdir -p "$out" "$stage/tools"
cp -p "$stage/root/toolchains/prebuilt/linux_x86_64/"* "$stage/tools/"
pack "$stage/tools" "$out/$tools_name"
tools_sha256=$(sha256sum "$out/$tools_name" | cut -d' ' -f1)
cat >"$stage/root/rules/private/prebuilt.bzl" <<BZL
"""Where bzlmod's \`chronon\` extension fetches the prebuilt tools from (written by tools/release.sh)."""

PREBUILT_TOOLS = {
    "linux_x86_64": {
        "sha256": "$tools_sha256",
        "urls": ["$tools_url"],
    },
}
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
echo "$out/$tools_name (bzlmod's extension fetches it from $tools_url)"
echo "$out/$name"
echo "sha256 $sha256"
echo
echo "WORKSPACE:"
echo
printf '%s\n' "$text"
