#include "chronon/conf_tool.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
#include "chronon/validate.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using Json = nlohmann::ordered_json;
using Columns = std::vector<std::pair<std::string, std::string>>;

absl::StatusOr<Json> ParseConf(const std::string& text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return absl::InvalidArgumentError("not a JSON object");
  return json;
}

bool Truthy(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0;
  return false;
}

// `_has_diff`'s view of a conf: the conf minus the parts compile.py ignores when guarding online confs.
Json GuardedView(const std::string& kind, Json conf) {
  conf.erase("metaData");
  if (kind == "join") {
    conf.erase("onlineExternalParts");
    if (conf.contains("joinParts") && conf["joinParts"].is_array()) {
      for (Json& part : conf["joinParts"]) {
        if (part.is_object() && part.contains("groupBy") && part["groupBy"].is_object()) {
          part["groupBy"].erase("metaData");
        }
      }
    }
  }
  return conf;
}

// Python's dict comparison ignores member order; compare as unordered JSON.
nlohmann::json Unordered(const Json& json) { return nlohmann::json::parse(json.dump()); }

std::vector<std::string> SelectKeys(const Json& source) {
  std::vector<std::string> keys;
  for (const char* kind : {"events", "entities", "joinSource"}) {
    if (!source.contains(kind)) continue;
    const Json selects = source[kind].value("query", Json::object()).value("selects", Json::object());
    for (const auto& item : selects.items()) keys.push_back(item.key());
  }
  return keys;
}

Columns GroupByColumns(const Json& group_by) {
  Columns columns;
  for (const Json& key : group_by.value("keyColumns", Json::array()))
    columns.emplace_back("key", key.get<std::string>());
  for (const std::string& column : PreDerivedGroupByColumns(group_by)) columns.emplace_back("feature", column);
  if (group_by.contains("derivations") && !group_by["derivations"].empty()) {
    for (const std::string& column : GroupByOutputColumns(group_by)) columns.emplace_back("derived", column);
  }
  return columns;
}

Columns JoinColumns(const Json& join) {
  Columns columns;
  std::vector<std::string> all;
  auto add = [&](const std::string& section, const std::vector<std::string>& names) {
    for (const std::string& column : names) {
      columns.emplace_back(section, column);
      all.push_back(column);
    }
  };
  if (join.contains("left")) add("left", SelectKeys(join["left"]));
  add("join_part", JoinPartColumns(join));
  add("external", ExternalPartColumns(join));
  if (join.contains("derivations") && !join["derivations"].empty()) {
    for (const std::string& column : DerivedColumns(all, join["derivations"])) columns.emplace_back("derived", column);
  }
  return columns;
}

}  // namespace

absl::StatusOr<bool> IsOnlineConf(const std::string& conf) {
  absl::StatusOr<Json> json = ParseConf(conf);
  if (!json.ok()) return json.status();
  const Json& meta = json->value("metaData", Json::object());
  return meta.is_object() && meta.contains("online") && Truthy(meta["online"]);
}

absl::StatusOr<bool> IsGuardedOnlineChange(const std::string& kind, const std::string& old_conf,
                                           const std::string& new_conf) {
  if (kind != "group_by" && kind != "join") return false;
  absl::StatusOr<Json> old_json = ParseConf(old_conf);
  if (!old_json.ok()) return absl::InvalidArgumentError(absl::StrCat("old conf: ", old_json.status().message()));
  absl::StatusOr<Json> new_json = ParseConf(new_conf);
  if (!new_json.ok()) return absl::InvalidArgumentError(absl::StrCat("new conf: ", new_json.status().message()));
  const Json& meta = old_json->value("metaData", Json::object());
  if (!meta.contains("online") || !Truthy(meta["online"])) return false;
  return Unordered(GuardedView(kind, *old_json)) != Unordered(GuardedView(kind, *new_json));
}

absl::StatusOr<Columns> OutputColumns(const std::string& kind, const std::string& conf) {
  absl::StatusOr<Json> json = ParseConf(conf);
  if (!json.ok()) return json.status();
  if (kind == "group_by") {
    return GroupByColumns(*json);
  }
  if (kind == "join") return JoinColumns(*json);
  return absl::InvalidArgumentError(absl::StrCat("output columns exist for group_by and join, not ", kind));
}

}  // namespace chronon
