from ai.chronon.query import Query, select
from ai.chronon.api.ttypes import Source, EventSource, EntitySource

payments = Source(events=EventSource(
    table="data.payments",
    query=Query(selects=select(user="user_id", listing="listing_id", amount="amount"), time_column="ts",
                start_partition="2023-01-01"),
))

checkouts = Source(events=EventSource(
    table="data.checkouts",
    query=Query(selects=select(user="user_id", listing="listing_id"), time_column="ts",
                start_partition="2023-01-01"),
))
