load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_deprecation_group_by.v1")],
    output_namespace="sample_namespace",
)
