"""
Sample Join
"""
load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart", "BootstrapPart")
load("@rules_chronon//chronon:python.bzl", "Query", "select")
load("@rules_chronon//chronon:python.bzl", "get_join_output_table_name", "get_staging_query_output_table_name")

v1_join_parts = [
    JoinPart(
        group_by="//group_bys/sample_team:event_sample_group_by.v1",
        key_mapping={'subject': 'group_by_subject'},
    ),
    JoinPart(
        group_by="//group_bys/sample_team:entity_sample_group_by_from_module.v1",
        key_mapping={'subject': 'group_by_subject'},
    ),
]

v2_join_parts = [
    JoinPart(
        group_by="//group_bys/sample_team:group_by_with_kwargs.v1",
        key_mapping={'subject': 'group_by_subject'},
    ),
]

v1 = Join(
    left=test_sources.event_source,
    right_parts=v1_join_parts,
    online=True,
    sample_percent=100.0,
    row_ids=["request_id"],
    bootstrap_from_log=True,
    bootstrap_parts=[
        BootstrapPart(
            "chronon_db.test_bootstrap_table",
            key_columns=["request_id"],
            query=Query(
                start_partition='2022-01-01',
                end_partition='2022-02-01',
                selects=select(field_a="field_a", field_b="field_b"),
            )
        )
    ]
)

v2 = Join(
    left=test_sources.event_source,
    right_parts=v1_join_parts + v2_join_parts,
    online=True,
    sample_percent=100.0,
    row_ids=["request_id"],
    bootstrap_from_log=True,
    bootstrap_parts=[
        BootstrapPart(
            # Python: get_join_output_table_name(v1, full_name=True), which compile.py's goldens show as
            # "{{ db }}.sample_team_sample_join_bootstrap_v1": the namespace is written, the name from v1's label.
            table="{{ db }}." + get_join_output_table_name("//joins/sample_team:sample_join_bootstrap.v1"),
            query=Query(
                end_partition="2023-01-01"
            )
        )
    ]
)
