load("@rules_chronon//chronon:python.bzl", "EventSource", "Query", "Source", "select")

page_views = Source(events=EventSource(table="web.page_views", query=Query(
    selects=select(user="user_id", page="page"), time_column="ts")))

test_sources = struct(page_views=page_views)
