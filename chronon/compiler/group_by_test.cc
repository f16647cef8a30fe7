// GroupBy() and validate_group_by (group_by.h): inline definitions compiled in-process, exact output or error.
#include "chronon/compiler/group_by.h"

#include <string>
#include <vector>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using GroupByTest = CompileTest;

TEST_F(GroupByTest, GroupByAddsSelectsMovesTsAndDerivesMetadata) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEventsWithTs).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", R"(
sources { ref: "//sources:events" }
key_columns: "user"
aggregations { input_column: "amount" operation: SUM windows { length: 7 time_unit: DAYS }
               helper { tags { key: "unit" string_value: "usd" } } }
aggregations { input_column: "item" operation: LAST_K helper { k: 10 } }
aggregations { input_column: "score" operation: APPROX_PERCENTILE helper { percentiles: [0.5, 1] k: 200 } }
aggregations { input_column: "score" operation: TOP_K helper { k: 2.0 } }
helper { lag: 1 kwargs { key: "owner" string_value: "me" } tags { key: "tier" int_value: 1 } }
meta_data { online: true }
)");
  ASSERT_TRUE(r.output) << r.errors;
  const Json& query = r.conf["sources"][0]["events"]["query"];
  EXPECT_EQ(query["selects"].dump(), R"({"user":"user_id","amount":"amount","item":"item","score":"score"})");
  EXPECT_EQ(query["timeColumn"], "event_ts");
  EXPECT_EQ(query["setups"].dump(), "[]");
  const Json& meta = r.conf["metaData"];
  EXPECT_EQ(meta["name"], "team_a.gb.v1");
  EXPECT_EQ(meta["online"], 1);
  EXPECT_FALSE(meta.contains("production"));
  EXPECT_EQ(
      meta["customJson"],
      R"({"owner": "me", "lag": 1, "groupby_tags": {"tier": 1}, "column_tags": {"amount_sum_7d": {"unit": "usd"}}})");
  EXPECT_EQ(
      meta["dependencies"][0],
      R"({"name": "wait_for_db.events_ds_minus_1", "spec": "db.events/ds={{ macros.ds_add(ds, -1) }}/region=us", "start": "2023-01-01", "end": null})");
  // The team's table properties, in the team config's order; its namespace.
  EXPECT_EQ(meta["tableProperties"].dump(), R"({"b":"2","a":"1"})");
  EXPECT_EQ(meta["outputNamespace"], "team_a_db");
  EXPECT_EQ(meta["offlineSchedule"], "@daily");
  EXPECT_EQ(r.conf["aggregations"][0]["argMap"].dump(), "{}");
  EXPECT_EQ(r.conf["aggregations"][1]["argMap"].dump(), R"({"k":"10"})");
  EXPECT_EQ(r.conf["aggregations"][2]["argMap"].dump(), R"({"k":"200","percentiles":"[0.5, 1]"})");
  EXPECT_EQ(r.conf["aggregations"][3]["argMap"].dump(), R"({"k":"2.0"})");
  // Key order follows the thrift field ids.
  std::vector<std::string> keys;
  for (auto& [key, value] : meta.items()) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::ElementsAre("name", "online", "customJson", "dependencies", "tableProperties",
                                           "outputNamespace", "team", "offlineSchedule"));
}

TEST_F(GroupByTest, ExplicitDependenciesAreSanitizedAndRepeatedPerSource) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", R"(
sources { ref: "//sources:events" }
sources { ref: "//sources:events" }
key_columns: "user"
aggregations { input_column: "user" operation: COUNT }
helper { dependencies: "table_2/ds={{ ds }}/key=value" }
)");
  ASSERT_TRUE(r.output) << r.errors;
  ASSERT_EQ(r.conf["metaData"]["dependencies"].size(), 2u);
  EXPECT_EQ(
      r.conf["metaData"]["dependencies"][1],
      R"({"name": "wait_for_table_2_ds_ds_key_value", "spec": "table_2/ds={{ ds }}/key=value", "start": "2023-01-01", "end": null})");
}

TEST_F(GroupByTest, DerivedFieldsCannotBeWrittenByHand) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nmeta_data {\n  custom_json: \"{}\"\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: meta_data.custom_json is derived by GroupBy()"));
}

