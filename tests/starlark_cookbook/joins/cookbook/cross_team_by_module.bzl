load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

# Python: from group_bys.partner import pages; pages.v1 (embedded with its own team, "partner"): its label.
v1 = Join(left=test_sources.page_views, right_parts=[JoinPart(group_by="//group_bys/partner:pages.v1")])
