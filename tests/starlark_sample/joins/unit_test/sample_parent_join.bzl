load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

parent_join = Join(
    left=test_sources.real_time_event_source,
    right_parts=[
        JoinPart(
            group_by="//group_bys/unit_test:sample_group_by.v1",
            key_mapping={"subject": "group_by_subject"},
        ),
    ],
    online=True,
)
