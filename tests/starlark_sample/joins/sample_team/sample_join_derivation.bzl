load("@rules_chronon//chronon:python.bzl", "Derivation", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.event_source,
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
        Derivation(name="group_by_subject", expression="group_by_subject"),
        Derivation(name="ds", expression="ds"),
    ],
)
