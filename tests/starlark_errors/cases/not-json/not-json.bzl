load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "select")

events = Source(events = EventSource(table = "db.events", query = Query(selects = select("user", "page"), time_column = "ts")))

# A tag is a JSON value: a function is not one (Python's json.dumps would fail on it too).
v1 = GroupBy(  # <- error
    sources = [events],
    keys = ["user"],
    aggregations = [Aggregation(input_column = "page", operation = Operation.COUNT)],
    tags = {"owner": "team", "checks": [{"fn": len}]},
)
