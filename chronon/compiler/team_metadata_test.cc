// compile.py's team step (team_metadata.h): namespace, table properties and team from teams.json.
#include "chronon/compiler/team_metadata.h"

#include <string>
#include <vector>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using TeamMetadataTest = CompileTest;

// A JoinSource parent from the same module was compiled first by compile.py: it is embedded with its team
// metadata. A parent from another module only gets its output namespace (get_join_output_table_name).
TEST_F(TeamMetadataTest, JoinSourceParentCarriesTeamMetadataOnlyFromTheSameModule) {
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

TEST_F(TeamMetadataTest, UnknownTeam) {
  Result r = Compile(Kind::kGroupBy, "//group_bys/nobody:gb.v1", "nobody.gb.v1", kEvents);
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("error: team nobody does not exist in teams.json"));
}

TEST_F(TeamMetadataTest, OwnNamespaceAndTablePropertiesAreKept) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                     "aggregations { input_column: \"user\" operation: COUNT }\n"
                     "meta_data { output_namespace: \"mine\" table_properties { key: \"z\" value: \"9\" } }\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.conf["metaData"]["outputNamespace"], "mine");
  EXPECT_EQ(r.conf["metaData"]["tableProperties"].dump(), R"({"z":"9"})");
}

TEST_F(TeamMetadataTest, NamespaceMissingFromTheTeamAndDefaultIsAnError) {
  teams_ = R"({"default": {"table_properties": {}}, "team_a": {}})";
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1",
                     "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
                     "aggregations { input_column: \"user\" operation: COUNT }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("error: neither team team_a nor `default` has a \"namespace\" in teams.json; add one "
                                  "or set meta_data.output_namespace [team-config-missing-key]"));
}

}  // namespace
}  // namespace chronon
