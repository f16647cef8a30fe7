#!/usr/bin/env bash
# The Starlark form of Chronon's Python API (//chronon:python.bzl, docs/starlark.md):
# 1. tests/starlark_seed (the seed example's Python, ported by changing its imports) builds byte-identical to
#    compile.py's goldens (tests/goldens/seed/expected), and its generated textproto reads as written (enum names).
#    tests/starlark_sample (all 49 of tests/sample's goldens, from Chronon's sample Python) likewise.
# 2. Each tests/starlark_errors/cases/<case> fails to load with its message (expected.txt, one substring a line),
#    naming the user's file and the line marked `# <- error`.
# 3. Each tests/starlark_errors/compile/<case> loads but the compiler rejects it: its message names the object, the
#    module .bzl and the BUILD call.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seed=$ROOT/tests/starlark_seed
bazel_in "$seed" build //... 2>&1 | tail -n 3
bin=$(cd "$seed" && bazel info bazel-bin 2>/dev/null)
count=0
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  built="$bin/production/$rel"
  [[ -f $built ]] || fail "$rel was not built"
  if ! cmp "$GOLDENS/seed/expected/$rel" "$built"; then
    diff <(cat "$GOLDENS/seed/expected/$rel"; echo) <(cat "$built"; echo) | head -n 20
    fail "$rel (Starlark) differs from compile.py's output"
  fi
  count=$((count + 1))
done
echo "starlark seed: $count/2 identical to compile.py's output"
generated=$bin/group_bys/example_team/example_group_by.v0.generated.textproto
# The compile actions read the value itself: the textproto is written only when its output group is asked for
# (removed first: an earlier build in this workspace may have asked for it).
rm -f "$generated"
bazel_in "$seed" build //... 2>&1 | tail -n 1
[[ ! -e $generated ]] || fail "a plain build wrote the generated textproto (output group chronon_textproto is on demand)"
bazel_in "$seed" build --output_groups=chronon_textproto //group_bys/... 2>&1 | tail -n 1
[[ -f $generated ]] || fail "--output_groups=chronon_textproto did not write $generated"
grep -q '^  operation: LAST_K$' "$generated" || fail "the generated textproto does not name the enum LAST_K"
grep -q '^# Written by chronon_module(name = "example_group_by", v0 = ...)' "$generated" ||
  fail "the generated textproto has no header naming its origin"
# deps were derived, not written: the join's target depends on the GroupBy it names by label.
deps=$(cd "$seed" && bazel query 'deps(//joins/example_team:example_join.v1, 1)' 2>/dev/null)
grep -qx '//group_bys/example_team:example_group_by.v0' <<<"$deps" || fail "the join's deps lack the GroupBy it names"
echo "starlark seed: generated textproto has enum names and a header; deps derived"
(cd "$seed" && bazel shutdown 2>/dev/null) || true

# Non-ASCII text in a Starlark value: the compile action gets the generated text in its arguments (a param file, or
# a worker request), not in a file. A select expression of the seed's source gets ` -- café ☕😀`: the generated
# textproto must hold those UTF-8 bytes, and the GroupBy and the Join (which embed the source) must be compile.py's
# goldens with the same text appended, escaped as compile.py's writer does (ensure_ascii: \u00e9, surrogate pairs).
utf8=$(mktemp -d)
cp -r "$seed"/{WORKSPACE,BUILD,teams.json,group_bys,joins,sources} "$utf8/"
sed -i "s|path = \"../..\"|path = \"$ROOT\"|" "$utf8/WORKSPACE"
cp "$utf8/sources/test_sources.bzl" "$utf8/test_sources.bzl.orig"
# Twice: through the persistent worker (a WorkRequest), and as a plain process reading its param file; the
# strategy's name ends the text, so that the second build's actions run too (the compiler itself stays cached).
for strategy in worker local; do
  sed "s|has_availability = 1|has_availability = 1 -- café ☕😀 $strategy|" "$utf8/test_sources.bzl.orig" \
    >"$utf8/sources/test_sources.bzl"
  grep -q 'café' "$utf8/sources/test_sources.bzl" || fail "the non-ASCII edit did not apply"
  bazel_in "$utf8" build --strategy=ChrononCompile=$strategy --strategy=ChrononTextproto=$strategy \
    --output_groups=+chronon_textproto //... >"$utf8.log" 2>&1 ||
    { cat "$utf8.log"; fail "the seed with non-ASCII text did not build ($strategy)"; }
  utf8_bin=$(cd "$utf8" && bazel info bazel-bin 2>/dev/null)
  grep -qF "has_availability = 1 -- café ☕😀 $strategy" \
    "$utf8_bin/group_bys/example_team/example_group_by.v0.generated.textproto" ||
    fail "the generated textproto does not hold the non-ASCII text as written ($strategy)"
  for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
    expected=$(sed "s|has_availability = 1|has_availability = 1 -- caf\\\\u00e9 \\\\u2615\\\\ud83d\\\\ude00 $strategy|" \
      "$GOLDENS/seed/expected/$rel")
    [[ $expected != "$(cat "$GOLDENS/seed/expected/$rel")" ]] || fail "$rel: the golden has no 'has_availability = 1'"
    [[ $(cat "$utf8_bin/production/$rel") == "$expected" ]] ||
      { diff <(echo "$expected") "$utf8_bin/production/$rel" | head; fail "$rel with non-ASCII text differs ($strategy)"; }
  done
