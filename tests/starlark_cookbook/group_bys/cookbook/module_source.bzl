load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "select")

source = Source(events=EventSource(table="web.clicks", query=Query(selects=select(user="user_id"), time_column="ts")))

v1 = GroupBy(sources=[source], keys=["user"],
    aggregations=[Aggregation(input_column="button", operation=Operation.LAST)])
