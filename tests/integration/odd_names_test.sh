#!/usr/bin/env bash
# Odd target names, in a copy of examples/ (issue 17). Every name Bazel 4.2.3 accepts either works end to end or
# fails when its BUILD file loads, with rules/private/names.bzl's message, and never reaches a shell:
#  (a) names with `-`, `_`, digits and extra dots, in target names and a sub-package, build, print their columns with
#      `bazel run :<name>.columns`, are written by `bazel run //:production.update` (the bytes bazel-bin has) and
#      pass `bazel test //:production_test`;
#  (b) every other character Bazel accepts in a target name (quotes, `$`, space, backtick, `;`, `\`, `*`, `%`, `+`,
#      `@`, `=`, `,`, `/`, non-ASCII letters), and some in a package path, fail at load time with that message;
#      a 240-character name fails at load time with the length limit;
#  (c) a name built to run a command through the `.columns` launcher (which wrote `exec cat '<path>'` unquoted) is
#      refused at load time, and a `.columns` launcher whose name holds the same payload and every quoting
#      character (the private rule, without the load-time check) prints its columns: nothing is ever executed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scratch_workspace "$ROOT/examples" # sets $tmp and $ws
GB_TEXTPROTO=$ws/group_bys/example_team/example_group_by.v0.textproto
MESSAGE='The name and package path of a Chronon target may contain only ASCII letters, digits, `_`, `-` and `.`.'
marker=$tmp/launcher_ran_a_command
export ODD_NAMES_MARKER=$marker

# starlark_string TEXT: TEXT as a Starlark string literal.
starlark_string() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

# group_by_package DIR NAME...: a BUILD file in $ws/DIR with one chronon_group_by per NAME (a copy of the example's
# definition each).
group_by_package() {
  local dir=$ws/$1 name
  shift
  mkdir -p "$dir"
  echo 'load("@rules_chronon//rules:defs.bzl", "chronon_group_by")' >"$dir/BUILD"
  for name in "$@"; do
    cp "$GB_TEXTPROTO" "$dir/$name.textproto" 2>/dev/null || true # a `/` in NAME: no file needed, loading fails
    printf 'chronon_group_by(name = %s, deps = ["//sources:user_activity"], visibility = ["//visibility:public"])\n' \
      "$(starlark_string "$name")" >>"$dir/BUILD"
  done
}

echo "--- (a) names that work: -, _, digits, dots, in target names and a sub-package"
group_by_package group_bys/example_team/odd "odd-name_2.v1"
group_by_package group_bys/example_team/sub-team_2 "a-b.c_3.v2"
mkdir -p "$ws/joins/example_team/odd-joins"
sed 's|//group_bys/example_team:example_group_by.v0|//group_bys/example_team/odd:odd-name_2.v1|' \
  "$ws/joins/example_team/example_join.v1.textproto" >"$ws/joins/example_team/odd-joins/odd-join.v1.textproto"
cat >"$ws/joins/example_team/odd-joins/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_join")

chronon_join(
    name = "odd-join.v1",
    deps = [
        "//group_bys/example_team/odd:odd-name_2.v1",
        "//sources:website__views",
    ],
    visibility = ["//visibility:public"],
)
EOF
sed -i 's|"//joins/example_team:example_join.v1",|&\n        "//joins/example_team/odd-joins:odd-join.v1",\n        "//group_bys/example_team/sub-team_2:a-b.c_3.v2",|' \
  "$ws/BUILD"
grep -q "odd-join.v1" "$ws/BUILD" || fail "could not add the odd targets to the production deps"

bazel_in "$ws" build //... >"$tmp/build.out" 2>&1 || { cat "$tmp/build.out" >&2; fail "bazel build //... failed"; }

GB=group_bys/example_team/odd.odd-name_2.v1
SUB=group_bys/example_team/sub-team_2.a-b.c_3.v2
J=joins/example_team/odd-joins.odd-join.v1
for rel in $GB $SUB $J; do
  [[ -f $ws/bazel-bin/production/$rel ]] || fail "bazel-bin/production/$rel was not built"
done
grep -qF '"name": "example_team.odd.odd-name_2.v1"' "$ws/bazel-bin/production/$GB" ||
  fail "$GB: metaData.name is not example_team.odd.odd-name_2.v1"

