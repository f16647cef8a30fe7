// StagingQuery (staging_query.h): naming, team metadata, the output table sources read, views without dates.
#include "chronon/compiler/staging_query.h"

#include <string>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using StagingQueryTest = CompileTest;

TEST_F(StagingQueryTest, NamedWithTeamMetadataAndAnOutputTable) {
  Result r = Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1",
                     "query: \"SELECT 1\"\nstart_partition: \"2023-01-01\"\n");
  ASSERT_TRUE(r.output) << r.errors;
  EXPECT_EQ(r.output->conf,
            "{\n  \"metaData\": {\n    \"name\": \"team_a.sq.v1\",\n    \"tableProperties\": {\n      \"b\": \"2\",\n"
            "      \"a\": \"1\"\n    },\n    \"outputNamespace\": \"team_a_db\",\n    \"team\": \"team_a\"\n  },\n"
            "  \"query\": \"SELECT 1\",\n  \"startPartition\": \"2023-01-01\"\n}");
  const Json summary = Json::parse(r.output->summary);
  EXPECT_EQ(summary["extra"]["outputTable"], "team_a_db.team_a_sq_v1");
  // What dependents embed carries no team metadata.
  EXPECT_FALSE(summary["object"]["metaData"].contains("outputNamespace"));
}

TEST_F(StagingQueryTest, ViewWithDateTemplatesIsAnError) {
  Result r = Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1",
                     "query: \"SELECT * FROM t WHERE ds BETWEEN '{{ start_date }}' AND '{{END_DATE}}'\"\n"
                     "create_view: true\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:2:1: error: StagingQuery 'team_a.sq.v1' with createView=True cannot "
                                  "contain date templates: {start_date, end_date}."));
}

}  // namespace
}  // namespace chronon
