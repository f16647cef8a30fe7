load("@rules_chronon//chronon:python.bzl", "Derivation", "Join", "JoinPart")
load("@rules_chronon//chronon:python.bzl",
    "Query",
    "select",
)
load("@rules_chronon//chronon:python.bzl", "ttypes")

left_part = ttypes.Source(events=ttypes.EventSource(
    table="sample_namespace.sample_table_group_by",
    query=Query(
        selects=select(
            event="event_expr",
            subject="group_by_subject_expr",
        ),
        start_partition="2021-04-09",
        time_column="ts",
    ),
))


v1 = Join(
    left=left_part,
    right_parts=[
        JoinPart(
            group_by="//group_bys/sample_team:event_sample_group_by.v1",
            key_mapping={"subject": "group_by_subject"},
        ),
        JoinPart(
            group_by="//group_bys/sample_team:entity_sample_group_by_from_module.v1",
            key_mapping={"subject": "group_by_subject"},
        ),
    ],
    derivations=[
        Derivation(
            name="derived_field",
            expression="sample_team_event_sample_group_by_v1_event_sum_7d / sample_team_entity_sample_group_by_from_module_v1_entity_last",
        ),
        Derivation(name="event_sum_7d", expression="sample_team_event_sample_group_by_v1_event_sum_7d"),
        Derivation(name="event_sum", expression="sample_team_event_sample_group_by_v1_event_sum"),
        Derivation(name="event_approx_percentile", expression="sample_team_event_sample_group_by_v1_event_approx_percentile"),
        Derivation(name="entity_last", expression="sample_team_entity_sample_group_by_from_module_v1_entity_last"),
        Derivation(name="entity_last_7d", expression="sample_team_entity_sample_group_by_from_module_v1_entity_last_7d"),
    ],
)
