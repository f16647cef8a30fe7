load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(group_by="//group_bys/unit_test:entity_sample_group_by.v1"),
    ],
    online=True,
)
