load("@rules_chronon//chronon:python.bzl",
  "GroupBy",
  "Window",
  "TimeUnit",
  "Accuracy",
  "Operation",
  "Aggregations",
  "Aggregation",
  "DefaultAggregation",
)
load("//sources:test_sources.bzl", "test_sources")
LAST_K = Operation.LAST_K

sum_cols = ["active_{}_days".format(x) for x in [30, 90, 120]]

v0 = GroupBy(
  sources=test_sources.user_activity,
  keys=["user"],
  aggregations=list(Aggregations(
    user_active_1_day=Aggregation(operation=Operation.LAST),
    second_feature=Aggregation(
      input_column="active_7_days",
      operation=Operation.SUM,
      windows=[
        Window(n, TimeUnit.DAYS) for n in [3, 5, 9]
      ]
    ),
  )) + [
    Aggregation(
      input_column=col,
      operation=Operation.SUM
    ) for col in sum_cols
  ] + [
    Aggregation(
      input_column="device",
      operation=LAST_K(10)
    )
  ],
  dependencies=[
    "db_exports.table/ds={{ ds }}"
  ],
  accuracy=Accuracy.SNAPSHOT,
  env={
    "backfill": {
      "EXECUTOR_MEMORY": "4G"
     },
  },
  online=True,
  production=False
)
