load("@rules_chronon//chronon:python.bzl", "StagingQuery")

v1 = StagingQuery(
    # Python: ("SELECT ... " "FROM ..."), adjacent literals; Starlark joins them with +.
    query=("SELECT user_id, SUM(amount) AS spend " +
           "FROM payments.transactions " +
           "WHERE ds BETWEEN '{{ start_date }}' AND '{{ end_date }}' " +
           "GROUP BY user_id"),
    startPartition="2023-01-01",
)
