load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

inline_group_by = GroupBy(
    name="unit_test.user_inline_group_by",
    sources=test_sources.event_source,
    keys=["group_by_subject"],
    aggregations=[
        Aggregation(input_column="event", operation=Operation.SUM),
    ],
    online=True,
)

v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(
            group_by=inline_group_by,
            key_mapping={"subject": "group_by_subject"},
        ),
    ],
)
