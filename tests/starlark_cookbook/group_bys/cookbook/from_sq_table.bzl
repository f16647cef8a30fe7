load("@rules_chronon//chronon:python.bzl",
    "Aggregation", "EntitySource", "GroupBy", "Operation", "Query", "Source", "get_staging_query_output_table_name", "select")

v1 = GroupBy(
    sources=[Source(entities=EntitySource(
        # Python: get_staging_query_output_table_name(daily_sq.v1); here the staging query's label.
        snapshotTable="cookbook_db." + get_staging_query_output_table_name("//staging_queries/cookbook:daily_sq.v1"),
        query=Query(selects=select(user="user_id"))))],
    keys=["user"],
    aggregations=[Aggregation(input_column="spend", operation=Operation.SUM)])
