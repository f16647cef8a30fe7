// The compiler in-process: inline definitions, their compiled dependencies, and the exact output or error.
#include "chronon/compiler.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

constexpr char kTeams[] = R"({
  "default": {"table_properties": {"source": "chronon"}, "namespace": "default_db"},
  "team_a": {"namespace": "team_a_db", "table_properties": {"b": "2", "a": "1"}}
})";

struct Result {
  std::optional<CompileOutput> output;
  std::string errors;
  Json conf;
};

class CompilerTest : public ::testing::Test {
 protected:
  // Compiles a definition against the summaries of everything compiled before in this test.
  Result Compile(Kind kind, const std::string& label, const std::string& name, const std::string& text) {
    CompileInput input;
    input.kind = kind;
    input.label = label;
    input.name = name;
    input.src_path = "def.textproto";
    input.src_text = text;
    input.teams_path = "teams.json";
    input.teams_text = kTeams;
    input.deps = deps_;
    Diagnostics diags(input.src_path, label);
    Result result;
    result.output = chronon::Compile(input, &diags);
    result.errors = diags.Format();
    if (result.output) {
      deps_.push_back({label, result.output->summary});
      if (!result.output->conf.empty()) result.conf = Json::parse(result.output->conf);
    }
    return result;
  }

  std::vector<DependencyInput> deps_;
};

// A `ts` select: GroupBy() moves it to the time column; Join() refuses it on the left.
constexpr char kEventsWithTs[] = R"(
events {
  table: "db.events/region=us"
  topic: "events_topic"
  query {
    selects { key: "user" value: "user_id" }
    selects { key: "ts" value: "event_ts" }
    start_partition: "2023-01-01"
  }
})";

constexpr char kEvents[] = R"(
events {
  table: "db.events/region=us"
  topic: "events_topic"
  query {
    selects { key: "user" value: "user_id" }
    start_partition: "2023-01-01"
    time_column: "event_ts"
  }
})";

TEST_F(CompilerTest, GroupByAddsSelectsMovesTsAndDerivesMetadata) {
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

TEST_F(CompilerTest, ExplicitDependenciesAreSanitizedAndRepeatedPerSource) {
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

TEST_F(CompilerTest, JoinEmbedsTheGroupByWithoutTeamMetadataAndAddsTs) {
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

TEST_F(CompilerTest, SamplePercentWrittenAsFloatStaysFloat) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\nmeta_data { sample_percent: 100.0 }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.output->conf.find("\"samplePercent\": 100.0,") != std::string::npos, true) << r.output->conf;
  EXPECT_EQ(r.conf["joinParts"].dump(), "[]");  // Join() always writes its right parts
}

TEST_F(CompilerTest, ReferenceToATargetThatIsNotADepNamesTheLabelToAdd) {
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left {\n  ref: \"//sources:events\"\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_EQ(r.errors,
            "def.textproto:2:3: error: //sources:events is not a dependency of //joins/team_a:j.v1; add "
            "\"//sources:events\" to the deps of //joins/team_a:j.v1 [missing-dependency]\n"
            "  in target //joins/team_a:j.v1\n");
}

TEST_F(CompilerTest, RelativeReferencesResolveInThePackage) {
  ASSERT_TRUE(Compile(Kind::kSource, "//joins/team_a:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left { ref: \":events\" }\n");
  EXPECT_TRUE(r.output) << r.errors;
}

TEST_F(CompilerTest, TsSelectOnAnEventsLeftIsReserved) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEventsWithTs).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left { ref: \"//sources:events\" }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:1:8: error: 'ts' is a reserved key word for Chronon"));
}

TEST_F(CompilerTest, ReferenceOfTheWrongKind) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\njoin_parts { group_by { ref: \"//sources:events\" } }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:2:25: error: //sources:events is a chronon_source, but a "
                                  "chronon_group_by is needed here [wrong-kind]"));
}

TEST_F(CompilerTest, UnknownTeam) {
  Result r = Compile(Kind::kGroupBy, "//group_bys/nobody:gb.v1", "nobody.gb.v1", kEvents);
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("error: team nobody does not exist in teams.json"));
}

TEST_F(CompilerTest, NonFiniteNumbersAreRejected) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\nmeta_data {\n  sample_percent: inf\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: NaN and infinity cannot be written"));
}

TEST_F(CompilerTest, OnlineJoinWithAGroupByLeavingOnlineUnsetIsWrittenWithAWarning) {
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

TEST_F(CompilerTest, OnlineJoinWithAnOfflineGroupByIsAnError) {
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

TEST_F(CompilerTest, ExternalAndContextualSourcesBuildMetadataAndStructSchemas) {
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

TEST_F(CompilerTest, ExternalSourceNamedContextualIsRefused) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\n"
                     "online_external_parts { source { helper {\n  name: \"contextual\" } } }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: Please use `ContextualSource` [contextual-name]"));
}

// A JoinSource parent from the same module was compiled first by compile.py: it is embedded with its team
// metadata. A parent from another module only gets its output namespace (get_join_output_table_name).
TEST_F(CompilerTest, JoinSourceParentCarriesTeamMetadataOnlyFromTheSameModule) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  ASSERT_TRUE(Compile(Kind::kJoin, "//joins/team_a:m.parent", "team_a.m.parent", "left { ref: \"//sources:events\" }\n")
                  .output);
  const std::string chained = R"(
