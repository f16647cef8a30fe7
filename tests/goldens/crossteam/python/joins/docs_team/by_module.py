from ai.chronon.join import Join, JoinPart
from sources.payments import checkouts
from group_bys.risk import payments

v1 = Join(
    left=checkouts,
    right_parts=[JoinPart(group_by=payments.listing_v1)],
)
