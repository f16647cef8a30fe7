#!/usr/bin/env python3
"""Writes a workspace with one package of N rich GroupBys twice: as textproto and as Starlark (//chronon:python.bzl).

Usage: gen_starlark_load.py OUT_DIR [N] [--rules=PATH]

  group_bys/tp/      N chronon_group_by targets, each its own `gb.v<i>.textproto` (the hand-written form)
  group_bys/star/    gb.bzl with N GroupBy(...) values (windows and operations as comprehensions, as a Chronon
                     engineer writes them) and a BUILD calling chronon_module(name = "gb", v0 = v0, ...)

Each GroupBy: 2 event sources inline, keys [user, item], SUM/COUNT/AVERAGE/MAX of 3 columns over 1, 7, 30, 90
days (12 aggregations, 4 windows each), LAST_K(10), APPROX_PERCENTILE([0.5, 0.9]), 2 derivations, env, tags.
Loading cost is compared with docs/starlark.md's command (`bazel query --profile`). Not a test: it writes no golden.
"""
import os
import sys

COLUMNS = ("amount", "price", "quantity")
OPERATIONS = ("SUM", "COUNT", "AVERAGE", "MAX")
WINDOWS = (1, 7, 30, 90)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def source_tp(i, s):
    return f"""sources {{
  events {{
    table: "db.events_{i}_{s}"
    topic: "topic_{i}_{s}"
    query {{
      selects {{ key: "user" value: "user_id" }}
      selects {{ key: "item" value: "item_id" }}
      selects {{ key: "amount" value: "amount" }}
      selects {{ key: "price" value: "price" }}
      selects {{ key: "quantity" value: "quantity" }}
      wheres: "amount > 0"
      time_column: "ts"
      start_partition: "2023-01-01"
    }}
  }}
}}
"""


def textproto(i):
    out = [source_tp(i, s) for s in range(2)]
    out.append('key_columns: "user"\nkey_columns: "item"\n')
    for c in COLUMNS:
        for op in OPERATIONS:
            ws = "".join(f"  windows {{ length: {w} time_unit: DAYS }}\n" for w in WINDOWS)
            out.append(f'aggregations {{\n  input_column: "{c}"\n  operation: {op}\n{ws}}}\n')
    out.append('aggregations { input_column: "item" operation: LAST_K helper { k: 10 } }\n')
    out.append('aggregations { input_column: "amount" operation: APPROX_PERCENTILE helper { percentiles: [0.5, 0.9] } }\n')
    out.append('derivations { name: "avg_price_7d" expression: "price_sum_7d / quantity_sum_7d" }\n')
    out.append('derivations { name: "*" expression: "*" }\n')
    out.append('meta_data {\n  online: true\n  mode_to_env_map {\n    key: "backfill"\n'
               '    value { key: "EXECUTOR_MEMORY" value: "4G" }\n  }\n}\n')
    out.append('helper { tags { key: "owner" string_value: "bench" } }\n')
    return "".join(out)


def starlark_value(i):
    return f"""
v{i} = GroupBy(
    sources = [events("{i}_0", "topic_{i}_0"), events("{i}_1", "topic_{i}_1")],
    keys = ["user", "item"],
    aggregations = [
        Aggregation(input_column = c, operation = op, windows = window_sizes)
        for c in ["amount", "price", "quantity"]
        for op in [Operation.SUM, Operation.COUNT, Operation.AVERAGE, Operation.MAX]
    ] + [
        Aggregation(input_column = "item", operation = Operation.LAST_K(10)),
        Aggregation(input_column = "amount", operation = Operation.APPROX_PERCENTILE([0.5, 0.9])),
    ],
    derivations = [
        Derivation("avg_price_7d", "price_sum_7d / quantity_sum_7d"),
        Derivation("*", "*"),
    ],
    online = True,
    env = {{"backfill": {{"EXECUTOR_MEMORY": "4G"}}}},
    tags = {{"owner": "bench"}},
)
"""


STARLARK_HEAD = '''load(
    "@rules_chronon//chronon:python.bzl",
    "Aggregation",
    "Derivation",
    "EventSource",
    "GroupBy",
    "Operation",
    "Query",
    "Source",
    "TimeUnit",
    "Window",
    "select",
)

window_sizes = [Window(n, TimeUnit.DAYS) for n in [1, 7, 30, 90]]

def events(suffix, topic):
    return Source(events = EventSource(
        table = "db.events_" + suffix,
        topic = topic,
        query = Query(
            selects = select(user = "user_id", item = "item_id", amount = "amount", price = "price", quantity = "quantity"),
            wheres = ["amount > 0"],
            time_column = "ts",
            start_partition = "2023-01-01",
        ),
    ))
'''


def generate(out, n, rules):
    """Writes the workspace: group_bys/tp (textproto) and group_bys/star (Starlark), N GroupBys each."""
    write(f"{out}/WORKSPACE", f'''local_repository(name = "rules_chronon", path = "{rules}")

load("@rules_chronon//rules:repositories.bzl", "rules_chronon_dependencies", "rules_chronon_offline_dependencies",
     "rules_chronon_register_toolchains")

rules_chronon_offline_dependencies()

rules_chronon_dependencies(compiler = "source")

rules_chronon_register_toolchains(compiler = "source")
''')
    write(f"{out}/BUILD", 'exports_files(["teams.json"])\n')
    write(f"{out}/teams.json", '{"default": {"namespace": "default", "table_properties": {"source": "chronon"}}, "tp": {"namespace": "ns"}, "star": {"namespace": "ns"}}\n')
    build = ['load("@rules_chronon//rules:defs.bzl", "chronon_group_by")\n']
    for i in range(n):
        write(f"{out}/group_bys/tp/gb.v{i}.textproto", textproto(i))
        build.append(f'\nchronon_group_by(name = "gb.v{i}")\n')
    write(f"{out}/group_bys/tp/BUILD", "".join(build))
    write(f"{out}/group_bys/star/gb.bzl", STARLARK_HEAD + "".join(starlark_value(i) for i in range(n)))
    names = ", ".join(f'"v{i}"' for i in range(n))
    calls = ", ".join(f"v{i} = v{i}" for i in range(n))
    write(f"{out}/group_bys/star/BUILD", f'load("@rules_chronon//chronon:python.bzl", "chronon_module")\n'
          f'load(":gb.bzl", {names})\n\nchronon_module(name = "gb", {calls})\n')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--rules=")]
    rules = next((a[len("--rules="):] for a in sys.argv[1:] if a.startswith("--rules=")), None)
    out = args[0]
    n = int(args[1]) if len(args) > 1 else 100
    rules = rules or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    generate(out, n, rules)


if __name__ == "__main__":
    main()
