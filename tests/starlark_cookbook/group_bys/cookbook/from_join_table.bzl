load("@rules_chronon//chronon:python.bzl",
    "Aggregation", "EntitySource", "GroupBy", "Operation", "Query", "Source", "get_join_output_table_name", "select")

v1 = GroupBy(
    sources=[Source(entities=EntitySource(
        # Python: get_join_output_table_name(parent.v1, full_name=True). full_name needs the namespace, which is not
        # known while BUILD files load: write it ("cookbook_db", the team's), the name comes from the join's label.
        snapshotTable="cookbook_db." + get_join_output_table_name("//joins/cookbook:parent.v1"),
        query=Query(selects=select(user="user"))))],
    keys=["user"],
    aggregations=[Aggregation(input_column="page_count", operation=Operation.MAX)])
