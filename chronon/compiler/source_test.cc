// Sources (source.h): the union, StagingQueryEventSource / StagingQueryEntitySource, and the dependencies a source
// gives (utils.get_dependencies).
#include "chronon/compiler/source.h"

#include <string>
#include <vector>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using SourceTest = CompileTest;

TEST_F(SourceTest, StagingQueryReferenceBecomesItsOutputTable) {
  ASSERT_TRUE(Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1",
                      "query: \"SELECT * FROM t WHERE ds = '{{ ds }}'\"\n")
                  .output);
  Result r = Compile(Kind::kSource, "//sources:from_sq", "", R"(
events { staging_query: "//staging_queries/team_a:sq.v1" query { selects { key: "a" value: "a" } } })");
  ASSERT_TRUE(r.output) << r.errors;
  const Json summary = Json::parse(r.output->summary);
  // StagingQueryEventSource always passes is_cumulative.
  EXPECT_EQ(summary["object"].dump(),
            R"({"events":{"table":"team_a_db.team_a_sq_v1","query":{"selects":{"a":"a"},"setups":[]},)"
            R"("isCumulative":0}})");
}

TEST_F(SourceTest, TableAndStagingQueryTogetherAreAnError) {
  Result r =
      Compile(Kind::kSource, "//sources:s", "", "entities {\n  snapshot_table: \"t\"\n  staging_query: \":sq\"\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: set either `staging_query` or the table, not both "
                                  "[table-and-staging-query]"));
}

TEST_F(SourceTest, ExactlyOneMember) {
  Result r = Compile(Kind::kSource, "//sources:s", "", "events { table: \"a\" }\nentities { snapshot_table: \"b\" }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("[invalid-source]"));
}

// utils.get_dependencies: entities with a mutation table wait for both tables; partition column and lag.
TEST(SourceDependenciesTest, EntitiesWithMutationsWaitForBothTables) {
  Diagnostics diags("def.textproto", "//group_bys/team_a:gb.v1");
  CompileContext ctx(&diags);
  const Json source = Json::parse(
      R"({"entities": {"snapshotTable": "db.snap/sub=1", "mutationTable": "db.mut",
          "query": {"partitionColumn": "dt", "startPartition": "2023-01-01"}}})");
  EXPECT_THAT(
      SourceDependencies(ctx, source, {}, 2),
      ElementsAre(
          R"({"name": "wait_for_db.snap_dt_minus_2", "spec": "db.snap/dt={{ macros.ds_add(ds, -2) }}/sub=1", "start": "2023-01-01", "end": null})",
          R"({"name": "wait_for_db.mut_dt_minus_2", "spec": "db.mut/dt={{ macros.ds_add(ds, -2) }}", "start": "2023-01-01", "end": null})"));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST(JoinOutputTableTest, FillsTheNamespaceOnlyWhenUnset) {
  Json join = Json::parse(R"({"metaData": {"name": "team_a.j.v1"}})");
  EXPECT_EQ(JoinOutputTable(&join, "team_ns"), "team_ns.team_a_j_v1");
  EXPECT_EQ(join["metaData"]["outputNamespace"], "team_ns");
  EXPECT_EQ(JoinOutputTable(&join, "other"), "team_ns.team_a_j_v1");
}

}  // namespace
}  // namespace chronon
