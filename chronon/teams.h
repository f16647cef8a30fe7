// teams.json, read as users already have it. Member order matters: a team's table_properties reach the output
// in the order written.
#ifndef CHRONON_TEAMS_H_
#define CHRONON_TEAMS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace chronon {

class TeamConfig {
 public:
  // Parses the text of a teams.json; an error names the problem (and its byte offset).
  static absl::StatusOr<TeamConfig> Parse(const std::string& text);

  bool HasTeam(const std::string& team) const;
  // Where the config came from, for messages: a per-team split made by chronon_team_config names the teams.json it
  // came from in its "$source" member; otherwise empty.
  const std::string& source() const { return source_; }
  // compile.py's team_conf(team, key): the team's value, else the `default` team's; nullopt when neither has it.
  std::optional<nlohmann::ordered_json> Get(const std::string& team, const std::string& key) const;

 private:
  nlohmann::ordered_json root_;
  std::string source_;
};

}  // namespace chronon

#endif  // CHRONON_TEAMS_H_
