#!/usr/bin/env bash
# docs/cookbook.md (issue 11, part 3): every textproto block of the cookbook is, byte for byte, a file of
# tests/cookbook/ and every file there is shown; the workspace builds; and the table-name recipes agree with the
# compiler: a GroupBy naming a staging query's table by hand compiles to the same source and dependency as one using
# `staging_query:`, and the join-table recipe names the table of the built join.
# The Starlark form of the recipes (tests/starlark_cookbook, //chronon:python.bzl; each .bzl shown in the doc too)
# builds, and each of its definitions compiles to the same engine JSON as the textproto form, byte for byte; only the
# definitions listed in `textproto_only` below have no Starlark form.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ws=$ROOT/tests/cookbook
star=$ROOT/tests/starlark_cookbook
trap '(cd "$ws" && bazel shutdown 2>/dev/null) || true; (cd "$star" && bazel shutdown 2>/dev/null) || true' EXIT

python3 - "$ROOT" <<'PY'
import os, re, sys
root = sys.argv[1]
# docs/helpers.md shows its files the same way (issue 22): a documented form that stops compiling fails the build
# below.
doc, blocks = "", []
for page in ["docs/cookbook.md", "docs/helpers.md"]:
    text_of_page = open(os.path.join(root, page)).read()
    page_blocks = re.findall(r"<!-- file: (\S+) -->\n```\n(.*?)```\n", text_of_page, re.S)
    if text_of_page.count("<!-- file:") != len(page_blocks):
        sys.exit(f"FAIL: a file marker in {page} is not followed by a code block")
    for path, text in page_blocks:
        with open(os.path.join(root, path)) as f:
            if f.read() != text:
                sys.exit(f"FAIL: {page} shows {path} differently from the file")
    doc += text_of_page
    blocks += page_blocks
shown = {path for path, _ in blocks}
files = {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(os.path.join(root, "tests/cookbook"))
         for n in ns if n.endswith(".textproto")}
files |= {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(os.path.join(root, "tests/starlark_cookbook"))
          for n in ns if n.endswith(".bzl")}
if files - shown:
    sys.exit(f"FAIL: not shown in docs/cookbook.md or docs/helpers.md: {sorted(files - shown)}")
print(f"cookbook, helpers: {len(blocks)} blocks identical to their files, every file shown")
PY

bazel_in "$ws" build //... 2>&1 | tail -n 1
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
python3 - "$bin" <<'PY'
import json, re, sys
bin = sys.argv[1]
def conf(kind, name):
    return json.load(open(f"{bin}/{kind}s/cookbook/production/{kind}s/cookbook/{name}"))
# A GroupBy of team partner, embedded as imported by name (the Join's team) and through its module (its own).
def team_of_part(name):
    return json.load(open(f"{bin}/joins/cookbook/production/joins/cookbook/{name}"))["joinParts"][0]["groupBy"]["metaData"]["team"]
if team_of_part("cross_team_by_name.v1") != "cookbook" or team_of_part("cross_team_by_module.v1") != "partner":
    sys.exit("FAIL: the cross-team recipes do not embed the GroupBy with the teams compile.py gives")
by_ref, by_hand = conf("group_by", "from_sq.v1"), conf("group_by", "from_sq_table.v1")
if by_ref["sources"] != by_hand["sources"] or by_ref["metaData"]["dependencies"] != by_hand["metaData"]["dependencies"]:
    sys.exit("FAIL: the staging query's table written by hand differs from staging_query:")
parent = conf("join", "parent.v1")["metaData"]
table = parent["outputNamespace"] + "." + re.sub(r"[^a-zA-Z0-9_]", "_", parent["name"])
got = conf("group_by", "from_join_table.v1")["sources"][0]["entities"]["snapshotTable"]
if got != table:
    sys.exit(f"FAIL: the join table recipe reads {got}, the join writes {table}")
print(f"cookbook: table-name recipes agree with the compiler ({table})")
sql = json.load(open(f"{bin}/staging_queries/cookbook/production/staging_queries/cookbook/tabs_sq.v1"))["query"]
if sql != "\nSELECT user_id,\tspend   \nFROM payments.daily\n":
    sys.exit(f"FAIL: the SQL recipe compiles to {sql!r}")
print("cookbook: the SQL recipe keeps tabs and trailing spaces")
PY
echo "cookbook: every recipe builds"

# The Starlark form: every definition of the textproto form but those below, byte-identical.
# helpers.v1 (group_bys and joins): docs/helpers.md's field reference, not a recipe.
textproto_only="group_bys/cookbook/production/group_bys/cookbook/helpers.v1
joins/cookbook/production/joins/cookbook/helpers.v1"
bazel_in "$star" build //... 2>&1 | tail -n 1
star_bin=$(cd "$star" && bazel info bazel-bin 2>/dev/null)
same=0
while IFS= read -r rel; do
  grep -qxF "$rel" <<<"$textproto_only" && continue
  [[ -f $star_bin/$rel ]] || fail "the Starlark cookbook did not build $rel"
  cmp "$bin/$rel" "$star_bin/$rel" || fail "the Starlark form of $rel compiles differently from the textproto form"
  same=$((same + 1))
done < <(cd "$bin" && find . -path '*/production/*' \( -type f -o -type l \) | sed 's#^\./##' | sort)
((same >= 20)) || fail "only $same Starlark recipes compared"
echo "cookbook: $same Starlark recipes compile to the same engine JSON as their textproto form"
