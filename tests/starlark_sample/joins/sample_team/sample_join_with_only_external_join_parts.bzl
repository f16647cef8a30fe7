load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl",
    "Join",
    "ExternalPart",
    "ExternalSource",
    "DataType",
    "ContextualSource",
    "Derivation"
)


v1 = Join(
    left=test_sources.event_source,
    right_parts=[],
    online_external_parts=[
        ExternalPart(
            ExternalSource(
                name="test_external_source",
                team="chronon",
                key_fields=[
                    ("group_by_subject", DataType.STRING)
                ],
                value_fields=[
                    ("value_str", DataType.STRING),
                    ("value_long", DataType.LONG),
                    ("value_bool", DataType.BOOLEAN)
                ],
                offline_group_by="//group_bys/sample_team:event_sample_group_by.v1",
            ),
        ),
        ExternalPart(
            ContextualSource(
                fields=[
                    ("context_str", DataType.STRING),
                    ("context_long", DataType.LONG),
                ],
                team="chronon"
            )
        )
    ],
    derivations=[
        Derivation(name=c, expression="ext_test_external_source_{}".format(c)) for c in [
            "value_str", "value_long", "value_bool"
        ]
    ] + [
        Derivation(name=c, expression="ext_contextual_{}".format(c)) for c in [
            "context_str", "context_long"
        ]
    ] + [
        Derivation(
            name="*",
            expression="*"
        )
    ]
)
