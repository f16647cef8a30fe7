load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Join", "JoinPart", "Operation", "Query", "Source", "StagingQuery", "StagingQueryEventSource", "TimeUnit", "Window", "get_join_output_table_name", "select")

events = Source(events = EventSource(table = "db.events", query = Query(selects = select("user", "page"), time_column = "ts")))

v1 = GroupBy(
    sources = [events],
    keys = ["user"],
    aggregations = [Aggregation(input_column = "page", operation = Operation.LAST_K)],  # <- error
)
