from ai.chronon.join import Join, JoinPart
from sources.payments import checkouts
from group_bys.risk import payments
from group_bys.risk.payments import user_v1

v1 = Join(
    left=checkouts,
    right_parts=[JoinPart(group_by=user_v1), JoinPart(group_by=payments.listing_v1, prefix="m")],
)