TEST_F(GroupByTest, SizedOperationWithoutItsSizeIsAnError) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                     "aggregations { input_column: \"item\" operation: LAST_K }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:1: error: LAST_K needs its size: write `helper { k: 10 }` "
                                  "(LAST_K(10) in Python) [missing-argument]"));
}

// HISTOGRAM_K(20) in Python is HISTOGRAM with argMap {"k": "20"}: bounded, so no unbounded-operation warning;
// plain HISTOGRAM still gets it.
TEST_F(GroupByTest, HistogramWithItsKIsBounded) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                     "aggregations { input_column: \"item\" operation: HISTOGRAM helper { k: 20 } }\n"
                     "aggregations { input_column: \"item\" operation: HISTOGRAM }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.conf["aggregations"][0]["argMap"].dump(), R"({"k":"20"})");
  EXPECT_THAT(r.errors, ::testing::Not(HasSubstr("def.textproto:3:")));
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:4:1: warning: HISTOGRAM keeps every distinct value"));
}

// Compile() runs first without locations (issue 26, finding 11); a definition with no floating-point field that gets
// a warning is compiled again with them: the warning is reported once, at its line, and the outputs are written.
TEST_F(GroupByTest, WarningWithoutFloatsIsReportedOnceAtItsLine) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                     "aggregations { input_column: \"item\" operation: UNIQUE_COUNT }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.conf["aggregations"][0]["inputColumn"], "item");
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:1: warning: UNIQUE_COUNT keeps every distinct value"));
  EXPECT_EQ(r.errors.find("warning:"), r.errors.rfind("warning:")) << r.errors;
}

TEST_F(GroupByTest, TemplatedDependenciesGetTheTeamNamespace) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", R"(
sources { ref: "//sources:events" }
key_columns: "user"
aggregations { input_column: "user" operation: COUNT }
helper { dependencies: "{{ db }}.t/ds={{ ds }}" dependencies: "{{ logged_table }}/ds={{ ds }}" }
)");
  ASSERT_TRUE(r.output) << r.errors;
  const Json& deps = r.conf["metaData"]["dependencies"];
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_THAT(deps[0].get<std::string>(), HasSubstr(R"("spec": "team_a_db.t/ds={{ ds }}")"));
  EXPECT_THAT(deps[1].get<std::string>(), HasSubstr(R"("spec": "team_a_db.team_a_gb_v1_logged/ds={{ ds }}")"));
  // What a Join embeds is the helper's object, before compile.py's templated values.
  const Json summary = Json::parse(r.output->summary);
  EXPECT_THAT(summary["object"]["metaData"]["dependencies"][0].get<std::string>(),
              HasSubstr(R"("spec": "{{ db }}.t/ds={{ ds }}")"));
}

// validate_group_by alone, on a built GroupBy: no time column on an event source of a TEMPORAL GroupBy.
TEST(ValidateGroupByTest, EventSourceWithoutTimeColumn) {
  Diagnostics diags("def.textproto", "//group_bys/team_a:gb.v1");
  CompileContext ctx(&diags);
  const Json group_by = Json::parse(R"({"sources": [{"events": {"table": "t", "query": {"selects": {"a": "a"}}}}],
      "aggregations": [{"inputColumn": "a", "operation": 7}]})");
  ValidateGroupBy(ctx, group_by, "");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "missing-time-column");
}

TEST(ValidateGroupByTest, WindowsNeedAPositiveLengthAndAUnit) {
  Diagnostics diags("def.textproto", "//group_bys/team_a:gb.v1");
  CompileContext ctx(&diags);
  const Json group_by = Json::parse(R"({"sources": [{"events": {"table": "t", "query": {"selects": {"a": "a"},
      "timeColumn": "ts"}}}], "aggregations": [{"inputColumn": "a", "operation": 7, "windows": [
      {"length": -3, "timeUnit": 1}, {"timeUnit": 0}, {"length": 7}, {"length": 7, "timeUnit": 1}]}]})");
  ValidateGroupBy(ctx, group_by, "");
  std::vector<std::string> ids;
  for (const auto& d : diags.diagnostics()) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"window-length", "window-length", "window-time-unit"}));
}

}  // namespace
}  // namespace chronon