left { ref: "//sources:events" }
join_parts { group_by {
  meta_data { name: "team_a.chained" }
  sources { join_source { join { ref: "//joins/team_a:m.parent" } query { selects { key: "user" value: "user" } time_column: "ts" } } }
  key_columns: "user"
  aggregations { input_column: "user" operation: COUNT }
} }
)";
  Result same = Compile(Kind::kJoin, "//joins/team_a:m.v1", "team_a.m.v1", chained);
  ASSERT_TRUE(same.output) << same.errors;
  const Json& parent = same.conf["joinParts"][0]["groupBy"]["sources"][0]["joinSource"]["join"]["metaData"];
  EXPECT_EQ(parent["outputNamespace"], "team_a_db");
  EXPECT_EQ(parent["tableProperties"].dump(), R"({"b":"2","a":"1"})");
  Result other = Compile(Kind::kJoin, "//joins/team_a:other.v1", "team_a.other.v1", chained);
  ASSERT_TRUE(other.output) << other.errors;
  const Json& bare = other.conf["joinParts"][0]["groupBy"]["sources"][0]["joinSource"]["join"]["metaData"];
  EXPECT_EQ(bare["outputNamespace"], "team_a_db");
  EXPECT_FALSE(bare.contains("tableProperties"));
  EXPECT_EQ(
      other.conf["joinParts"][0]["groupBy"]["metaData"]["dependencies"][0],
      R"({"name": "wait_for_team_a_db.team_a_m_parent_ds", "spec": "team_a_db.team_a_m_parent/ds={{ ds }}", "start": null, "end": null})");
}

TEST_F(CompilerTest, DerivedFieldsCannotBeWrittenByHand) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nmeta_data {\n  custom_json: \"{}\"\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: meta_data.custom_json is derived by GroupBy()"));
}

// Found by fuzzing (tests/fuzz): a label or name that is not UTF-8 made writing the summary JSON throw.
TEST_F(CompilerTest, LabelAndNameMustBeUtf8) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  const std::string gb =
      "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
      "aggregations { input_column: \"user\" operation: COUNT }\n";
  Result label = Compile(Kind::kGroupBy, "//group_bys/team_a:gb\xff.v1", "team_a.gb.v1", gb);
  EXPECT_FALSE(label.output);
  EXPECT_THAT(label.errors, HasSubstr("is not an absolute Bazel label [invalid-label]"));
  Result name = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb\xff.v1", gb);
  EXPECT_FALSE(name.output);
  EXPECT_THAT(name.errors, HasSubstr("[invalid-name]"));
  Result source = Compile(Kind::kSource, "//sources:ev\xc3", "", kEvents);
  EXPECT_FALSE(source.output);
  EXPECT_THAT(source.errors, HasSubstr("[invalid-label]"));
  Result source_name = Compile(Kind::kSource, "//sources:ev", "\xe8s", kEvents);
  EXPECT_FALSE(source_name.output);
  EXPECT_THAT(source_name.errors, HasSubstr("is not UTF-8 [invalid-name]"));
}

// Found by fuzzing: dependency summaries with a missing or mistyped member (here `object`) threw in the compiler.
TEST_F(CompilerTest, CorruptDependencySummariesAreDiagnostics) {
  const std::string join =
      "left { ref: \"//sources:events\" }\n"
      "join_parts { group_by { ref: \"//group_bys/team_a:gb.v1\" } }\n";
  deps_ = {{"events.chronon.json", R"({"kind":"source","label":"//sources:events","name":"","team":"","object":{}})"},
           {"gb.chronon.json", R"({"kind":"group_by","label":"//group_bys/team_a:gb.v1","name":"team_a.gb.v1",)"
                               R"("team":"team_a","extraobject":{}})"}};
  Result missing = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", join);
  EXPECT_FALSE(missing.output);
  EXPECT_THAT(missing.errors, HasSubstr("gb.chronon.json is not the output of a Chronon target; rebuild it"));
  deps_[1].summary = R"({"kind":"group_by","label":"//group_bys/team_a:gb.v1","name":"team_a.gb.v1",)"
                     R"("team":"team_a","object":{"metaData":null,"sources":[{}]}})";
  Result inner = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", join);
  EXPECT_FALSE(inner.output);
  EXPECT_THAT(inner.errors, HasSubstr("[internal-error]"));
}

// Found by tests/integration/large_inputs_test.sh: 1,000 nested JoinSource joins ran for more than 10 minutes (the
// work grows with the cube of the depth). Nesting is bounded like protobuf's binary parser bounds it.
TEST_F(CompilerTest, DeepNestingIsAParseError) {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "left { join_source { join { ";
  for (int i = 0; i < 1000; ++i) deep += "} } } ";
  Result r = Compile(Kind::kJoin, "//joins/team_a:deep.v1", "team_a.deep.v1", deep);
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:1:944: error: Message is too deep, the parser exceeded the "
                                  "configured recursion limit of 100. [parse-error]"));
}

}  // namespace
}  // namespace chronon
