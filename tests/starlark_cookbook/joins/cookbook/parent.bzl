load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(left=test_sources.page_views, right_parts=[JoinPart(group_by="//group_bys/cookbook:shared_source.v1")])
