#include "chronon/teams.h"

#include "gtest/gtest.h"

namespace chronon {
namespace {

TEST(TeamConfigTest, TeamValueElseDefaultKeepingMemberOrder) {
  absl::StatusOr<TeamConfig> config = TeamConfig::Parse(R"({
    "default": {"table_properties": {"z": "1", "a": "2"}, "namespace": "default_db"},
    "team": {"namespace": "team_db"}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->HasTeam("team"));
  EXPECT_FALSE(config->HasTeam("other"));
  EXPECT_EQ(config->Get("team", "namespace")->get<std::string>(), "team_db");
  EXPECT_EQ(config->Get("team", "table_properties")->dump(), R"({"z":"1","a":"2"})");  // not sorted
  EXPECT_FALSE(config->Get("team", "missing").has_value());
}

TEST(TeamConfigTest, SourceOfAPerTeamSplitIsNotATeam) {
  absl::StatusOr<TeamConfig> config = TeamConfig::Parse(R"({"$source": "teams.json", "default": {}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source(), "teams.json");
  EXPECT_FALSE(config->HasTeam("$source"));
}

TEST(TeamConfigTest, RejectsWhatIsNotATeamConfig) {
  EXPECT_FALSE(TeamConfig::Parse("not json").ok());
  EXPECT_FALSE(TeamConfig::Parse("[1]").ok());
  EXPECT_FALSE(TeamConfig::Parse(R"({"team": 1})").ok());
}

}  // namespace
}  // namespace chronon
