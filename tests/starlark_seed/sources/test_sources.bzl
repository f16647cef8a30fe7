load("@rules_chronon//chronon:python.bzl", "Query", "select")
load("@rules_chronon//chronon:python.bzl", "Source", "EventSource", "EntitySource")

user_activity = Source(entities=EntitySource(
  snapshotTable="db_exports.table",
  mutationTable="mutations_namespace.table_mutations",
  mutationTopic="mutationsKafkaTopic",
  query=Query(
      selects=select(
          user="user_id",
          created_at="created_at",
          active_7_days="active_7_days",
          active_30_days="active_30_days",
          active_90_days="active_90_days",
          active_120_days="active_120_days",
          device="device",
          user_active_1_day="user_active_1_day",
      ),
      wheres=["has_availability = 1"],
      start_partition="2021-01-01",
      setups=["ADD JAR s3://my-bucket/udfs.jar"],
      time_column="ts",
      end_partition=None,
      mutation_time_column="mutation_timestamp",
      reversal_column="CASE WHEN mutation_type IN ('DELETE', 'UPDATE_BEFORE') THEN true ELSE false END"
  )
))

website__views = Source(events=EventSource(
  table="namespace.table",
  topic="kafkaTopicForEvents",
  query=Query(
      selects=select(user="user_id", page="page"),
      time_column="ts",
      start_partition="2021-01-01",
  ),
))

# `from sources import test_sources` then `test_sources.user_activity`: the module, as a struct.
test_sources = struct(user_activity = user_activity, website__views = website__views)
