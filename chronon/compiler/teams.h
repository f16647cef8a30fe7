// teams.json, read as users already have it. Member order matters: a team's table_properties reach the output
// in the order written.
#ifndef CHRONON_TEAMS_H_
#define CHRONON_TEAMS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chronon/common/json.h"

namespace chronon {

struct TeamJsonMember;  // teams.cc

// A problem of teams.json itself, at a 1-based position in it (line 0: the file as a whole).
struct TeamConfigError {
  int line = 0;
  int column = 0;
  std::string id;  // teams-json-syntax or invalid-team-config (docs/diagnostics.md)
  std::string message;
};

class TeamConfig {
 public:
  // Parses teams.json as users write it (with the checks and messages of the build's scanner,
  // rules/private/json_scan.bzl: the same files are refused, with the same messages at the same positions), or
  // chronon_team_config's per-team split of it, whose "$source" member names the file and whose "$errors" member holds
  // what the split found wrong, with positions in that file (rules/private/team_config.bzl). Never fails: what is wrong
  // is in Errors().
  static TeamConfig Parse(const std::string& text);

  // What is wrong for a definition of `team`: the file's syntax, or the entries of `team` and of `default` (the
  // only ones it reads). An entry of another team, however broken, is not this definition's problem.
  std::vector<TeamConfigError> Errors(const std::string& team) const;

  bool HasTeam(const std::string& team) const;
  // Where the config came from, for messages: a per-team split made by chronon_team_config names the teams.json it
  // came from in its "$source" member; otherwise empty.
  const std::string& source() const { return source_; }
  // compile.py's team_conf(team, key): the team's value, else the `default` team's; nullopt when neither has it.
  std::optional<Json> Get(const std::string& team, const std::string& key) const;

 private:
  Json root_ = Json::object();
  std::string source_;
  std::vector<TeamConfigError> errors_;  // syntax, or what the split reported
  // Where each team's entry and its members are in the text (teams.cc's scan), for the positions of type errors.
  std::shared_ptr<const TeamJsonMember> positions_;
};

}  // namespace chronon

#endif  // CHRONON_TEAMS_H_
