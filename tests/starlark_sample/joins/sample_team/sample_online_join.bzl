load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")


v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(
            group_by="//group_bys/sample_team:event_sample_group_by.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
        JoinPart(
            group_by="//group_bys/sample_team:entity_sample_group_by_from_module.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
        JoinPart(
            group_by="//group_bys/sample_team:group_by_with_kwargs.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
    ],
    additional_args=['--step-days 14'],
    additional_env={
        'custom_env': 'custom_env_value'
    },
    online=True,
    check_consistency=True
)
