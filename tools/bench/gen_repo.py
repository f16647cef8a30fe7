#!/usr/bin/env python3
"""Writes a consumer workspace of Chronon textproto definitions, the same repo as ../shared/bench/gen_py_repo.py.

Usage: gen_repo.py OUT_DIR N_TEAMS GBS_PER_TEAM JOINS_PER_TEAM [--rules=PATH] [--form=textproto|starlark]

For every team `team_<t>` (namespace `ns_<t>`):
  sources/team_<t>:src_<s>           5 event sources (table db_<t>.events_<s>, topic topic_<t>_<s>)
  group_bys/team_<t>:gb_<g>.v1       keys [user]; SUM, COUNT, AVERAGE, MAX of amount over 1, 7, 30 days, then
                                     LAST_K(10) of item; TEMPORAL; online; source src_<g % 5>
  joins/team_<t>:join_<j>.v1         online; left src_0; parts gb_<(5j + k) % GBS_PER_TEAM>.v1 for k in 0..min(5, GBS_PER_TEAM)-1
plus teams.json (the Python generator's, byte for byte) and a root `chronon_production` over everything.

One deliberate difference in how a source is written, not in what it compiles to: the Python sources select
`ts='ts'` and set `time_column='ts'`. Python's GroupBy() deletes the `ts` select from the shared source object (it
equals time_column) before any Join() of the repo deep-copies it as a left, and Join() then appends `ts` again at the
end; without that mutation Join() would fail on the reserved `ts` select. Our sources are immutable data, so the
textproto writes what every Python consumer actually sees: selects user, item, amount and `time_column: "ts"`.

`--form=starlark` writes the same repo in the Starlark form (//chronon:python.bzl, docs/starlark.md), as the Python
repo ported by changing its imports: `sources/team_<t>.bzl` (the 5 sources, declared by chronon_module in
`sources/BUILD` as `//sources:team_<t>.src_<s>`), `group_bys/team_<t>/gb_<g>.bzl` and `joins/team_<t>/join_<j>.bzl`
(`v1 = GroupBy(...)` / `Join(...)`, the comprehensions of gen_py_repo.py) and one chronon_module per module in each
package's BUILD. GroupBys and Joins name their sources and GroupBys by label, as the textproto form does, so both
forms have the same targets (but the sources' names), the same compile actions and the same engine JSON, byte for
byte (tests/integration/bench_starlark_test.sh).
"""
import json
import os
import sys

SOURCES_PER_TEAM = 5
PARTS_PER_JOIN = 5
WINDOWS = (1, 7, 30)
OPERATIONS = ("SUM", "COUNT", "AVERAGE", "MAX")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def teams_json(n_teams):
    # Same dict, same json.dump call as gen_py_repo.py: the bytes are identical.
    teams = {"default": {"table_properties": {"source": "chronon"}, "common_env": {"VERSION": "latest"}}}
    for t in range(n_teams):
        teams[f"team_{t}"] = {"namespace": f"ns_{t}", "description": f"team {t}"}
    return json.dumps(teams, indent=2)


def source_textproto(t, s):
    return f"""# proto-file: chronon/api.proto
# proto-message: chronon.api.Source
events {{
  table: "db_{t}.events_{s}"
  topic: "topic_{t}_{s}"
  query {{
    selects {{ key: "user" value: "user_id" }}
    selects {{ key: "item" value: "item_id" }}
    selects {{ key: "amount" value: "amount" }}
    time_column: "ts"
    start_partition: "2023-01-01"
  }}
}}
"""


def group_by_textproto(t, g):
    lines = [
        "# proto-file: chronon/api.proto",
        "# proto-message: chronon.api.GroupBy",
        f'sources {{ ref: "//sources/team_{t}:src_{g % SOURCES_PER_TEAM}" }}',
        'key_columns: "user"',
    ]
    windows = " ".join(f"windows {{ length: {w} time_unit: DAYS }}" for w in WINDOWS)
    for op in OPERATIONS:
        lines.append(f'aggregations {{ input_column: "amount" operation: {op} {windows} }}')
    lines.append('aggregations { input_column: "item" operation: LAST_K helper { k: 10 } }')
    lines.append("accuracy: TEMPORAL")
    lines.append("meta_data { online: true }")
    return "\n".join(lines) + "\n"


