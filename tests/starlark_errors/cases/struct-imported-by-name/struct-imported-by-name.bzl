load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Join", "JoinPart", "Operation", "Query", "Source", "imported_by_name", "select")

events = Source(events = EventSource(table = "db.events", query = Query(selects = select("user", "page"), time_column = "ts")))

pages = GroupBy(sources = [events], keys = ["user"], aggregations = [Aggregation(input_column = "page", operation = Operation.COUNT)])

# Python's `from group_bys.team.pages import v1 as pages` names the GroupBy by its label here.
v1 = Join(left = events, right_parts = [JoinPart(group_by = imported_by_name(pages))])  # <- error
