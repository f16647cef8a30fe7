#!/usr/bin/env bash
# Issue 26, finding 10: a filesystem mounted inside production/. The update renames every file into place from
# production/.chronon_staging, and rename(2) cannot cross filesystems: before, it failed half-way (EXDEV) and left a
# mixed tree. Now it refuses before writing anything, naming the directory, and the tree is byte for byte as it was.
# Needs mount(2) (root, as CI runs); where it is not permitted the test says NOT RUN.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bazel_in "$ROOT" build //chronon:chronon_conf_tool >/dev/null 2>&1 || fail "cannot build the conf tool"
tool=$ROOT/bazel-bin/chronon/conf_tool/chronon_conf_tool
tmp=$(mktemp -d)
ws=$tmp/ws
mnt=$ws/production/joins/team_b
cleanup() { mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$ws/production/joins/team_a" "$mnt" "$tmp/built"
if ! mount -t tmpfs none "$mnt" 2>/dev/null; then
  echo "NOT RUN: update_mount_test (mount is not permitted here)"
  exit 0
fi
for t in team_a team_b; do
  printf '{\n  "metaData": {\n    "name": "%s.j.v1"\n  }\n}\n' "$t" >"$tmp/built/$t.json"
  printf 'joins/%s/j.v1\t%s\n' "$t" "$tmp/built/$t.json" >>"$tmp/manifest"
  echo '{"old": 1}' >"$ws/production/joins/$t/j.v1"
done
before=$(cd "$ws" && find production -type f | sort | xargs md5sum)
set +e
BUILD_WORKSPACE_DIRECTORY=$ws "$tool" update --manifest="$tmp/manifest" --dir=production --owner=//:production \
  --update_target=//:production.update >"$tmp/out" 2>"$tmp/err"
code=$?
set -e
cat "$tmp/err"
[[ $code == 1 ]] || fail "expected exit 1, got $code"
grep -q '^production/joins/team_b: error: is on another filesystem' "$tmp/err" || fail "no message naming the mount"
grep -q '^Nothing was written.$' "$tmp/err" || fail "no 'Nothing was written.'"
[[ $(cd "$ws" && find production -type f | sort | xargs md5sum) == "$before" ]] || fail "the tree changed"
[[ ! -e $ws/production/.chronon_staging ]] || fail "staging directory left behind"
echo "PASS: update_mount_test"