done
echo "starlark seed: non-ASCII text reaches the generated textproto and the confs as compile.py writes it"

# The `text` attribute (a textproto written by the user's own macro) takes the same path as a value: the compile reads
# it from its arguments, output group chronon_textproto writes it byte for byte, and an error ends with that command.
cp "$ROOT/examples/sources/user_activity.textproto" "$utf8/sources/"
{
  echo 'load("@rules_chronon//rules:defs.bzl", "chronon_source")'
  echo 'chronon_source(name = "user_activity")'
  python3 - "$utf8/sources/user_activity.textproto" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read() + '# caf\u00e9 \\ "quoted"\r\n'
print("chronon_source(name = \"from_text\", text = %r)" % text)
print("chronon_source(name = \"broken_text\", text = %r, tags = [\"manual\"])" % (text + "bogus_field: 1\n"))
open(sys.argv[1] + ".expected", "w", encoding="utf-8", newline="").write(text)
PY
} >>"$utf8/sources/BUILD"
bazel_in "$utf8" build --output_groups=+chronon_textproto //sources:from_text //sources:user_activity >"$utf8.log" 2>&1 ||
  { cat "$utf8.log"; fail "chronon_source(text = ...) did not build"; }
cmp "$utf8/sources/user_activity.textproto.expected" "$utf8_bin/sources/from_text.generated.textproto" ||
  fail "output group chronon_textproto did not write the text attribute byte for byte"
cmp <(sed 's/"label": *"[^"]*"//' "$utf8_bin/sources/from_text.chronon.json") \
  <(sed 's/"label": *"[^"]*"//' "$utf8_bin/sources/user_activity.chronon.json") >/dev/null ||
  { diff "$utf8_bin/sources/from_text.chronon.json" "$utf8_bin/sources/user_activity.chronon.json" | head;
    fail "a source from its text differs from the same source from its file"; }
if bazel_in "$utf8" build //sources:broken_text >"$utf8.log" 2>&1; then fail "a broken text attribute built"; fi
grep -qE '^bazel-out/[^ ]*/bin/sources/broken_text\.generated\.textproto:[0-9]+:[0-9]+: error: ' "$utf8.log" ||
  { cat "$utf8.log"; fail "the broken text's error does not name its generated textproto"; }
grep -qxF '  the file: bazel build --output_groups=chronon_textproto //sources:broken_text writes bazel-bin/sources/broken_text.generated.textproto' \
  "$utf8.log" || { cat "$utf8.log"; fail "the broken text's error does not say how to write its file"; }
echo "starlark seed: a text attribute compiles as its file does, and chronon_textproto writes it byte for byte"
(cd "$utf8" && bazel shutdown 2>/dev/null) || true
rm -rf "$utf8" "$utf8.log"

