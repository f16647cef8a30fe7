load("@rules_chronon//chronon:python.bzl", "Join")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(left=test_sources.event_source, right_parts=[])
