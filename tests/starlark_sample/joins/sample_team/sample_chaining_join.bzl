load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("@rules_chronon//chronon:python.bzl",
    "GroupBy",
    "Aggregation",
    "Accuracy",
    "Operation",
)
load("@rules_chronon//chronon:python.bzl", "ttypes")
load("@rules_chronon//chronon:python.bzl",
    "Query",
    "select",
)

# Python imports event_sample_group_by, entity_sample_group_by_from_module and group_by_with_kwargs from
# group_bys.sample_team: each GroupBy of another module is named by the label of its target.
event_sample_group_by_v1 = "//group_bys/sample_team:event_sample_group_by.v1"
entity_sample_group_by_from_module_v1 = "//group_bys/sample_team:entity_sample_group_by_from_module.v1"

parent_join = Join(
    left=test_sources.real_time_event_source,
    right_parts=[
        JoinPart(
            group_by=event_sample_group_by_v1,
            key_mapping={'subject': 'group_by_subject'},
        ),
        JoinPart(
            group_by=entity_sample_group_by_from_module_v1,
            key_mapping={'subject': 'group_by_subject'},
        ),
    ],
    online=True,
    check_consistency=True,
    historical_backfill=False,
)

chaining_group_by_v1 = GroupBy(
    name="sample_team.sample_chaining_group_by",
    sources=ttypes.Source(joinSource=ttypes.JoinSource(
        # Python: join=parent_join. compile.py names the parent after its variable in this module, which a value
        # cannot know: the label of parent_join's target (joins/sample_team/BUILD declares it).
        join="//joins/sample_team:sample_chaining_join.parent_join",
        query=Query(
            selects=select(
                event="event_expr",
                group_by_subject="group_by_expr",
            ),
            start_partition="2023-04-15",
            time_column="ts",
        ))),
    keys=["user_id"],
    aggregations=[
        Aggregation(input_column="event", operation=Operation.LAST),
    ],
    accuracy=Accuracy.TEMPORAL,
    online=True,
    production=True,
    table_properties={
        "sample_config_json": """{"sample_key": "sample_value"}""",
        "description": "sample description"
    },
    output_namespace="sample_namespace",
)

v1 = Join(
    left=test_sources.event_source,
    right_parts=[
        JoinPart(
            group_by=chaining_group_by_v1,
            key_mapping={'subject': 'user_id'},
        ),
    ],
    additional_args={
        'custom_arg': 'custom_value'
    },
    additional_env={
        'custom_env': 'custom_env_value'
    },
    online=True,
    check_consistency=True
)