# columns LABEL NAME: `bazel run LABEL` into $tmp/NAME.columns, checked against the listing `bazel build` wrote.
columns() {
  local label=$1 out=$tmp/$2.columns pkg=${1#//} listing
  listing=$ws/bazel-bin/${pkg%%:*}/${1##*:}.txt
  bazel_in "$ws" run "$label" >"$out" 2>"$tmp/$2.columns.err" || {
    cat "$tmp/$2.columns.err" >&2
    fail "bazel run $label failed"
  }
  [[ -s $out ]] || fail "bazel run $label printed nothing"
  cmp -s "$out" "$listing" || fail "bazel run $label printed something other than its listing $listing"
}
columns "//group_bys/example_team/odd:odd-name_2.v1.columns" gb
grep -qx $'key\tuser' "$tmp/gb.columns" || fail "gb columns lack the key: $(cat "$tmp/gb.columns")"
grep -qx $'feature\tuser_active_1_day_last' "$tmp/gb.columns" || fail "gb columns lack user_active_1_day_last"
columns "//joins/example_team/odd-joins:odd-join.v1.columns" join
# Join part columns: compile.py prefixes the GroupBy's name with its dots replaced, `-` kept.
grep -qx $'join_part\texample_team_odd_odd-name_2_v1_user_active_1_day_last' "$tmp/join.columns" ||
  fail "join columns lack example_team_odd_odd-name_2_v1_user_active_1_day_last: $(cat "$tmp/join.columns")"
# The launcher finds its listing from its own path, so it also works run directly (not only under `bazel run`).
(cd "$ws" && "bazel-bin/group_bys/example_team/odd/odd-name_2.v1.columns.sh") >"$tmp/direct.columns" ||
  fail "the .columns launcher failed when run directly"
cmp -s "$tmp/direct.columns" "$tmp/gb.columns" || fail "the .columns launcher run directly printed other columns"
echo "built; bazel run :<name>.columns prints the columns (also run directly)"

bazel_in "$ws" run //:production.update >"$tmp/update.out" 2>&1 || {
  cat "$tmp/update.out" >&2
  fail "bazel run //:production.update failed"
}
for rel in $GB $SUB $J; do
  [[ -f $ws/production/$rel ]] || { cat "$tmp/update.out" >&2; fail "production/$rel was not written"; }
  cmp -s "$ws/production/$rel" "$ws/bazel-bin/production/$rel" || fail "production/$rel differs from bazel-bin's"
done
bazel_in "$ws" test //:production_test >"$tmp/test.out" 2>&1 || {
  cat "$tmp/test.out" >&2
  fail "production_test fails after the update"
}
echo "production.update wrote $GB, $SUB and $J as built; production_test passes"

echo "--- (b) every other character Bazel accepts: refused at load time, with the rule"
# key, character, how the message describes it
cases=(
  "squote|'|a single quote"
  "dquote|\"|a double quote (\`\"\`)"
  "dollar|\$|\`\$\`"
  "space| |a space"
  "backtick|\`|a backtick"
  "semicolon|;|\`;\`"
  "backslash|\\|a backslash"
  "star|*|\`*\`"
  "percent|%|\`%\`"
  "plus|+|\`+\`"
  "at|@|\`@\`"
  "equals|=|\`=\`"
  "comma|,|\`,\`"
  "slash|/|\`/\`"
  "parens|(|\`(\`"
  "eacute|é|non-ASCII characters (\`é\`)"
  "uuml|ü|non-ASCII characters (\`ü\`)"
  "cjk|中文|non-ASCII characters (\`中文\`)"
)
for case in "${cases[@]}"; do
  IFS='|' read -r key char _ <<<"$case"
  group_by_package "group_bys/example_team/rejected/$key" "x${char}y.v1"
done
# A name too long for the file names Bazel derives from it (240 characters failed with "failed to delete output
# files"): refused with the length limit.
long_name=$(printf 'x%.0s' {1..237}).v1
group_by_package "group_bys/example_team/rejected/long" "$long_name"
# Each part within the limit, but the Chronon file name under production/ (sub-folders and name joined) beyond it:
# refused when the target is analyzed.
long_dir=$(printf 'd%.0s' {1..150})
group_by_package "group_bys/example_team/rejected/$long_dir" "$(printf 'n%.0s' {1..60}).v1"
# Package path components become the team and sub-folders of the Chronon name (Bazel itself refuses non-ASCII ones
# and `\`, and `//...` skips them).
group_by_package "group_bys/example_team/rejected/sub dir" "g.v1"
group_by_package "group_bys/example_team/rejected/sub'dir" "g.v1"
group_by_package 'group_bys/example_team/rejected/sub$dir' "g.v1"
# A textproto or team config with a non-ASCII name could not be read by the compile action either.
mkdir -p "$ws/group_bys/example_team/rejected/src"
cat >"$ws/group_bys/example_team/rejected/src/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_group_by")

chronon_group_by(name = "g.v1", src = "gé.textproto")
EOF
# The other macros check the same way.
mkdir -p "$ws/joins/example_team/rejected" "$ws/staging_queries/example_team/rejected" "$ws/sources/rejected"
cat >"$ws/joins/example_team/rejected/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_join")

chronon_join(name = "j'oin.v1")
EOF
cat >"$ws/staging_queries/example_team/rejected/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_staging_query")

chronon_staging_query(name = "s q.v1")
EOF
cat >"$ws/sources/rejected/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_source")

chronon_source(name = "sou$rce")
EOF
mkdir -p "$ws/sources/rejected/production"
cat >"$ws/sources/rejected/production/BUILD" <<'EOF'
load("@rules_chronon//rules:defs.bzl", "chronon_production")

