#include "chronon/compiler/teams.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

TEST(TeamConfigTest, TeamValueElseDefaultKeepingMemberOrder) {
  std::optional<TeamConfig> config = TeamConfig::Parse(R"({
    "default": {"table_properties": {"z": "1", "a": "2"}, "namespace": "default_db"},
    "team": {"namespace": "team_db"}})");
  ASSERT_TRUE(config->Errors("team").empty());
  EXPECT_TRUE(config->HasTeam("team"));
  EXPECT_FALSE(config->HasTeam("other"));
  EXPECT_EQ(config->Get("team", "namespace")->get<std::string>(), "team_db");
  EXPECT_EQ(config->Get("team", "table_properties")->dump(), R"({"z":"1","a":"2"})");  // not sorted
  EXPECT_FALSE(config->Get("team", "missing").has_value());
}

TEST(TeamConfigTest, SourceOfAPerTeamSplitIsNotATeam) {
  std::optional<TeamConfig> config = TeamConfig::Parse(R"({"$source": "teams.json", "default": {}})");
  ASSERT_TRUE(config->Errors("default").empty());
  EXPECT_EQ(config->source(), "teams.json");
  EXPECT_FALSE(config->HasTeam("$source"));
}

// "line:column id: message" of each error, for compact expectations.
std::vector<std::string> Errors(const std::string& text, const std::string& team) {
  std::vector<std::string> out;
  for (const TeamConfigError& e : TeamConfig::Parse(text).Errors(team)) {
    out.push_back(absl::StrCat(e.line, ":", e.column, " ", e.id, ": ", e.message));
  }
  return out;
}

TEST(TeamConfigTest, SyntaxErrorsHaveTheirLineAndColumn) {
  // json_scan.bzl's message, at the comma (tests/teams_corpus holds a case of each kind of mistake).
  EXPECT_EQ(Errors("{\n  \"team\": {},\n}\n", "team"),
            std::vector<std::string>{
                "2:13 teams-json-syntax: trailing comma before `}`: remove the comma after the last member"});
  EXPECT_EQ(Errors("not json", "team").size(), 1u);
  // Found by tests/fuzz/teams_fuzzer.cc: a number too large for a double (nlohmann throws out_of_range, json.load
  // makes it infinite). Refused by the scan, as json_scan.bzl does, at the number.
  EXPECT_EQ(Errors("{\"team\": {\"namespace\": 1e999}}", "team"),
            std::vector<std::string>{"1:24 teams-json-syntax: `1e999` is beyond the range of a double: JSON readers "
                                     "refuse it or make it infinite"});
}

// The least number a double rounds to infinity is 2^1024 - 2^970; everything below it is read (nlohmann parses it
// without an exception, so Errors() is empty), everything from it on is refused.
TEST(TeamConfigTest, NumbersUpToTheRangeOfADouble) {
  const std::string limit =
      "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166"
      "9288791094655554785194040263065748867150582068190890200070838367627385484581771153176447573027006985557136695962"
      "2842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
  const std::string below =
      "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166"
      "9288791094655554785194040263065748867150582068190890200070838367627385484581771153176447573027006985557136695962"
      "2842914819860834936475292719074168444365510704342711559699508093042880177904174497791";
  for (const std::string& number :
       {below, "-" + below, std::string("1.7976931348623157e308"), std::string("1e308"), std::string("1e-999"),
        std::string("0e9999999999"), std::string("0.0000000000000000001e327"), std::string("1e+0000308")}) {
    EXPECT_TRUE(Errors("{\"team\": {\"env\": " + number + "}}", "team").empty()) << number;
  }
  for (const std::string& number : {limit, "-" + limit, std::string("1.7976931348623159e308"), std::string("1e309"),
                                    std::string("10e308"), std::string("1e9999999999"), std::string("0.01e311")}) {
    EXPECT_EQ(Errors("{\"team\": {\"env\": " + number + "}}", "team").size(), 1u) << number;
  }
  EXPECT_EQ(Errors("22222222e222222222+222", "team").size(), 1u);
  EXPECT_EQ(Errors("", "team").size(), 1u);
}

