#!/usr/bin/env bash
# Issue 26, finding 2: `fix` edits only a `deps` written as a literal list. A variable (`deps = COMMON`), a
# concatenation (`COMMON + [...]`, `[...] + select(...)`) and a select() whose selection does not change are left
# byte for byte as they are, with a note naming the target; a literal list next to them is still fixed. Before, the
# fix added the labels to COMMON's uses (Bazel then fails: "Label '...' is duplicated") and rewrote the selects.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ ! -x $ROOT/node_modules/.bin/buildozer ]]; then
  (cd "$ROOT" && npm ci --silent --no-audit --no-fund >/dev/null)
fi
buildozer=$ROOT/node_modules/.bin/buildozer
bazel_in "$ROOT" build //chronon:chronon_fix >/dev/null 2>&1 || fail "cannot build the fix"
fix=$ROOT/bazel-bin/chronon/fix/chronon_fix
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ws=$tmp/ws
mkdir -p "$ws/joins/team"
touch "$ws/WORKSPACE"
build=$ws/joins/team/BUILD
cat >"$build" <<'BUILD'
COMMON = ["//sources:user_activity"]

chronon_join(
    name = "j1.v1",
    deps = COMMON,
)

chronon_join(
    name = "j2.v1",
    deps = COMMON + [":q.v1"],
)

chronon_join(
    name = "j3.v1",
    deps = select({
        "//conditions:default": ["//sources:user_activity"],
    }),
)

chronon_join(
    name = "j4.v1",
    deps = ["//sources:user_activity"] + select({"//conditions:default": []}),
)

chronon_join(
    name = "j5.v1",
    deps = [":unused.v1"],
)
BUILD
for j in j1 j2 j3 j4 j5; do
  cat >"$ws/joins/team/$j.v1.textproto" <<'TEXT'
left { ref: "//sources:user_activity" }
join_parts {
  group_by { ref: "//group_bys/team:g.v1" }
}
TEXT
done
cp "$build" "$tmp/BUILD.before"

"$fix" --workspace="$ws" --buildozer="$buildozer" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err"; fail "fix failed"; }
cat "$tmp/out"
# Everything above j5 is byte for byte as it was; j5's list holds exactly its refs.
n=$(grep -n 'name = "j5.v1"' "$tmp/BUILD.before" | cut -d: -f1)
diff <(head -n "$((n - 2))" "$tmp/BUILD.before") <(head -n "$((n - 2))" "$build") || fail "the fix changed a deps that is not a literal list"
[[ $(cd "$ws" && "$buildozer" 'print deps' //joins/team:j5.v1) == '[//group_bys/team:g.v1 //sources:user_activity]' ]] ||
  fail "j5's deps: $(cd "$ws" && "$buildozer" 'print deps' //joins/team:j5.v1)"
# No label appears twice in any deps list (Bazel's "Label ... is duplicated").
for j in j1 j2 j3 j4 j5; do
  deps=$(cd "$ws" && "$buildozer" 'print deps' "//joins/team:$j.v1")
  [[ -z $(tr ' ,[]' '\n\n\n\n' <<<"$deps" | grep -v '^$' | sort | uniq -d) ]] || fail "$j has a duplicated label: $deps"
done
for j in j1 j2 j3 j4; do
  grep -q "^note: //joins/team:$j.v1: deps is not a literal list" "$tmp/err" || { cat "$tmp/err"; fail "no note for $j"; }
done
grep -q "^fixed //joins/team:j5.v1: " "$tmp/out" || fail "the literal list of j5 was not fixed"
grep -q "^5 Chronon targets, 1 fixed, 4 left as they are" "$tmp/out" || fail "unexpected summary"
"$fix" --workspace="$ws" --buildozer="$buildozer" --check >"$tmp/check" 2>/dev/null || fail "--check after the fix"
echo "PASS: fix_expressions_test"
