#include "chronon/production/confs.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

const char kOnlineJoin[] = R"({"metaData": {"name": "t.j.v1", "online": 1},
  "left": {"events": {"query": {"selects": {"user": "user_id", "ts": "ts"}}}},
  "joinParts": [{"groupBy": {"metaData": {"name": "t.g.v1", "online": 1}, "keyColumns": ["user"]}}]})";

TEST(OnlineGuardTest, MetadataOnlyChangesAreAllowed) {
  const std::string changed = R"({"metaData": {"name": "t.j.v1", "online": 1, "production": 1},
    "left": {"events": {"query": {"selects": {"user": "user_id", "ts": "ts"}}}},
    "joinParts": [{"groupBy": {"metaData": {"name": "t.g.v1", "online": 0}, "keyColumns": ["user"]}}],
    "onlineExternalParts": []})";
  EXPECT_FALSE(*IsGuardedOnlineChange("join", kOnlineJoin, changed));
}

TEST(OnlineGuardTest, ContentChangeOfAnOnlineConfIsGuarded) {
  const std::string changed = R"({"metaData": {"name": "t.j.v1", "online": 1},
    "left": {"events": {"query": {"selects": {"user": "user_id", "page": "page", "ts": "ts"}}}},
    "joinParts": [{"groupBy": {"metaData": {"name": "t.g.v1", "online": 1}, "keyColumns": ["user"]}}]})";
  EXPECT_TRUE(*IsGuardedOnlineChange("join", kOnlineJoin, changed));
  // The same change to an offline conf, or to a staging query, is not guarded.
  std::string offline = kOnlineJoin;
  offline.replace(offline.find("\"online\": 1"), 11, "\"online\": 0");
  EXPECT_FALSE(*IsGuardedOnlineChange("join", offline, changed));
  EXPECT_FALSE(*IsGuardedOnlineChange("staging_query", kOnlineJoin, changed));
}

TEST(OnlineGuardTest, GroupByKeepsNestedMetadataInTheComparison) {
  const std::string old_conf = R"({"metaData": {"online": 1}, "sources": [{"events": {"metaData": 1}}]})";
  const std::string new_conf = R"({"metaData": {"online": 1}, "sources": [{"events": {"metaData": 2}}]})";
  EXPECT_TRUE(*IsGuardedOnlineChange("group_by", old_conf, new_conf));
  EXPECT_FALSE(IsGuardedOnlineChange("group_by", "[", new_conf).ok());
}

TEST(OutputColumnsTest, GroupByAggregationsWindowsBucketsAndArguments) {
  const std::string conf = R"({"keyColumns": ["user"], "aggregations": [
    {"inputColumn": "a", "operation": 7, "windows": [{"length": 3, "timeUnit": 1}, {"length": 1, "timeUnit": 0}],
     "buckets": ["x", "y"]},
    {"inputColumn": "d", "operation": 13, "argMap": {"k": "10"}}]})";
  EXPECT_THAT(
      *OutputColumns("group_by", conf),
      ElementsAre(Pair("key", "user"), Pair("feature", "a_sum_3d_by_x"), Pair("feature", "a_sum_1h_by_x"),
                  Pair("feature", "a_sum_3d_by_y"), Pair("feature", "a_sum_1h_by_y"), Pair("feature", "d_last10")));
}

TEST(OutputColumnsTest, GroupByDerivationsWithWildcard) {
  const std::string conf = R"({"keyColumns": ["k"], "aggregations": [{"inputColumn": "a", "operation": 6}],
    "derivations": [{"name": "*", "expression": "*"}, {"name": "renamed", "expression": "a_count"},
                    {"name": "double", "expression": "a_count * 2"}]})";
  EXPECT_THAT(*OutputColumns("group_by", conf), ElementsAre(Pair("key", "k"), Pair("feature", "a_count"),
                                                            Pair("derived", "renamed"), Pair("derived", "double")));
}

TEST(OutputColumnsTest, JoinPartsPrefixesAndExternalParts) {
  const std::string conf = R"({"left": {"events": {"query": {"selects": {"user": "u", "ts": "ts"}}}},
    "joinParts": [{"prefix": "p", "groupBy": {"metaData": {"name": "team.g.v1"}, "keyColumns": ["user"],
                   "aggregations": [{"inputColumn": "x", "operation": 3}]}}],
    "onlineExternalParts": [{"source": {"metadata": {"name": "my.api"},
                             "valueSchema": {"params": [{"name": "score"}]}}}]})";
  EXPECT_THAT(*OutputColumns("join", conf),
              ElementsAre(Pair("left", "user"), Pair("left", "ts"), Pair("join_part", "p_team_g_v1_x_last"),
                          Pair("external", "ext_my_api_score")));
  EXPECT_FALSE(OutputColumns("staging_query", conf).ok());
}

}  // namespace
}  // namespace chronon
