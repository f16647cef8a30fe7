#!/usr/bin/env bash
# The bench repo in both forms (tools/bench/gen_repo.py --form=textproto|starlark, 2 teams x 3 GroupBys x 2 Joins):
#  - each form's engine JSON matches what compile.py writes for the Python twin (tests/bench/expected_outputs.py,
#    derived from the spec's rules; bench_repo_test.sh checks the textproto form further);
#  - the two trees are byte-identical, file for file;
#  - both forms run the same number of compile actions (the Starlark form's textproto files are written, not compiled).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

top=$(mktemp -d)
trap 'for f in textproto starlark; do [[ -d $top/$f ]] && (cd "$top/$f" && bazel shutdown 2>/dev/null); done; rm -rf "$top"' EXIT
for form in textproto starlark; do
  python3 "$ROOT/tools/bench/gen_repo.py" "$top/$form" 2 3 2 --rules="$ROOT" --form=$form
  log=$top/$form.log
  bazel_in "$top/$form" build //:production >"$log" 2>&1 || { tail -n 30 "$log"; fail "$form: build failed"; }
  bin=$(cd "$top/$form" && bazel info bazel-bin 2>/dev/null)
  # The Chronon actions again, not from the cache: count them.
  rm -rf "$bin"/{sources,group_bys,joins}
  bazel_in "$top/$form" build --noremote_accept_cached //:production >"$log" 2>&1 ||
    { tail -n 30 "$log"; fail "$form: build failed"; }
  grep -E '^INFO: [0-9]+ process' "$log" | tail -n 1 | grep -oE '[0-9]+ worker' >"$top/$form.actions" ||
    fail "$form: no worker actions in: $(grep processes "$log")"
  manifest_tree "$bin" "$top/$form.tree"
  python3 "$ROOT/tests/bench/expected_outputs.py" "$top/$form.tree" 2 3 2 >/dev/null ||
    fail "$form: the outputs differ from compile.py's (expected_outputs.py above)"
done
diff -r "$top/textproto.tree" "$top/starlark.tree" || fail "the Starlark form's confs differ from the textproto form's"
count=$(find "$top/starlark.tree" -type f | wc -l)
[[ $count -eq 10 ]] || fail "expected 10 confs (6 GroupBys, 4 Joins), got $count"
cmp -s "$top/textproto.actions" "$top/starlark.actions" ||
  fail "compile actions: textproto $(cat "$top/textproto.actions"), Starlark $(cat "$top/starlark.actions")"
echo "bench repo: the Starlark form's $count confs are byte-identical to the textproto form's and to compile.py's;" \
  "$(cat "$top/starlark.actions") actions each"