def join_parts(j, n_gb):
    # With fewer GroupBys than parts, each GroupBy once: the same GroupBy twice without a prefix gives duplicate
    # output columns, which the compiler refuses (duplicate-join-part). gen_py_repo.py repeats them, so below 5
    # GroupBys per team the Python twin is not the same repo (compile.py writes Joins the engine would reject).
    return [(j * PARTS_PER_JOIN + k) % n_gb for k in range(min(PARTS_PER_JOIN, n_gb))]


def join_textproto(t, j, n_gb):
    lines = [
        "# proto-file: chronon/api.proto",
        "# proto-message: chronon.api.Join",
        f'left {{ ref: "//sources/team_{t}:src_0" }}',
    ]
    for p in join_parts(j, n_gb):
        lines.append(f'join_parts {{ group_by {{ ref: "//group_bys/team_{t}:gb_{p}.v1" }} }}')
    lines.append("meta_data { online: true }")
    return "\n".join(lines) + "\n"


def source_starlark(t, s):
    return (f"src_{s} = Source(events = EventSource(table = \"db_{t}.events_{s}\", topic = \"topic_{t}_{s}\",\n"
            f"    query = Query(selects = select(user = \"user_id\", item = \"item_id\", amount = \"amount\"),\n"
            f"    time_column = \"ts\", start_partition = \"2023-01-01\")))\n")


def group_by_starlark(t, g):
    return ('load("@rules_chronon//chronon:python.bzl", "GroupBy", "Aggregation", "Operation", "Window", "TimeUnit",'
            ' "Accuracy")\n\n'
            f'v1 = GroupBy(sources = ["//sources:team_{t}.src_{g % SOURCES_PER_TEAM}"], keys = ["user"], online = True,'
            " accuracy = Accuracy.TEMPORAL,\n"
            '  aggregations = [Aggregation(input_column = "amount", operation = op,'
            " windows = [Window(w, TimeUnit.DAYS) for w in (" + ", ".join(str(w) for w in WINDOWS) + ")])"
            " for op in (" + ", ".join(f"Operation.{op}" for op in OPERATIONS) + ")]"
            ' + [Aggregation(input_column = "item", operation = Operation.LAST_K(10))])\n')


def join_starlark(t, j, n_gb):
    parts = ", ".join(f'JoinPart(group_by = "//group_bys/team_{t}:gb_{p}.v1")' for p in join_parts(j, n_gb))
    return ('load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")\n\n'
            f'v1 = Join(left = "//sources:team_{t}.src_0", online = True, right_parts = [{parts}])\n')


def module_build(modules):
    """A BUILD declaring each module's `v1` with chronon_module."""
    lines = ['load("@rules_chronon//chronon:python.bzl", "chronon_module")']
    lines += [f'load(":{m}.bzl", {m}_v1 = "v1")' for m in modules]
    lines += ["", 'package(default_visibility = ["//visibility:public"])', ""]
    lines += [f'chronon_module(name = "{m}", v1 = {m}_v1)' for m in modules]
    return "\n".join(lines) + "\n"


