#include "chronon/teams.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace chronon {

absl::StatusOr<TeamConfig> TeamConfig::Parse(const std::string& text) {
  TeamConfig config;
  config.root_ = nlohmann::ordered_json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (config.root_.is_discarded()) return absl::InvalidArgumentError("the team config is not valid JSON");
  if (!config.root_.is_object()) return absl::InvalidArgumentError("the team config must be a JSON object of teams");
  auto source = config.root_.find("$source");
  if (source != config.root_.end()) {
    if (source->is_string()) config.source_ = source->get<std::string>();
    config.root_.erase(source);
  }
  for (const auto& [team, entry] : config.root_.items()) {
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("the entry of team \"", team, "\" must be a JSON object"));
    }
  }
  return config;
}

bool TeamConfig::HasTeam(const std::string& team) const { return root_.contains(team); }

std::optional<nlohmann::ordered_json> TeamConfig::Get(const std::string& team, const std::string& key) const {
  for (const std::string& name : {team, std::string("default")}) {
    auto it = root_.find(name);
    if (it != root_.end() && it->contains(key)) return it->at(key);
  }
  return std::nullopt;
}

}  // namespace chronon
