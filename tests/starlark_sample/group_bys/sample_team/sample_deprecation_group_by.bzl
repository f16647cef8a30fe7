load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation", "TimeUnit", "Window")
load("//sources:test_sources.bzl", "test_sources")

v1 = GroupBy(
    sources=[
        test_sources.events_until_20210409,
        test_sources.events_after_20210409,
    ],
    keys=["group_by_subject"],
    aggregations=[
        Aggregation(input_column="event", operation=Operation.SUM),
        Aggregation(input_column="event", operation=Operation.APPROX_PERCENTILE([0.5])),
        Aggregation(input_column="event", operation=Operation.SUM, windows=[Window(7, TimeUnit.DAYS)]),
    ],
    additional_argument="To be placed in customJson",
    online=True,
    deprecation_date="2023-01-01",
)

# The Python module's second value, v1_incorrect_deprecation_format (deprecation_date="2023-1-1"), is a negative
# test case of compile.py's: it is not one of the goldens, so group_bys/sample_team/BUILD does not declare it.
