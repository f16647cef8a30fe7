load("@rules_chronon//chronon:python.bzl", "JoinPart", "Join")
load("@rules_chronon//chronon:python.bzl", "Query", "select")
load("//sources:test_sources.bzl", "test_sources")


v1 = Join(
    left = test_sources.entity_source,
    right_parts=[],
)
