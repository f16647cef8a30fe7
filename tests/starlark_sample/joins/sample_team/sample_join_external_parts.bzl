"""
Sample Join
"""
load("@rules_chronon//chronon:python.bzl",
    "ContextualSource",
    "DataType",
    "Derivation",
    "ExternalPart",
    "ExternalSource",
    "Join",
    "JoinPart",
)
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1")],
    online_external_parts=[
        ExternalPart(
            ExternalSource(
                name="test_external_source",
                team="chronon",
                key_fields=[("key", DataType.LONG)],
                value_fields=[
                    ("value_str", DataType.STRING),
                    ("value_long", DataType.LONG),
                    ("value_bool", DataType.BOOLEAN),
                ],
            )
        ),
        ExternalPart(
            ContextualSource(
                fields=[
                    ("context_str", DataType.STRING),
                    ("context_long", DataType.LONG),
                ],
                team="chronon",
            )
        ),
    ],
    table_properties={"config_json": """{"sample_key": "sample_value"}"""},
    output_namespace="sample_namespace",
)

v2 = Join(
    left=test_sources.staging_entities,
    right_parts=[JoinPart(group_by="//group_bys/sample_team:sample_group_by.v1")],
    online_external_parts=[ExternalPart(ContextualSource(fields=[("place_id", DataType.STRING)]))],
    table_properties={"config_json": """{"sample_key": "sample_value"}"""},
    derivations=[
        Derivation(name="*", expression="*"),
        Derivation(name="place_id", expression="ext_contextual_place_id"),
    ],
    output_namespace="sample_namespace",
)
