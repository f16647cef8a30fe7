load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation", "TimeUnit", "Window")
load("//sources:test_sources.bzl", "test_sources")

v1 = GroupBy(sources=[test_sources.page_views], keys=["user"],
    aggregations=[Aggregation(input_column="page", operation=Operation.COUNT, windows=[Window(7, TimeUnit.DAYS)])],
    backfill_start_date="2023-01-01")
