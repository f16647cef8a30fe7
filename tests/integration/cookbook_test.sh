#!/usr/bin/env bash
# docs/cookbook.md (issue 11, part 3): every textproto block of the cookbook is, byte for byte, a file of
# tests/cookbook/ and every file there is shown; the workspace builds; and the table-name recipes agree with the
# compiler: a GroupBy naming a staging query's table by hand compiles to the same source and dependency as one using
# `staging_query:`, and the join-table recipe names the table of the built join.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ws=$ROOT/tests/cookbook
trap '(cd "$ws" && bazel shutdown 2>/dev/null) || true' EXIT

python3 - "$ROOT" <<'PY'
import os, re, sys
root = sys.argv[1]
doc = open(os.path.join(root, "docs/cookbook.md")).read()
blocks = re.findall(r"<!-- file: (\S+) -->\n```\n(.*?)```\n", doc, re.S)
shown = set()
for path, text in blocks:
    with open(os.path.join(root, path)) as f:
        if f.read() != text:
            sys.exit(f"FAIL: docs/cookbook.md shows {path} differently from the file")
    shown.add(path)
files = {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(os.path.join(root, "tests/cookbook"))
         for n in ns if n.endswith(".textproto")}
if files - shown:
    sys.exit(f"FAIL: not shown in docs/cookbook.md: {sorted(files - shown)}")
if doc.count("<!-- file:") != len(blocks):
    sys.exit("FAIL: a file marker in docs/cookbook.md is not followed by a code block")
print(f"cookbook: {len(blocks)} blocks identical to their files, every file shown")
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
PY
echo "cookbook: every recipe builds"
