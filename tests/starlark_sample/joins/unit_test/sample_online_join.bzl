load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")


v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(
            group_by="//group_bys/unit_test:event_sample_group_by.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
    ],
    online=True,
)
