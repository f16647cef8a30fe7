load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Join", "JoinPart", "Operation", "Query", "Source", "StagingQuery", "StagingQueryEventSource", "TimeUnit", "Window", "get_join_output_table_name", "select")

events = Source(events = EventSource(table = "db.events", query = Query(selects = select("user", "page"), time_column = "ts")))

parent = Join(left = events, right_parts = [JoinPart(group_by = "//group_bys/team:gb.v1")])
table = get_join_output_table_name(parent)  # <- error
v1 = parent
