load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation")
load("//sources:test_sources.bzl", "test_sources")

v1 = GroupBy(
    sources=test_sources.event_source,
    keys=["group_by_subject"],
    aggregations=[
        Aggregation(
            input_column="event",
            operation=Operation.SUM,
        ),
    ],
    online=True,
)
