load("@rules_chronon//chronon:python.bzl",
    "Aggregation", "EventSource", "GroupBy", "Operation", "Query", "Source", "TimeUnit", "Window", "select")

windows = [Window(length=d, timeUnit=TimeUnit.DAYS) for d in [1, 7, 30]]
v1 = GroupBy(
    sources=[Source(events=EventSource(table="web.page_views", query=Query(selects=select(user="user_id"), time_column="ts")))],
    keys=["user"],
    aggregations=[Aggregation(input_column=column, operation=operation, windows=windows)
                  for column in ["page", "referrer"]
                  for operation in [Operation.COUNT, Operation.APPROX_UNIQUE_COUNT]])
