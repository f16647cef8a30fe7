#!/usr/bin/env python3
"""The engine JSON compile.py writes for the Python repo of gen_py_repo.py, derived from the spec's rules.

Usage: expected_outputs.py BUILT_PRODUCTION_DIR N_TEAMS GBS_PER_TEAM JOINS_PER_TEAM

An oracle written from ../shared/spec/chronon-compile-spec.md, independent of the C++ compiler: it builds each
object as a dict the way the Python helpers and compile.py do for this shape of repo (fresh single-file compile,
--force-overwrite -y), renders it with json.dumps(indent=2) and no trailing newline (spec section 0), and compares
every file under BUILT_PRODUCTION_DIR byte for byte. Exit 1 with a diff excerpt on the first mismatch.
"""
import difflib
import json
import os
import sys

WINDOWS = (1, 7, 30)
# Operation enum values (spec 1.2): SUM=7, COUNT=6, AVERAGE=8, MAX=1, LAST_K=13; TimeUnit DAYS=1; TEMPORAL=0.
OPERATIONS = (7, 6, 8, 1)
LAST_K, DAYS, TEMPORAL = 13, 1, 0


def dependency(table):
    # utils.wait_for_simple_schema (spec 2.4): name keeps the dots, partition column ds, lag 0, query start/end.
    return json.dumps({"name": f"wait_for_{table}_ds", "spec": f"{table}/ds={{{{ ds }}}}",
                       "start": "2023-01-01", "end": None})


def source(t, s, with_ts):
    # The Python source selects user, item, amount, ts; GroupBy() deletes `ts` (== time_column) from the shared
    # object (spec 2.2 step 3) and Join() appends `"ts": timeColumn` at the end of its copy of an events left (2.3).
    selects = {"user": "user_id", "item": "item_id", "amount": "amount"}
    if with_ts:
        selects["ts"] = "ts"
    return {"events": {"table": f"db_{t}.events_{s}", "topic": f"topic_{t}_{s}",
                       "query": {"selects": selects, "startPartition": "2023-01-01", "timeColumn": "ts",
                                 "setups": []}}}


def group_by(t, g, nested):
    meta = {"name": f"team_{t}.gb_{g}.v1", "online": 1,
            "customJson": json.dumps({"lag": 0, "groupby_tags": None, "column_tags": {}}),
            "dependencies": [dependency(f"db_{t}.events_{g % 5}")]}
    if not nested:
        # compile.py's _set_team_level_metadata: team_<t> has no table_properties -> default's; namespace ns_<t>.
        # A Join's nested GroupBy does not get them in a fresh single-file compile (spec 3.4).
        meta["tableProperties"] = {"source": "chronon"}
        meta["outputNamespace"] = f"ns_{t}"
    meta["team"] = f"team_{t}"
    meta["offlineSchedule"] = "@daily"
    aggregations = [{"inputColumn": "amount", "operation": op, "argMap": {},
                     "windows": [{"length": w, "timeUnit": DAYS} for w in WINDOWS]} for op in OPERATIONS]
    aggregations.append({"inputColumn": "item", "operation": LAST_K, "argMap": {"k": "10"}})
    return {"metaData": meta, "sources": [source(t, g % 5, with_ts=False)], "keyColumns": ["user"],
            "aggregations": aggregations, "accuracy": TEMPORAL}


def join(t, j, n_gb):
    parts = [(j * 5 + k) % n_gb for k in range(min(5, n_gb))]  # each GroupBy at most once
    deps = []
    for d in [dependency(f"db_{t}.events_0")] + [dependency(f"db_{t}.events_{p % 5}") for p in parts]:
        if d not in deps:  # dedupe_in_order, first wins (spec 2.3 step 11)
            deps.append(d)
    meta = {"name": f"team_{t}.join_{j}.v1", "online": 1, "production": 0,
            "customJson": json.dumps({"check_consistency": False, "lag": 0, "join_tags": None,
                                      "join_part_tags": {}}),
            "dependencies": deps, "tableProperties": {"source": "chronon"}, "outputNamespace": f"ns_{t}",
            "team": f"team_{t}", "offlineSchedule": "@daily"}
    return {"metaData": meta, "left": source(t, 0, with_ts=True),
            "joinParts": [{"groupBy": group_by(t, p, nested=True)} for p in parts]}


def expected(n_teams, n_gb, n_j):
    out = {}
    for t in range(n_teams):
        for g in range(n_gb):
            out[f"group_bys/team_{t}/gb_{g}.v1"] = group_by(t, g, nested=False)
        for j in range(n_j):
            out[f"joins/team_{t}/join_{j}.v1"] = join(t, j, n_gb)
    return {path: json.dumps(obj, indent=2) for path, obj in out.items()}


def self_check():
    """A few values written out literally, so the oracle itself is pinned to the spec's text."""
    gb = json.loads(expected(1, 3, 2)["group_bys/team_0/gb_1.v1"])
    assert gb["metaData"]["customJson"] == '{"lag": 0, "groupby_tags": null, "column_tags": {}}'
    assert gb["metaData"]["dependencies"] == [
        '{"name": "wait_for_db_0.events_1_ds", "spec": "db_0.events_1/ds={{ ds }}", "start": "2023-01-01", '
        '"end": null}']
    assert gb["aggregations"][4] == {"inputColumn": "item", "operation": 13, "argMap": {"k": "10"}}
    text = expected(1, 3, 2)["joins/team_0/join_1.v1"]
    assert not text.endswith("\n") and text.startswith('{\n  "metaData": {\n    "name": "team_0.join_1.v1",')
    jn = json.loads(text)
    # parts (5..7) % 3 = 2, 0, 1: left events_0 first, then events_2, events_1; duplicates removed.
    assert [json.loads(d)["name"] for d in jn["metaData"]["dependencies"]] == [
        "wait_for_db_0.events_0_ds", "wait_for_db_0.events_2_ds", "wait_for_db_0.events_1_ds"]
    assert list(jn["left"]["events"]["query"]["selects"]) == ["user", "item", "amount", "ts"]
    assert len(jn["joinParts"]) == 3  # each GroupBy once (duplicate-join-part)
    nested = jn["joinParts"][0]["groupBy"]["metaData"]
    assert list(nested) == ["name", "online", "customJson", "dependencies", "team", "offlineSchedule"]


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    built, n_teams, n_gb, n_j = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    self_check()
    want = expected(n_teams, n_gb, n_j)
    have = sorted(os.path.relpath(os.path.join(d, f), built) for d, _, fs in os.walk(built) for f in fs)
    if have != sorted(want):
        sys.exit(f"FAIL: built files {have} != expected {sorted(want)}")
    for path in sorted(want):
        with open(os.path.join(built, path)) as f:
            got = f.read()
        if got != want[path]:
            diff = difflib.unified_diff(want[path].splitlines(), got.splitlines(), "expected", "built", lineterm="")
            print("\n".join(list(diff)[:30]))
            sys.exit(f"FAIL: {path} differs from what compile.py writes")
    print(f"bench repo: {len(want)}/{len(want)} objects match the spec's rules")


if __name__ == "__main__":
    main(sys.argv)
