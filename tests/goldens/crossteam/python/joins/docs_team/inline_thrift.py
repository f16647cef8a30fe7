from ai.chronon.join import Join
from ai.chronon.api.ttypes import JoinPart
from ai.chronon.group_by import GroupBy, Aggregation, Operation
from sources.payments import checkouts, payments

# As in Chronon's item_rec example: GroupBys built inline in the join parts, never bound to a name.
v1 = Join(
    left=checkouts,
    right_parts=[
        JoinPart(groupBy=GroupBy(
            sources=[payments],
            keys=["user"],
            aggregations=[Aggregation(input_column="amount", operation=Operation.MAX)],
        )),
    ],
)
