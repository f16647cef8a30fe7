load("@rules_chronon//chronon:python.bzl",
    "Join",
    "JoinPart",
)
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1", tags={"experimental": True})],
    table_properties={"config_json": """{"sample_key": "sample_value"}"""},
    output_namespace="sample_namespace",
    tags={"business_relevance": "personalization"},
    env={
        "backfill": {"EXECUTOR_MEMORY": "9G"},
    },
    sample_percent=100.0,
)

never = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1", tags={"experimental": True})],
    output_namespace="sample_namespace",
    tags={"business_relevance": "personalization"},
    offline_schedule="@never",
    sample_percent=100.0,
)

group_by_of_group_by = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by_group_by.v1")],
    output_namespace="sample_namespace",
)

consistency_check = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1", tags={"experimental": True})],
    output_namespace="sample_namespace",
    tags={"business_relevance": "personalization"},
    check_consistency=True,
    sample_percent=100.0,
)

no_log_flattener = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1", tags={"experimental": True})],
    output_namespace="sample_namespace",
    tags={"business_relevance": "personalization"},
    sample_percent=0.0,
)
