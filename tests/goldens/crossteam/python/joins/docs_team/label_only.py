from ai.chronon.join import Join, JoinPart, LabelPart
from sources.payments import checkouts
from group_bys.risk import payments
from group_bys.risk.payments import listing_v1

v1 = Join(
    left=checkouts,
    right_parts=[JoinPart(group_by=payments.user_v1)],
    label_part=LabelPart(labels=[JoinPart(group_by=listing_v1)], left_start_offset=7, left_end_offset=7),
)
