load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")


v0 = Join(
    left=test_sources.event_source,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:mutation_sample_group_by.v0")],
    online=False,
)
