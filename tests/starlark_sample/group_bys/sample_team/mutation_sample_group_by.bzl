load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Operation",
    "Accuracy",
)


v0 = GroupBy(
    sources=test_sources.entity_source,
    keys=["group_by_subject"],
    aggregations=[Aggregation(input_column="entity", operation=Operation.LAST)],
    accuracy=Accuracy.TEMPORAL,
)
