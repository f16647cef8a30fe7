load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation")
load("//sources:test_sources.bzl", "test_sources")

v1 = GroupBy(
    sources=test_sources.staging_entities,
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="viewed_unique_count_1d", operation=Operation.SUM),
    ],
)

require_backfill = GroupBy(
    sources=test_sources.staging_entities,
    keys=["s2CellId", "place_id"],
    aggregations=[
        Aggregation(input_column="impressed_unique_count_1d", operation=Operation.SUM),
    ],
    backfill_start_date="2023-01-01",
)