# tests/starlark_sample: all of tests/sample, written in Starlark from Chronon's sample Python (thrift ttypes and
# MetaData, a staging query's and a GroupBy's table names, tags, APPROX_PERCENTILE(k=), **kwargs, derivations built
# by comprehensions, external and contextual parts, label parts with inline GroupBys, bootstrap parts, a JoinSource
# chained on a Join of the same module, raw ttypes.Aggregation, a value re-exported from another module, ...): every
# one of compile.py's 49 sample goldens must be built, byte-identical.
sample=$ROOT/tests/starlark_sample
bazel_in "$sample" build //... 2>&1 | tail -n 3
bin=$(cd "$sample" && bazel info bazel-bin 2>/dev/null)
compare_goldens "starlark sample" "$GOLDENS/sample/expected" "$bin/production" 49
# A source shared as a chronon_source target and named by label: a ref, and a derived dep.
deps=$(cd "$sample" && bazel query 'deps(//group_bys/sample_team:entity_sample_group_by_from_module.v1, 1)' 2>/dev/null)
grep -qx '//sources:test_sources.entity_source' <<<"$deps" || fail "the GroupBy's deps lack the source it names"
(cd "$sample" && bazel shutdown 2>/dev/null) || true

errors=$ROOT/tests/starlark_errors
cases=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for dir in "$errors"/cases/*/; do
  name=$(basename "$dir")
  marked=$(grep -l -- '# <- error' "$dir"/*.bzl "$dir"/BUILD | head -n 1)
  [[ -n $marked ]] || fail "$name: no line is marked '# <- error'"
  line=$(grep -n -- '# <- error' "$marked" | head -n 1 | cut -d: -f1)
  if bazel_in "$errors" query "//cases/$name:all" >"$log" 2>&1; then
    fail "$name: loaded without an error"
  fi
  grep -qF "cases/$name/$(basename "$marked")\", line $line," "$log" ||
    { cat "$log"; fail "$name: the error does not name $(basename "$marked") line $line"; }
  while IFS= read -r expected; do
    [[ -z $expected ]] && continue
    grep -qF -- "$expected" "$log" || { cat "$log"; fail "$name: the error lacks: $expected"; }
  done <"$dir/expected.txt"
  cases=$((cases + 1))
done
[[ $cases -ge 10 ]] || fail "only $cases error cases ran"
echo "starlark errors: $cases/$cases fail at the user's line with their message"

# Each tests/starlark_errors/compile/<case> loads, and the compiler rejects the definition it generates: the message
# must name the generated file's line, the target (the object), and the value, its module .bzl and the BUILD call
# that wrote it (expected.txt: lines the output must contain, whole). Its last line gives the command that writes
# the file it names: that command must succeed and write it, with the line the error points at.
compiled=0
for dir in "$errors"/compile/*/; do
  name=$(basename "$dir")
  if bazel_in "$errors" build "//compile/$name/..." >"$log" 2>&1; then
    fail "compile/$name: built without an error"
  fi
  while IFS= read -r expected; do
    [[ -z $expected ]] && continue
    grep -qF -- "$expected" "$log" || { cat "$log"; fail "compile/$name: the compiler's message lacks: $expected"; }
  done <"$dir/expected.txt"
  note=$(grep -E '^  the file: bazel build --output_groups=chronon_textproto //[^ ]+ writes bazel-bin/[^ ]+$' "$log" |
    head -n 1) || { cat "$log"; fail "compile/$name: no line saying how to write the generated file"; }
  read -r _ _ _ _ groups target _ file <<<"$note"
  bazel_in "$errors" build "$groups" "$target" >"$log.write" 2>&1 ||
    { cat "$log.write"; fail "compile/$name: '$note' did not build"; }
  at=$(grep -oE "generated\.textproto:[0-9]+:[0-9]+: error" "$log" | head -n 1 | cut -d: -f2)
  [[ -f $errors/$file ]] || fail "compile/$name: '$note' did not write $file"
  lines=$(wc -l <"$errors/$file")
  [[ -n $at && $lines -ge $at ]] || fail "compile/$name: $file has $lines lines, the error names line $at"
  rm -f "$log.write"
  compiled=$((compiled + 1))
done
(cd "$errors" && bazel shutdown 2>/dev/null) || true
[[ $compiled -ge 1 ]] || fail "no compile error case ran"
echo "starlark compile errors: $compiled/$compiled name the object, the module .bzl and the BUILD call"