chronon_production(
    name = "prod",
    dir = "my production",
    deps = [],
)
EOF

status=0
bazel_in "$ws" build --keep_going //group_bys/example_team/rejected/... //joins/example_team/rejected/... \
  //staging_queries/example_team/rejected/... //sources/rejected/... >"$tmp/rejected.out" 2>&1 || status=$?
[[ $status -ne 0 ]] || fail "the targets with rejected names built"
# expect_refused TEXT [RULE]: the build output has a line with TEXT (the macro, the target and its problem) and
# RULE (default: the rule for names).
expect_refused() {
  grep -aF -- "$1" "$tmp/rejected.out" | grep -aqF -- "${2:-$MESSAGE}" || {
    cat "$tmp/rejected.out" >&2
    fail "no load-time error with the rule: $1"
  }
}
for case in "${cases[@]}"; do
  IFS='|' read -r key char description <<<"$case"
  expect_refused "chronon_group_by //group_bys/example_team/rejected/$key:x${char}y.v1: its name contains $description"
done
expect_refused "chronon_group_by //group_bys/example_team/rejected/long:${long_name:0:60}...: its name is 240 characters long" \
  "may have at most 200 characters"
expect_refused "its Chronon file name production/group_bys/example_team/rejected.${long_dir:0:31}... (the sub-folders" \
  "may have at most 200 characters"
for dir in "sub dir" "sub'dir" 'sub$dir'; do
  expect_refused "chronon_group_by //group_bys/example_team/rejected/$dir:g.v1: its package path component \"$dir\""
done
expect_refused "chronon_group_by //group_bys/example_team/rejected/src:g.v1: its \`src\` (gé.textproto) contains non-ASCII characters (\`é\`)" \
  "The files a Chronon target reads need ASCII names."
expect_refused "chronon_join //joins/example_team/rejected:j'oin.v1: its name contains a single quote (\`'\`)"
expect_refused "chronon_staging_query //staging_queries/example_team/rejected:s q.v1: its name contains a space"
expect_refused "chronon_source //sources/rejected:sou\$rce: its name contains \`\$\`"
expect_refused "chronon_production //sources/rejected/production:prod: its \`dir\` component \"my production\" contains a space"
# Nothing got as far as an action, a runfiles tree or a shell.
if grep -aE "Compiling Chronon|build-runfiles|IOException|unexpected EOF|syntax error|command not found" \
  "$tmp/rejected.out"; then
  fail "a rejected name got past loading"
fi
echo "${#cases[@]} characters in target names, 3 in package paths, and the other macros: refused at load time"

echo "--- (c) launcher injection"
payload="x'\$(touch\${IFS}\$ODD_NAMES_MARKER)'y.v1"
group_by_package group_bys/example_team/injection "$payload"
status=0
bazel_in "$ws" run "//group_bys/example_team/injection:$payload.columns" >"$tmp/injection.out" 2>&1 || status=$?
[[ $status -ne 0 ]] || fail "bazel run of an injection name succeeded"
[[ ! -e $marker ]] || fail "the injection name ran a command"
grep -aqF "its name contains a single quote" "$tmp/injection.out" || {
  cat "$tmp/injection.out" >&2
  fail "the injection name was not refused at load time"
}
rm -rf "$ws/group_bys/example_team/injection"

# The launcher's own quoting, without the load-time check: the private rule, named with the payload and every
# character a shell treats specially.
mkdir -p "$ws/quoting"
launchers=("$payload" "a\"b" "a\$HOME" "a\`id\`" "a;id" "a*" "a%b" "a+b" "a@b" "a=b" "a,b" "a\$(id)" "-n" "a&b|c")
{
  echo 'load("@rules_chronon//rules/private:columns.bzl", "chronon_columns")'
  for name in "${launchers[@]}"; do
    printf 'chronon_columns(name = %s, conf = "//group_bys/example_team:example_group_by.v0")\n' \
      "$(starlark_string "$name.columns")"
  done
} >"$ws/quoting/BUILD"
expected=$ws/bazel-bin/group_bys/example_team/example_group_by.v0.columns.txt
bazel_in "$ws" build //group_bys/example_team:example_group_by.v0.columns >/dev/null 2>&1 ||
  fail "could not build the example's columns"
for name in "${launchers[@]}"; do
  status=0
  bazel_in "$ws" run "//quoting:$name.columns" >"$tmp/quoting.out" 2>"$tmp/quoting.err" || status=$?
  [[ ! -e $marker ]] || fail "the .columns launcher named $name.columns ran a command from its name"
  [[ $status -eq 0 ]] || { cat "$tmp/quoting.err" >&2; fail "bazel run of the launcher named $name.columns failed"; }
  cmp -s "$tmp/quoting.out" "$expected" || fail "the launcher named $name.columns printed: $(cat "$tmp/quoting.out")"
done
echo "refused at load time; ${#launchers[@]} launchers with quoting characters in their names print their columns;" \
  "no command ran"
