#include "chronon/conf_tool.h"

#include <algorithm>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
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

std::string OperationSuffix(const Json& aggregation) {
  const int op = aggregation.value("operation", 3);  // Aggregation() defaults to LAST
  std::string name = api::Operation_IsValid(op) ? api::Operation_Name(static_cast<api::Operation>(op))
                                                : absl::StrCat(op);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "last_k" || name == "first_k" || name == "top_k" || name == "bottom_k") {
    std::string k = "None";
    if (aggregation.contains("argMap") && aggregation["argMap"].contains("k")) {
      const Json& value = aggregation["argMap"]["k"];
      k = value.is_string() ? value.get<std::string>() : value.dump();
    }
    name = name.substr(0, name.size() - 2) + k;
  }
  return name;
}

// validator's get_output_col_names(agg): base, one name per window, then per bucket (outer loop).
std::vector<std::string> AggregationColumns(const Json& aggregation) {
  const std::string base =
      absl::StrCat(aggregation.value("inputColumn", std::string("None")), "_", OperationSuffix(aggregation));
  std::vector<std::string> windowed;
  if (aggregation.contains("windows") && !aggregation["windows"].empty()) {
    for (const Json& window : aggregation["windows"]) {
      windowed.push_back(absl::StrCat(base, "_", window.value("length", 0), window.value("timeUnit", 0) == 0 ? "h" : "d"));
    }
  } else {
    windowed.push_back(base);
  }
  if (!aggregation.contains("buckets") || aggregation["buckets"].empty()) return windowed;
  std::vector<std::string> bucketed;
  for (const Json& bucket : aggregation["buckets"]) {
    for (const std::string& name : windowed) bucketed.push_back(absl::StrCat(name, "_by_", bucket.get<std::string>()));
  }
  return bucketed;
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

bool IsIdentifier(const std::string& s) {
  static const std::regex identifier("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(s, identifier);
}

// What derivations leave of `pre_derived` (spec §3.5 `_validate_derivations`): with a wildcard, the pre-derived
// columns minus those an identifier expression renames; then every named derivation.
std::vector<std::string> Derived(const std::vector<std::string>& pre_derived, const Json& derivations) {
  bool wildcard = false;
  for (const Json& d : derivations) wildcard |= d.value("expression", std::string()) == "*";
  std::vector<std::string> out;
  if (wildcard) out = pre_derived;
  for (const Json& d : derivations) {
    const std::string expression = d.value("expression", std::string());
    const std::string name = d.value("name", std::string());
    if (wildcard && IsIdentifier(expression)) out.erase(std::remove(out.begin(), out.end(), expression), out.end());
    if (name != "*" && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// The GroupBy's value columns (no keys): derived when it has derivations.
std::vector<std::string> GroupByValueColumns(const Json& group_by, Columns* sections) {
  std::vector<std::string> keys;
  for (const Json& key : group_by.value("keyColumns", Json::array())) keys.push_back(key.get<std::string>());
  std::vector<std::string> features;
  if (group_by.contains("aggregations") && !group_by["aggregations"].is_null()) {
    for (const Json& aggregation : group_by["aggregations"]) {
      for (std::string& column : AggregationColumns(aggregation)) features.push_back(std::move(column));
    }
  } else if (group_by.contains("sources") && !group_by["sources"].empty()) {
    for (std::string& column : SelectKeys(group_by["sources"][0])) {
      if (std::find(keys.begin(), keys.end(), column) == keys.end()) features.push_back(std::move(column));
    }
  }
  if (sections != nullptr) {
    for (const std::string& key : keys) sections->emplace_back("key", key);
    for (const std::string& feature : features) sections->emplace_back("feature", feature);
  }
  if (!group_by.contains("derivations") || group_by["derivations"].empty()) return features;
  std::vector<std::string> pre_derived = features;
  pre_derived.insert(pre_derived.end(), keys.begin(), keys.end());
  std::vector<std::string> derived = Derived(pre_derived, group_by["derivations"]);
  derived.erase(std::remove_if(derived.begin(), derived.end(),
                               [&](const std::string& c) {
                                 return std::find(keys.begin(), keys.end(), c) != keys.end();
                               }),
                derived.end());
  if (sections != nullptr) {
    for (const std::string& column : derived) sections->emplace_back("derived", column);
  }
  return derived;
}

std::string Sanitize(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

std::string Underscored(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

Columns JoinColumns(const Json& join) {
  Columns columns;
  std::vector<std::string> all;
  auto add = [&](const std::string& section, const std::string& column) {
    columns.emplace_back(section, column);
    all.push_back(column);
  };
  if (join.contains("left")) {
    for (const std::string& column : SelectKeys(join["left"])) add("left", column);
  }
  for (const Json& part : join.value("joinParts", Json::array())) {
    const Json& group_by = part.value("groupBy", Json::object());
    std::string prefix = part.contains("prefix") && part["prefix"].is_string() ? part["prefix"].get<std::string>() + "_" : "";
    const std::string gb_name = group_by.value("metaData", Json::object()).value("name", std::string());
    for (const std::string& column : GroupByValueColumns(group_by, nullptr)) {
      add("join_part", absl::StrCat(prefix, Underscored(gb_name), "_", column));
    }
  }
  for (const Json& part : join.value("onlineExternalParts", Json::array())) {
    std::string prefix = part.contains("prefix") && part["prefix"].is_string() ? part["prefix"].get<std::string>() + "_" : "";
    const Json& source = part.value("source", Json::object());
    const std::string name = source.value("metaData", Json::object()).value("name", std::string());
    for (const Json& field : source.value("valueSchema", Json::object()).value("params", Json::array())) {
      add("external", absl::StrCat("ext_", prefix, Sanitize(name), "_", field.value("name", std::string())));
    }
  }
  if (join.contains("derivations") && !join["derivations"].empty()) {
    for (const std::string& column : Derived(all, join["derivations"])) columns.emplace_back("derived", column);
  }
  return columns;
}

}  // namespace

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
    Columns columns;
    GroupByValueColumns(*json, &columns);
    return columns;
  }
  if (kind == "join") return JoinColumns(*json);
  return absl::InvalidArgumentError(absl::StrCat("output columns exist for group_by and join, not ", kind));
}

}  // namespace chronon
