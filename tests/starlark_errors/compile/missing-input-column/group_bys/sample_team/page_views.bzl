load("@rules_chronon//chronon:python.bzl", "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "select")

events = Source(events = EventSource(table = "db.events", query = Query(selects = select("user", "page"), time_column = "ts")))

v1 = GroupBy(
    sources = [events],
    keys = ["user"],
    # No input_column: Python's Aggregation() accepts that, and compile.py (here: the compiler) rejects it.
    aggregations = [Aggregation(operation = Operation.COUNT)],
)
