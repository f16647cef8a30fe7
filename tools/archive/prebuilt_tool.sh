#!/usr/bin/env bash
# `bazel run @rules_chronon//tools:import|fix` in a consumer of the release archive (tools/BUILD there, written from
# tools/archive/BUILD.tools): runs this machine's prebuilt chronon_import or chronon_fix, and gives fix the buildozer
# the archive carries.
set -euo pipefail
tool=$1
shift
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) platform=linux_x86_64 ;;
  Linux/aarch64 | Linux/arm64) platform=linux_aarch64 ;;
  *) platform="$(uname -s) $(uname -m)" ;;
esac
for dir in "${RUNFILES_DIR:-}" "$0.runfiles" "${0%/*}/../.."; do
  [[ -n $dir && -x $dir/rules_chronon/tools/prebuilt/$platform/$tool ]] || continue
  bin=$dir/rules_chronon/tools/prebuilt/$platform
  [[ $tool == chronon_fix && -z ${BUILDOZER:-} ]] && export BUILDOZER=$bin/buildozer
  exec "$bin/$tool" "$@"
done
echo "rules_chronon: the release archive has no prebuilt $tool for $platform (prebuilt: linux_x86_64). From a" \
  "checkout of rules_chronon, \`bazel run //tools:${tool#chronon_}\` builds it from source (docs/install.md)." >&2
exit 1
