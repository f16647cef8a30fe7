load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Operation",
    "Derivation"
)

v1 = GroupBy(
    sources=test_sources.staging_entities,
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="impressed_unique_count_1d", operation=Operation.SUM),
        Aggregation(input_column="viewed_unique_count_1d", operation=Operation.SUM),
    ],
    production=False,
    table_properties={
        "sample_config_json": """{"sample_key": "sample_value"}""",
        "description": "sample description"
    },
    output_namespace="sample_namespace",
)

require_backfill = GroupBy(
    sources=test_sources.staging_entities,
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="impressed_unique_count_1d", operation=Operation.SUM),
        Aggregation(input_column="viewed_unique_count_1d", operation=Operation.SUM),
    ],
    production=False,
    output_namespace="sample_namespace",
    backfill_start_date="2023-01-01",
    derivations=[
        Derivation(
            name="derived_field",
            expression=""
        ),
        Derivation(
            name="*",
            expression="*"
        )
    ]
)
