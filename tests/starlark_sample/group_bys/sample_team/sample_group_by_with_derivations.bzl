load("@rules_chronon//chronon:python.bzl", "Aggregation", "Derivation", "GroupBy", "Operation")
load("//sources:test_sources.bzl", "test_sources")

v1 = GroupBy(
    sources=test_sources.staging_entities,
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="impressed_unique_count", operation=Operation.SUM),
        Aggregation(input_column="viewed_unique_count", operation=Operation.SUM),
    ],
    production=False,
    table_properties={"sample_config_json": """{"sample_key": "sample_value"}""", "description": "sample description"},
    derivations=[
        Derivation(
            name=column_name,
            expression=column_name,
        )
        for column_name in ["ds", "s2CellId", "place_id"]
    ]
    + [Derivation(name="impressed_unique_count_1d_new_name", expression="impressed_unique_count_sum")],
    output_namespace="sample_namespace",
)
