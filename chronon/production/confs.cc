#include "chronon/production/confs.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
#include "chronon/common/json.h"
#include "chronon/common/json_limits.h"
#include "chronon/compiler/validate.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using Json = ::chronon::Json;
using Columns = std::vector<std::pair<std::string, std::string>>;

// The guard compares member sets, as Python's dict comparison does: it parses into nlohmann::json (std::map
// members). Everything else reads confs in their written order (Json).
using UnorderedJson = nlohmann::json;

template <typename JsonType = Json>
absl::StatusOr<JsonType> ParseConf(const std::string& text) {
  if (JsonTooDeep(text)) return absl::InvalidArgumentError(JsonTooDeepMessage());
  JsonType json = JsonType::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return absl::InvalidArgumentError("not a JSON object");
  return json;
}

bool IsOnline(const UnorderedJson& conf) {
  auto meta = conf.find("metaData");
  if (meta == conf.end() || !meta->is_object()) return false;
  auto online = meta->find("online");
  if (online == meta->end()) return false;
  if (online->is_boolean()) return online->get<bool>();
  if (online->is_number()) return online->get<double>() != 0;
  return false;
}

// `_has_diff`'s view of a conf: the conf minus the parts compile.py ignores when guarding online confs.
UnorderedJson GuardedView(const std::string& kind, UnorderedJson conf) {
  conf.erase("metaData");
  if (kind == "join") {
    conf.erase("onlineExternalParts");
    auto parts = conf.find("joinParts");
    if (parts != conf.end() && parts->is_array()) {
      for (UnorderedJson& part : *parts) {
        auto group_by = part.is_object() ? part.find("groupBy") : part.end();
        if (group_by != part.end() && group_by->is_object()) group_by->erase("metaData");
      }
    }
  }
  return conf;
}

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
  absl::StatusOr<UnorderedJson> json = ParseConf<UnorderedJson>(conf);
  if (!json.ok()) return json.status();
  return IsOnline(*json);
}

absl::StatusOr<bool> IsGuardedOnlineChange(const std::string& kind, const std::string& old_conf,
                                           const std::string& new_conf) {
  absl::StatusOr<UnorderedJson> old_json = ParseConf<UnorderedJson>(old_conf);
  if (!old_json.ok()) return absl::InvalidArgumentError(absl::StrCat("old conf: ", old_json.status().message()));
  if ((kind != "group_by" && kind != "join") || !IsOnline(*old_json)) return false;
  absl::StatusOr<UnorderedJson> new_json = ParseConf<UnorderedJson>(new_conf);
  if (!new_json.ok()) return absl::InternalError(absl::StrCat("new conf: ", new_json.status().message()));
  return GuardedView(kind, *std::move(old_json)) != GuardedView(kind, *std::move(new_json));
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
