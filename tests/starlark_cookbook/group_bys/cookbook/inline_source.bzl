load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "select")

v1 = GroupBy(sources=[Source(events=EventSource(table="web.page_views", query=Query(
    selects=select(user="user_id"), time_column="ts")))], keys=["user"],
    aggregations=[Aggregation(input_column="page", operation=Operation.COUNT)])
