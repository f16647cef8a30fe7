from ai.chronon.group_by import GroupBy, Aggregation, Operation, Window, TimeUnit
from sources.payments import payments

listing_v1 = GroupBy(
    sources=[payments],
    keys=["listing"],
    aggregations=[Aggregation(input_column="amount", operation=Operation.SUM,
                              windows=[Window(7, TimeUnit.DAYS)])],
    online=True,
)

user_v1 = GroupBy(
    sources=[payments],
    keys=["user"],
    aggregations=[Aggregation(input_column="amount", operation=Operation.COUNT)],
    online=True,
    table_properties={"zz": "own", "aa": "order"},
)
