load("//sources:test_sources.bzl", "test_sources")
load("@rules_chronon//chronon:python.bzl", "GroupBy", "Aggregation", "Operation", "Window", "TimeUnit")

"""
Sample GroupBy that uses a staging query view as its source.
"""

# Use source from test_sources
source = test_sources.staging_query_event_source

# Get explicit dependencies for the staging query view.
# Python: get_staging_query_dependencies(staging_query), over sample_staging_query_view.py, which has no target
# (see test_sources.staging_query_event_source): its signal partition, as compile.py resolves it.
staging_query_deps = [
    "sample_team.chronon_signal_partitions/ds={{ ds }}/table_name=sample_team.sample_staging_query_view",
]

# Define window sizes
window_sizes = [Window(length=day, timeUnit=TimeUnit.DAYS) for day in [7, 14, 30]]

# Create the GroupBy with explicit staging query dependencies
v1 = GroupBy(
    sources=[source],
    keys=["user_id"],
    online=True,
    dependencies=staging_query_deps,  # Explicit signal partition dependencies
    aggregations=[
        Aggregation(
            input_column="session_length",
            operation=Operation.SUM,
            windows=window_sizes
        ),
        Aggregation(
            input_column="session_length",
            operation=Operation.AVERAGE,
            windows=window_sizes
        ),
        Aggregation(
            input_column="page_views",
            operation=Operation.COUNT,
            windows=window_sizes
        ),
        Aggregation(
            input_column="page_views",
            operation=Operation.MAX,
        ),
    ],
)
