// The validator's column rules and checks on hand-written engine JSON.
#include "chronon/compiler/validate.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Locate NoLocation() {
  return [](const std::string&) { return Location{}; };
}

TEST(AggregationOutputColumnsTest, WindowsBucketsAndKOperations) {
  EXPECT_THAT(AggregationOutputColumns(Json::parse(R"({"inputColumn": "x", "operation": 7})")), ElementsAre("x_sum"));
  EXPECT_THAT(AggregationOutputColumns(Json::parse(
                  R"({"inputColumn": "x", "operation": 7, "windows": [{"length": 3, "timeUnit": 1},
                      {"length": 6, "timeUnit": 0}], "buckets": ["a", "b"]})")),
              ElementsAre("x_sum_3d_by_a", "x_sum_6h_by_a", "x_sum_3d_by_b", "x_sum_6h_by_b"));
  // LAST_K and friends: the op name without `_k`, then k; `None` without one (as Python prints it).
  EXPECT_THAT(AggregationOutputColumns(Json::parse(R"({"inputColumn": "d", "operation": 13, "argMap": {"k": "10"}})")),
              ElementsAre("d_last10"));
  EXPECT_THAT(AggregationOutputColumns(Json::parse(R"({"inputColumn": "d", "operation": 15})")),
              ElementsAre("d_topNone"));
  // No operation: Aggregation() defaults to LAST.
  EXPECT_THAT(AggregationOutputColumns(Json::parse(R"({"inputColumn": "d"})")), ElementsAre("d_last"));
}

TEST(GroupByOutputColumnsTest, WithoutAggregationsTheSelectedColumnsMinusKeys) {
  const Json group_by = Json::parse(R"({"keyColumns": ["user"], "sources": [{"entities": {"query": {
      "selects": {"user": "u", "age": "a", "city": "c"}}}}]})");
  EXPECT_THAT(GroupByOutputColumns(group_by), ElementsAre("age", "city"));
}

TEST(GroupByOutputColumnsTest, WildcardDerivationKeepsColumnsExceptRenamedOnes) {
  const Json group_by = Json::parse(R"({"keyColumns": ["user"],
      "aggregations": [{"inputColumn": "a", "operation": 6}, {"inputColumn": "b", "operation": 6}],
      "derivations": [{"name": "*", "expression": "*"}, {"name": "renamed", "expression": "a_count"},
                      {"name": "double", "expression": "b_count * 2"}]})");
  EXPECT_THAT(GroupByOutputColumns(group_by), ElementsAre("b_count", "renamed", "double"));
}

TEST(JoinColumnsTest, PartsArePrefixedAndExternalPartsUseTheLowercaseMetadata) {
  const Json join = Json::parse(R"({
      "joinParts": [{"prefix": "p", "groupBy": {"metaData": {"name": "team.g.v1"},
                     "aggregations": [{"inputColumn": "x", "operation": 3}]}}],
      "onlineExternalParts": [{"source": {"metadata": {"name": "my.api"},
                               "valueSchema": {"params": [{"name": "score"}]}}}]})");
  EXPECT_THAT(JoinPartColumns(join), ElementsAre("p_team_g_v1_x_last"));
  EXPECT_THAT(ExternalPartColumns(join), ElementsAre("ext_my_api_score"));
}

TEST(ValidateDerivationsTest, UnknownColumnAndNameConflict) {
  Diagnostics diags("f", "//a:b");
  ValidateDerivations(Json::parse(R"([{"name": "n", "expression": "nope"}, {"name": "ok", "expression": "ts"}])"),
                      {"user"}, {"a", "user"}, "/derivations", NoLocation(), &diags);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "unknown-derivation-column");
  EXPECT_THAT(diags.diagnostics()[0].message,
              HasSubstr("Incorrect derivation expression nope, expression not found in pre-derived columns "
                        "['a', 'user']"));

  Diagnostics conflict("f", "//a:b");
  ValidateDerivations(Json::parse(R"([{"name": "*", "expression": "*"}, {"name": "a", "expression": "a + 1"},
                                     {"name": "user", "expression": "user"}])"),
                      {"user"}, {"a", "user"}, "/derivations", NoLocation(), &conflict);
  ASSERT_EQ(conflict.diagnostics().size(), 1u);  // re-deriving a key is allowed
  EXPECT_EQ(conflict.diagnostics()[0].message, "Incorrect derivation name a due to output column name conflict");
}

TEST(ValidateKeyMappingsTest, SuggestsTheClosestKeysFirst) {
  Diagnostics diags("f", "//a:b");
  ValidateKeyMappings(Json::parse(R"({"joinParts": [{"keyMapping": {"l": "usr_id"},
      "groupBy": {"metaData": {"name": "t.g.v1"}, "keyColumns": ["item", "user_id", "user"]}}]})"),
                      NoLocation(), &diags);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].message,
            "'usr_id', is not a valid key for t.g.v1; please pick one from: user_id, user, item");
}

TEST(ValidateDeprecationTest, FormatErrorAndUpstreamWarning) {
  Diagnostics diags("f", "//a:b");
  ValidateDeprecation(Json::parse(R"({"metaData": {"deprecationDate": "2024-13"},
      "joinParts": [{"groupBy": {"metaData": {"name": "t.g.v1", "deprecationDate": "2023-01-01"}}}]})"),
                      "join", "t.j.v1", NoLocation(), &diags);
  ASSERT_EQ(diags.diagnostics().size(), 2u);
  EXPECT_EQ(diags.diagnostics()[0].id, "invalid-deprecation-date");
  EXPECT_EQ(diags.diagnostics()[1].severity, Severity::kWarning);
  EXPECT_THAT(diags.diagnostics()[1].message, HasSubstr("Join part t.g.v1 is going to be deprecated by 2023-01-01"));
  // A join deprecated no later than its parts is fine.
  Diagnostics fine("f", "//a:b");
  ValidateDeprecation(Json::parse(R"({"metaData": {"deprecationDate": "2022-06-01"},
      "joinParts": [{"groupBy": {"metaData": {"name": "t.g.v1", "deprecationDate": "2023-01-01"}}}]})"),
                      "join", "t.j.v1", NoLocation(), &fine);
  EXPECT_TRUE(fine.diagnostics().empty());
}

TEST(EditDistanceTest, Levenshtein) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("same", "same"), 0u);
}

}  // namespace
}  // namespace chronon
