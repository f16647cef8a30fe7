load("@rules_chronon//chronon:python.bzl",
    "Query",
    "select",
)
load("@rules_chronon//chronon:python.bzl", "get_staging_query_output_table_name")
load("@rules_chronon//chronon:python.bzl", "ttypes")

def basic_event_source(table):
    return ttypes.Source(events=ttypes.EventSource(
        table=table,
        query=Query(
            selects=select(
                event="event_expr",
                group_by_subject="group_by_expr",
            ),
            start_partition="2021-04-09",
            time_column="ts",
        ),
    ))

event_source = ttypes.Source(events=ttypes.EventSource(
    table="sample_namespace.sample_table_group_by",
    query=Query(
        selects=select(
            event="event_expr",
            group_by_subject="group_by_expr",
        ),
        start_partition="2021-04-09",
        time_column="ts",
    ),
))

# Sample Event Source with topic for real-time/JoinSource streaming
real_time_event_source = ttypes.Source(events=ttypes.EventSource(
    table="sample_namespace.sample_table_group_by",
    topic="sample_topic",
    query=Query(
        selects=select(
            event="event_expr",
            group_by_subject="group_by_expr",
        ),
        start_partition="2021-04-09",
        time_column="ts",
    ),
))

entity_source = ttypes.Source(entities=ttypes.EntitySource(
    snapshotTable="sample_table.sample_entity_snapshot",
    # hr partition is not necessary - just to demo that we support various
    # partitioning schemes
    mutationTable="sample_table.sample_entity_mutations/hr=00:00",
    mutationTopic="sample_topic",
    query=Query(
        start_partition='2021-03-01',
        selects=select(
            group_by_subject='group_by_subject_expr',
            entity='entity_expr',
        ),
        time_column="ts"
    ),
))

batch_entity_source = ttypes.Source(entities=ttypes.EntitySource(
    snapshotTable="sample_table.sample_entity_snapshot",
    query=Query(
        start_partition='2021-03-01',
        selects=select(
            group_by_subject='group_by_subject_expr',
            entity='entity_expr',
        ),
        time_column="ts"
    ),
))

# Python: get_staging_query_output_table_name(sample_staging_query.v1); a value cannot know its name: its label.
staging_entities=ttypes.Source(entities=ttypes.EntitySource(
    snapshotTable="sample_namespace.{}".format(get_staging_query_output_table_name("//staging_queries/sample_team:sample_staging_query.v1")),
    query=Query(
        start_partition='2021-03-01',
        selects=select(**{
            'impressed_unique_count_1d': 'impressed_unique_count_1d',
            'viewed_unique_count_1d': 'viewed_unique_count_1d',
            's2CellId': 's2CellId',
            'place_id': 'place_id'
        })
    )
))

events_until_20210409 = ttypes.Source(events=ttypes.EventSource(
    table="sample_namespace.sample_table_group_by",
    query=Query(
        start_partition='2021-03-01',
        end_partition='2021-04-09',
        selects=select(**{
            'group_by_subject': 'group_by_subject_expr_old_version',
            'event': 'event_expr_old_version',
        }),
        time_column="UNIX_TIMESTAMP(ts) * 1000"
    ),
))

events_after_20210409 = ttypes.Source(events=ttypes.EventSource(
    table="sample_namespace.another_sample_table_group_by",
    query=Query(
        start_partition='2021-03-01',
        selects=select(**{
            'group_by_subject': 'possibly_different_group_by_subject_expr',
            'event': 'possibly_different_event_expr',
        }),
        time_column="__timestamp"
    ),
))

# Sample Staging Query Event Source
# Python: StagingQueryEventSource(staging_query=staging_query_view, ...) over
# staging_queries/sample_team/sample_staging_query_view.py, which does not compile in Python (it puts a Query in
# StagingQuery.query), so there is no target to name by label: its table is written as compile.py resolves it.
staging_query_event_source = ttypes.Source(events=ttypes.EventSource(
    table="sample_team.sample_staging_query_view",
    query=Query(
        selects=select("user_id", "session_length", "page_views"),
        time_column="ts"  # Assuming there's a ts column in the view
    ),
    isCumulative=False
))

test_sources = struct(
    basic_event_source = basic_event_source,
    event_source = event_source,
    real_time_event_source = real_time_event_source,
    entity_source = entity_source,
    batch_entity_source = batch_entity_source,
    staging_entities = staging_entities,
    events_until_20210409 = events_until_20210409,
    events_after_20210409 = events_after_20210409,
    staging_query_event_source = staging_query_event_source,
)
