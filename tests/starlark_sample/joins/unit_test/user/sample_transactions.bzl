load("@rules_chronon//chronon:python.bzl", "ttypes")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("@rules_chronon//chronon:python.bzl", "Query", "select")

# Python: from group_bys.unit_test.user.sample_nested_group_by import v1 as nested_v1; a GroupBy of another module
# is named by its label.
nested_v1 = "//group_bys/unit_test/user:sample_nested_group_by.v1"

source = ttypes.Source(
    events=ttypes.EventSource(
        table="item_snapshot",
        query=Query(
            selects=select(user="id_requester"),
            wheres=["dim_requester_user_role = 'user'"],
            start_partition="2023-03-01",
            time_column="UNIX_TIMESTAMP(ts_created_at_utc) * 1000",
        ),
    )
)

v1 = Join(
    left=source,
    right_parts=[JoinPart(group_by=nested_v1)],
    online=True,
)
