load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "select")

def events(*columns):
    return Source(events=EventSource(table="web.page_views", query=Query(selects=select(*columns), time_column="ts")))

v1 = GroupBy(sources=[events("page")], keys=["user"], aggregations=[Aggregation("page", Operation.COUNT)])
v2 = GroupBy(sources=[events("page", "referrer")], keys=["user"], aggregations=[Aggregation("referrer", Operation.LAST)])
