from ai.chronon.join import Join, JoinPart
from sources.payments import checkouts
from group_bys.risk.payments import listing_v1 as listing_features

v1 = Join(
    left=checkouts,
    right_parts=[JoinPart(group_by=listing_features)],
)
