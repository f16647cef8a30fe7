// Join(), LabelPart(), ExternalSource() / ContextualSource() and bootstrap (join.h): inline definitions compiled
// in-process.
#include "chronon/compiler/join.h"

#include <string>
#include <vector>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using JoinTest = CompileTest;

TEST_F(JoinTest, JoinEmbedsTheGroupByWithoutTeamMetadataAndAddsTs) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  ASSERT_TRUE(Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", R"(
sources { ref: "//sources:events" }
key_columns: "user"
aggregations { input_column: "user" operation: COUNT }
meta_data { online: true }
)")
                  .output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", R"(
left { ref: "//sources:events" }
join_parts { group_by { ref: "//group_bys/team_a:gb.v1" } prefix: "p" helper { tags { key: "x" bool_value: true } } }
meta_data { sample_percent: 100 }
helper { kwargs { key: "extra" list_value { values { int_value: 1 } values { float_value: 2 } } } }
)");
  ASSERT_TRUE(r.output) << r.errors;
  const Json& meta = r.conf["metaData"];
  EXPECT_EQ(meta["online"], 0);
  EXPECT_EQ(meta["production"], 0);
  EXPECT_EQ(meta["samplePercent"].dump(), "100");  // an int stays an int
  EXPECT_EQ(
      meta["customJson"],
      R"({"check_consistency": false, "lag": 0, "extra": [1, 2.0], "join_tags": null, "join_part_tags": {"p_team_a.gb.v1": {"x": true}}})");
  // Left and right dependencies are the same table: de-duplicated.
  EXPECT_EQ(meta["dependencies"].size(), 1u);
  EXPECT_EQ(r.conf["left"]["events"]["query"]["selects"].dump(), R"({"user":"user_id","ts":"event_ts"})");
  const Json& nested = r.conf["joinParts"][0]["groupBy"]["metaData"];
  EXPECT_FALSE(nested.contains("outputNamespace"));
  EXPECT_FALSE(nested.contains("tableProperties"));
  EXPECT_EQ(nested["team"], "team_a");
  EXPECT_EQ(r.conf["joinParts"][0]["prefix"], "p");
}

TEST_F(JoinTest, SamplePercentWrittenAsFloatStaysFloat) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\nmeta_data { sample_percent: 100.0 }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.output->conf.find("\"samplePercent\": 100.0,") != std::string::npos, true) << r.output->conf;
  EXPECT_EQ(r.conf["joinParts"].dump(), "[]");  // Join() always writes its right parts
}

TEST_F(JoinTest, TsSelectOnAnEventsLeftIsReserved) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEventsWithTs).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left { ref: \"//sources:events\" }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:1:8: error: 'ts' is a reserved key word for Chronon"));
}

TEST_F(JoinTest, OnlineJoinWithAGroupByLeavingOnlineUnsetIsWrittenWithAWarning) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  ASSERT_TRUE(Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                      "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                      "aggregations { input_column: \"user\" operation: COUNT }\n")
                  .output);
  Result r =
      Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
              "left { ref: \"//sources:events\" }\njoin_parts { group_by { ref: \"//group_bys/team_a:gb.v1\" } }\n"
              "meta_data { online: true }\n");
  // compile.py writes the join, then asserts: the file is the golden, so we write it and warn.
  EXPECT_TRUE(r.output) << r.errors;
  EXPECT_THAT(r.errors, HasSubstr("warning: You must make all dependent GroupBys `online`"));
  EXPECT_THAT(r.errors, HasSubstr("Fix the following: [team_a.gb.v1] [online-join-group-by-not-online]"));
}

TEST_F(JoinTest, OnlineJoinWithAnOfflineGroupByIsAnError) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  ASSERT_TRUE(Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                      "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                      "aggregations { input_column: \"user\" operation: COUNT }\nmeta_data { online: false }\n")
                  .output);
  Result r =
      Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
              "left { ref: \"//sources:events\" }\njoin_parts { group_by { ref: \"//group_bys/team_a:gb.v1\" } }\n"
              "meta_data { online: true }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("join team_a.j.v1 is online but includes the following offline group_bys: "
                                  "team_a.gb.v1 [online-join-offline-group-by]"));
}

