load("@rules_chronon//chronon:python.bzl", "Aggregation", "GroupBy", "Operation", "Query", "StagingQueryEntitySource", "select")

v1 = GroupBy(
    # Python: StagingQueryEntitySource(daily_sq.v1, query); the compiler resolves the table, namespace included.
    sources=[StagingQueryEntitySource("//staging_queries/cookbook:daily_sq.v1", Query(selects=select(user="user_id", spend="spend")))],
    keys=["user"],
    aggregations=[Aggregation(input_column="spend", operation=Operation.SUM)])
