load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart", "LabelPart")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Operation",
    "Window",
    "TimeUnit",
)

label_part_group_by = GroupBy(
    name="sample_label_group_by",
    sources=test_sources.entity_source,
    keys=["group_by_subject"],
    aggregations=[
        Aggregation(input_column="group_by_subject", operation=Operation.SUM, windows=[Window(7, TimeUnit.DAYS)]),
    ],
    online=False,
)

v1 = Join(
    left=test_sources.event_source,
    output_namespace="sample_namespace",
    right_parts=[
        JoinPart(
            group_by="//group_bys/sample_team:event_sample_group_by.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
        JoinPart(
            group_by="//group_bys/sample_team:group_by_with_kwargs.v1",
            key_mapping={'subject': 'group_by_subject'},
        ),
    ],
    label_part=LabelPart([
            JoinPart(
                group_by=label_part_group_by
            ),
        ],
        left_start_offset=7,
        left_end_offset=7,
        label_offline_schedule="@weekly"
        ),
    additional_args={
        'custom_arg': 'custom_value'
    },
    additional_env={
        'custom_env': 'custom_env_value'
    },
    online=False
)
