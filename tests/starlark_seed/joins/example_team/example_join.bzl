load("@rules_chronon//chronon:python.bzl", "Join", "JoinPart")
load("//sources:test_sources.bzl", "test_sources")

v1 = Join(
    left=test_sources.website__views,
    right_parts=[
        JoinPart(group_by="//group_bys/example_team:example_group_by.v0"),
    ],
    online=True,
    production=False,
    env={"backfill": {"PARALLELISM": "10"}, "streaming": {"STREAMING_ENV_VAR": "VALUE"}},
)
