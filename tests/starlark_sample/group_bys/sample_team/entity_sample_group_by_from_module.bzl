"""
Sample group by
"""
load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Operation",
    "Window",
    "TimeUnit",
)

v1 = GroupBy(
    # Python: test_sources.entity_source; here the chronon_source target of that value (sources/BUILD), by label.
    sources="//sources:test_sources.entity_source",
    keys=["group_by_subject"],
    aggregations=[
        Aggregation(input_column="entity", operation=Operation.LAST),
        Aggregation(input_column="entity", operation=Operation.LAST, windows=[Window(7, TimeUnit.DAYS)]),
    ],
    online=True,
)