def build_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def generate(out, n_teams, n_gb, n_j, rules, form="textproto"):
    write(os.path.join(out, "WORKSPACE"), f"""workspace(name = "chronon_bench")

local_repository(
    name = "rules_chronon",
    path = "{rules}",
)

load(
    "@rules_chronon//rules:repositories.bzl",
    "rules_chronon_dependencies",
    "rules_chronon_offline_dependencies",
    "rules_chronon_register_toolchains",
)

rules_chronon_offline_dependencies()

rules_chronon_dependencies(compiler = "source")

rules_chronon_register_toolchains(compiler = "source")
""")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", ".bazelrc")) as f:
        write(os.path.join(out, ".bazelrc"), f.read())
    write(os.path.join(out, "teams.json"), teams_json(n_teams))
    everything = []
    if form == "starlark":
        source_modules = []
        for t in range(n_teams):
            team = f"team_{t}"
            write(os.path.join(out, "sources", f"{team}.bzl"),
                  'load("@rules_chronon//chronon:python.bzl", "Source", "EventSource", "Query", "select")\n\n'
                  + "".join(source_starlark(t, s) for s in range(SOURCES_PER_TEAM)))
            source_modules.append(team)
            gbs = [f"gb_{g}" for g in range(n_gb)]
            for g in range(n_gb):
                write(os.path.join(out, "group_bys", team, f"gb_{g}.bzl"), group_by_starlark(t, g))
                everything.append(f"//group_bys/{team}:gb_{g}.v1")
            write(os.path.join(out, "group_bys", team, "BUILD"), module_build(gbs))
            joins = [f"join_{j}" for j in range(n_j)]
            for j in range(n_j):
                write(os.path.join(out, "joins", team, f"join_{j}.bzl"), join_starlark(t, j, n_gb))
                everything.append(f"//joins/{team}:join_{j}.v1")
            if joins:
                write(os.path.join(out, "joins", team, "BUILD"), module_build(joins))
        lines = ['load("@rules_chronon//chronon:python.bzl", "chronon_module")']
        for m in source_modules:
            names = ", ".join(f'{m}_src_{s} = "src_{s}"' for s in range(SOURCES_PER_TEAM))
            lines.append(f'load(":{m}.bzl", {names})')
        lines += ["", 'package(default_visibility = ["//visibility:public"])', ""]
        lines += [f'chronon_module(name = "{m}", '
                  + ", ".join(f"src_{s} = {m}_src_{s}" for s in range(SOURCES_PER_TEAM)) + ")"
                  for m in source_modules]
        write(os.path.join(out, "sources", "BUILD"), "\n".join(lines) + "\n")
    for t in range(n_teams if form == "textproto" else 0):
        team = f"team_{t}"
        build = ['load("@rules_chronon//rules:defs.bzl", "chronon_source")', "",
                 'package(default_visibility = ["//visibility:public"])', ""]
        for s in range(SOURCES_PER_TEAM):
            write(os.path.join(out, "sources", team, f"src_{s}.textproto"), source_textproto(t, s))
            build.append(f'chronon_source(name = "src_{s}")')
        write(os.path.join(out, "sources", team, "BUILD"), "\n".join(build) + "\n")

        build = ['load("@rules_chronon//rules:defs.bzl", "chronon_group_by")', "",
                 'package(default_visibility = ["//visibility:public"])', ""]
        for g in range(n_gb):
            write(os.path.join(out, "group_bys", team, f"gb_{g}.v1.textproto"), group_by_textproto(t, g))
            build.append(f'chronon_group_by(\n    name = "gb_{g}.v1",\n'
                         f'    deps = ["//sources/{team}:src_{g % SOURCES_PER_TEAM}"],\n)\n')
            everything.append(f"//group_bys/{team}:gb_{g}.v1")
        write(os.path.join(out, "group_bys", team, "BUILD"), "\n".join(build))

        build = ['load("@rules_chronon//rules:defs.bzl", "chronon_join")', "",
                 'package(default_visibility = ["//visibility:public"])', ""]
        for j in range(n_j):
            write(os.path.join(out, "joins", team, f"join_{j}.v1.textproto"), join_textproto(t, j, n_gb))
            deps = [f"//sources/{team}:src_0"]
            for p in join_parts(j, n_gb):
                label = f"//group_bys/{team}:gb_{p}.v1"
                if label not in deps:
                    deps.append(label)
            build.append(f'chronon_join(\n    name = "join_{j}.v1",\n    deps = {build_list(deps)},\n)\n')
            everything.append(f"//joins/{team}:join_{j}.v1")
        write(os.path.join(out, "joins", team, "BUILD"), "\n".join(build))

    write(os.path.join(out, "BUILD"), 'load("@rules_chronon//rules:defs.bzl", "chronon_production")\n\n'
          'exports_files(["teams.json"])\n\n'
          "# Every object of the repo; checked in (production/, written by `bazel run //:production.update`).\n"
          "chronon_production(\n    name = \"production\",\n    deps = [\n"
          + "".join(f'        "{label}",\n' for label in everything) + "    ],\n)\n")


def main(argv):
    rules = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    positional = []
    form = "textproto"
    for arg in argv[1:]:
        if arg.startswith("--rules="):
            rules = os.path.abspath(arg[len("--rules="):])
        elif arg.startswith("--form="):
            form = arg[len("--form="):]
            if form not in ("textproto", "starlark"):
                sys.exit("gen_repo.py: --form is textproto or starlark")
        else:
            positional.append(arg)
    if len(positional) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    out, n_teams, n_gb, n_j = positional[0], int(positional[1]), int(positional[2]), int(positional[3])
    if n_teams < 1 or n_gb < 1 or n_j < 0:
        sys.exit("gen_repo.py: need at least 1 team and 1 GroupBy per team")
    generate(out, n_teams, n_gb, n_j, rules, form)


if __name__ == "__main__":
    main(sys.argv)
