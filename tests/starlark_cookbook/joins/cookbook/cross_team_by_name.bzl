load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart", "imported_by_name")
load("//sources:test_sources.bzl", "test_sources")

# Python: from group_bys.partner.pages import v1 as partner_pages (embedded with this Join's team, "cookbook").
partner_pages = imported_by_name("//group_bys/partner:pages.v1")

v1 = Join(left=test_sources.page_views, right_parts=[JoinPart(group_by=partner_pages)])
