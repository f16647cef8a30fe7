load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Operation",
    "Derivation"
)
load("@rules_chronon//chronon:python.bzl", "utils")
# Python: from group_bys.sample_team.sample_group_by import require_backfill, which makes it a value of this module
# too (compile.py writes it as sample_group_by_group_by.require_backfill). A name a .bzl loads is not one of its
# own values: it is loaded under a private name and assigned (below) for the BUILD file to declare.
load(":sample_group_by.bzl", _require_backfill = "require_backfill")

require_backfill = _require_backfill


v1 = GroupBy(
    # Python: utils.group_by_output_table_name(require_backfill, True). The table name comes from the GroupBy's
    # label; full_name=True's namespace is require_backfill's output_namespace, written here.
    sources=test_sources.basic_event_source(
        "sample_namespace." + utils.group_by_output_table_name("//group_bys/sample_team:sample_group_by.require_backfill"),
    ),
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="impressed_unique_count_1d_sum", operation=Operation.LAST),
    ],
    production=False,
    backfill_start_date="2022-01-01",
    table_properties={
        "sample_config_json": """{"sample_key": "sample_value"}""",
        "description": "sample description"
    },
    output_namespace="sample_namespace",
)