TEST_F(JoinTest, ExternalAndContextualSourcesBuildMetadataAndStructSchemas) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", R"(
left { ref: "//sources:events" }
online_external_parts {
  source {
    helper {
      name: "ext"
      team: "t"
      custom_json: "{}"
      key_fields { name: "k" data_type { kind: LONG } }
      value_fields { name: "v" data_type { kind: LIST params { name: "elem" data_type { kind: STRING } } } }
    }
    factory_config { factory_name: "f" }
  }
  prefix: "p"
}
online_external_parts { source { contextual { fields { name: "c" data_type { kind: BOOLEAN } } } } }
)");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(
      r.conf["onlineExternalParts"][0].dump(),
      R"({"source":{"metadata":{"name":"ext","customJson":"{}","team":"t"},)"
      R"("keySchema":{"kind":13,"params":[{"name":"k","dataType":{"kind":4}}],"name":"ext_ext_keys"},)"
      R"("valueSchema":{"kind":13,"params":[{"name":"v","dataType":{"kind":12,"params":[{"name":"elem",)"
      R"("dataType":{"kind":7}}]}}],"name":"ext_ext_values"},"factoryConfig":{"factoryName":"f"}},"prefix":"p"})");
  EXPECT_EQ(r.conf["onlineExternalParts"][1].dump(),
            R"({"source":{"metadata":{"name":"contextual","team":"default"},)"
            R"("keySchema":{"kind":13,"params":[{"name":"c","dataType":{"kind":0}}],"name":"contextual_keys"},)"
            R"("valueSchema":{"kind":13,"params":[{"name":"c","dataType":{"kind":0}}],"name":"contextual_values"}}})");
}

TEST_F(JoinTest, ExternalSourceNamedContextualIsRefused) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\n"
                     "online_external_parts { source { helper {\n  name: \"contextual\" } } }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: Please use `ContextualSource` [contextual-name]"));
}

TEST_F(JoinTest, LabelPartGetsItsWindowAsOffsetsAndItsOwnDependencies) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", R"(
left { ref: "//sources:events" }
label_part {
  labels { group_by {
    meta_data { name: "labels" }
    sources { ref: "//sources:events" }
    key_columns: "user"
    aggregations { input_column: "user" operation: SUM windows { length: 7 time_unit: DAYS } }
  } }
}
)");
  ASSERT_TRUE(r.output) << r.errors;
  const Json& label_part = r.conf["labelPart"];
  EXPECT_EQ(label_part["leftStartOffset"], 7);
  EXPECT_EQ(label_part["leftEndOffset"], 7);
  // The left's dependency (also the label GroupBy's, de-duplicated), then the join's own backfill table.
  const Json& deps = label_part["metaData"]["dependencies"];
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[1], R"({"name": "wait_for_team_a_db.team_a_j_v1", "spec": "team_a_db.team_a_j_v1/ds={{ ds }}"})");
  EXPECT_EQ(label_part["metaData"]["offlineSchedule"], "@daily");
}

TEST_F(JoinTest, BootstrapFromLogReadsTheLoggedTable) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\nmeta_data { online: true sample_percent: 10 }\n"
                     "helper { bootstrap_from_log: true }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.conf["bootstrapParts"].dump(), R"([{"table":"team_a_db.team_a_j_v1_logged"}])");
  const Json& deps = r.conf["metaData"]["dependencies"];
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_THAT(deps[1].get<std::string>(), HasSubstr(R"("spec": "team_a_db.team_a_j_v1_logged/ds={{ ds }}")"));
}

TEST_F(JoinTest, DuplicateExternalPartsAreAnError) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\n"
                     "online_external_parts { source { helper { name: \"ext\" } } }\n"
                     "online_external_parts { source { helper { name: \"ext\" } } }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("Found 1 duplicate(s) for external part (None, 'ext')"));
}

// LabelPart() alone, on a built label part: the window must be in DAYS.
TEST(ValidateLabelPartTest, HourlyWindowIsRefused) {
  Diagnostics diags("def.textproto", "//joins/team_a:j.v1");
  CompileContext ctx(&diags);
  Json label_part = Json::parse(R"({"labels": [{"groupBy": {"aggregations": [{"inputColumn": "a", "operation": 7,
      "windows": [{"length": 7, "timeUnit": 0}]}]}}]})");
  ValidateLabelPart(ctx, &label_part, "/labelPart");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "label-window-unit");
  EXPECT_FALSE(label_part.contains("leftStartOffset"));
}

}  // namespace
}  // namespace chronon