// The same message as chronon_team_config's (json_scan.bzl), at the repeated key; keys compare unescaped.
TEST(TeamConfigTest, DuplicateKeysAreRefusedAsTheRulesDo) {
  EXPECT_EQ(Errors("{\"a\": {},\n  \"a\": {}}", "a"),
            std::vector<std::string>{"2:3 teams-json-syntax: duplicate key \"a\" (first at 1:2); JSON readers keep "
                                     "only one of them"});
  EXPECT_EQ(Errors(R"({"t": {"namespace": "x", "n\u0061mespace": "y"}})", "t"),
            std::vector<std::string>{"1:26 teams-json-syntax: duplicate key \"n\\u0061mespace\" (first at 1:8); "
                                     "JSON readers keep only one of them"});
  // Found by the teams fuzzer: nlohmann stops at a NUL byte, so what follows one is not valid JSON; no exception.
  constexpr char kAfterNul[] = "\"$errors\"\0{\"a\n\":1}";
  EXPECT_NO_THROW(TeamConfig::Parse(std::string(kAfterNul, sizeof(kAfterNul) - 1)));
  // The same key in two objects, and a string value equal to a key, are not duplicates.
  EXPECT_TRUE(Errors(R"({"t": {"namespace": "t"}, "u": {"namespace": "namespace"}})", "t").empty());
}

// Type errors are at the value, as the rules report them (positions from the scan that json_scan.bzl also does).
TEST(TeamConfigTest, WhatIsNotATeamConfig) {
  EXPECT_EQ(
      Errors("[1]", "team"),
      std::vector<std::string>{"1:1 invalid-team-config: teams.json must be a JSON object of teams, not an array"});
  EXPECT_EQ(Errors(R"({"team": 1})", "team"),
            std::vector<std::string>{
                "1:10 invalid-team-config: the entry of team \"team\" must be a JSON object, not a number"});
  EXPECT_EQ(
      Errors(R"({"team": {"namespace": 42, "table_properties": {"a": "1", "b": 2}}})", "team"),
      (std::vector<std::string>{
          "1:24 invalid-team-config: the \"namespace\" of team \"team\" must be a string (a Hive database), not a "
          "number",
          "1:64 invalid-team-config: the \"table_properties\" of team \"team\": the value of \"b\" must be a string (a "
          "Hive table property), not a number"}));
  EXPECT_EQ(
      Errors(R"({"default": {"table_properties": []}})", "default"),
      std::vector<std::string>{"1:34 invalid-team-config: the \"table_properties\" of team \"default\" must be a JSON "
                               "object of strings, not an array"});
}

TEST(TeamConfigTest, AnotherTeamsBrokenEntryIsNotThisTeamsProblem) {
  EXPECT_TRUE(Errors(R"({"default": {}, "team": {}, "other": [1], "third": {"namespace": 1}})", "team").empty());
  EXPECT_EQ(Errors(R"({"default": {"namespace": 1}, "team": {}})", "team").size(), 1u);  // default is everyone's
}

TEST(TeamConfigTest, ErrorsOfTheSplitAreReportedAsGiven) {
  TeamConfig config = TeamConfig::Parse(
      R"({"$source": "teams.json", "$errors": [{"line": 3, "column": 7, "id": "teams-json-syntax", "message": "m"}]})");
  EXPECT_EQ(config.source(), "teams.json");
  ASSERT_EQ(config.Errors("team").size(), 1u);
  EXPECT_EQ(config.Errors("team")[0].line, 3);
  EXPECT_EQ(config.Errors("team")[0].column, 7);
  EXPECT_EQ(config.Errors("team")[0].id, "teams-json-syntax");
  EXPECT_FALSE(config.HasTeam("$errors"));
}

}  // namespace
}  // namespace chronon
