load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(
            group_by="//group_bys/sample_team:sample_group_by_for_dependency_test.v1",
            key_mapping={"subject": "group_by_subject"},
        )
    ],
)
