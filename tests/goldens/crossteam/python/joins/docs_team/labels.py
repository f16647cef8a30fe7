from ai.chronon.join import Join, JoinPart, LabelPart
from sources.payments import checkouts
from group_bys.risk.payments import user_v1, listing_v1

v1 = Join(
    left=checkouts,
    right_parts=[JoinPart(group_by=listing_v1)],
    label_part=LabelPart(labels=[JoinPart(group_by=listing_v1, prefix="label")],
                         left_start_offset=7, left_end_offset=7),
)
