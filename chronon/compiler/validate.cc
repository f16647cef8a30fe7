#include "chronon/compiler/validate.h"

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chronon/api.pb.h"

namespace chronon {
namespace {

std::string Str(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& Member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string SanitizeName(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (!absl::ascii_isalnum(c) && c != '_') c = '_';
  }
  return out;
}

bool IsIdentifier(const std::string& text) {
  static const std::regex kIdentifier("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(text, kIdentifier);
}

// Python's repr() of a list of strings, as the validator prints it.
std::string PyList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(absl::StrCat("'", item, "'"));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

}  // namespace

std::vector<std::string> AggregationOutputColumns(const Json& aggregation) {
  const int op = IntOr(aggregation, "operation", api::LAST);
  const google::protobuf::EnumValueDescriptor* value = api::Operation_descriptor()->FindValueByNumber(op);
  std::string suffix = absl::AsciiStrToLower(value != nullptr ? value->name() : absl::StrCat(op));
  if (op == api::LAST_K || op == api::FIRST_K || op == api::TOP_K || op == api::BOTTOM_K) {
    const Json& k = Member(Member(aggregation, "argMap"), "k");
    suffix = absl::StrCat(suffix.substr(0, suffix.size() - 2), k.is_string() ? k.get<std::string>() : "None");
  }
  const std::string base = absl::StrCat(Str(aggregation, "inputColumn"), "_", suffix);
  std::vector<std::string> windowed;
  const Json& windows = Member(aggregation, "windows");
  if (windows.is_array() && !windows.empty()) {
    for (const Json& window : windows) {
      windowed.push_back(
          absl::StrCat(base, "_", IntOr(window, "length", 0), IntOr(window, "timeUnit", 1) == api::HOURS ? "h" : "d"));
    }
  } else {
    windowed.push_back(base);
  }
  const Json& buckets = Member(aggregation, "buckets");
  if (!buckets.is_array() || buckets.empty()) return windowed;
  std::vector<std::string> names;
  for (const Json& bucket : buckets) {
    for (const std::string& name : windowed) names.push_back(absl::StrCat(name, "_by_", bucket.get<std::string>()));
  }
  return names;
}

std::vector<std::string> PreDerivedGroupByColumns(const Json& group_by) {
  std::vector<std::string> columns;
  const Json& aggregations = Member(group_by, "aggregations");
  if (aggregations.is_array()) {
    for (const Json& aggregation : aggregations) {
      for (std::string& column : AggregationOutputColumns(aggregation)) columns.push_back(std::move(column));
    }
    return columns;
  }
  std::set<std::string> keys;
  for (const Json& key : Member(group_by, "keyColumns")) keys.insert(key.get<std::string>());
  const Json& sources = Member(group_by, "sources");
  if (!sources.is_array() || sources.empty()) return columns;
  for (const char* kind : {"events", "entities", "joinSource"}) {
    const Json& selects = Member(Member(Member(sources[0], kind), "query"), "selects");
    if (!selects.is_object()) continue;
    for (const auto& [column, expression] : selects.items()) {
      if (!keys.count(column)) columns.push_back(column);
    }
  }
  return columns;
}

std::vector<std::string> DerivedColumns(const std::vector<std::string>& pre_derived, const Json& derivations) {
  bool wildcard = false;
  std::set<std::string> renamed;
  for (const Json& derivation : derivations) {
    if (Str(derivation, "expression") == "*") wildcard = true;
    if (IsIdentifier(Str(derivation, "expression"))) renamed.insert(Str(derivation, "expression"));
  }
  std::vector<std::string> columns;
  if (wildcard) {
    for (const std::string& column : pre_derived) {
      if (!renamed.count(column)) columns.push_back(column);
    }
  }
  for (const Json& derivation : derivations) {
    const std::string name = Str(derivation, "name");
    if (name != "*" && std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  }
  return columns;
}

std::vector<std::string> GroupByOutputColumns(const Json& group_by) {
  std::vector<std::string> pre_derived = PreDerivedGroupByColumns(group_by);
  const Json& derivations = Member(group_by, "derivations");
  if (!derivations.is_array() || derivations.empty()) return pre_derived;
  std::vector<std::string> keys;
  for (const Json& key : Member(group_by, "keyColumns")) keys.push_back(key.get<std::string>());
  pre_derived.insert(pre_derived.end(), keys.begin(), keys.end());
  std::vector<std::string> columns;
  for (std::string& column : DerivedColumns(pre_derived, derivations)) {
    if (std::find(keys.begin(), keys.end(), column) == keys.end()) columns.push_back(std::move(column));
  }
  return columns;
}

std::vector<std::string> JoinPartColumns(const Json& join) {
  std::vector<std::string> columns;
  for (const Json& part : Member(join, "joinParts")) {
    const Json& group_by = Member(part, "groupBy");
    std::string name = Str(Member(group_by, "metaData"), "name");
    std::replace(name.begin(), name.end(), '.', '_');
    const std::string prefix = part.contains("prefix") ? Str(part, "prefix") + "_" : "";
    for (const std::string& column : GroupByOutputColumns(group_by)) {
      columns.push_back(absl::StrCat(prefix, name, "_", column));
    }
  }
  return columns;
}

std::vector<std::string> ExternalPartColumns(const Json& join) {
  std::vector<std::string> columns;
  for (const Json& part : Member(join, "onlineExternalParts")) {
    const Json& source = Member(part, "source");
    const std::string prefix = part.contains("prefix") ? Str(part, "prefix") + "_" : "";
    const std::string name = SanitizeName(Str(Member(source, "metadata"), "name"));
    for (const Json& field : Member(Member(source, "valueSchema"), "params")) {
      columns.push_back(absl::StrCat("ext_", prefix, name, "_", Str(field, "name")));
    }
  }
  return columns;
}

void ValidateDerivations(const Json& derivations, const std::vector<std::string>& keys,
                         const std::vector<std::string>& pre_derived, const std::string& pointer, const Locate& locate,
                         Diagnostics* diags) {
  if (!derivations.is_array()) return;
  const std::set<std::string> key_set(keys.begin(), keys.end());
  const std::set<std::string> available(pre_derived.begin(), pre_derived.end());
  bool wildcard = false;
  for (const Json& derivation : derivations) wildcard = wildcard || Str(derivation, "expression") == "*";
  std::set<std::string> outputs;
  if (wildcard) outputs = available;
  for (size_t i = 0; i < derivations.size(); ++i) {
    const Json& derivation = derivations[i];
    const std::string at = absl::StrCat(pointer, "/", i);
    const std::string expression = Str(derivation, "expression");
    const std::string name = Str(derivation, "name");
    if (IsIdentifier(expression)) {
      if (wildcard) outputs.erase(expression);
      if (!available.count(expression) && expression != "ds" && expression != "ts") {
        diags->Error(locate(at + "/expression"), "unknown-derivation-column",
                     absl::StrCat("Incorrect derivation expression ", expression,
                                  ", expression not found in pre-derived columns ", PyList(pre_derived)));
      }
    }
    if (name != "*") {
      if (outputs.count(name) && !key_set.count(name)) {
        diags->Error(locate(at + "/name"), "derivation-name-conflict",
                     absl::StrCat("Incorrect derivation name ", name, " due to output column name conflict"));
      } else {
        outputs.insert(name);
      }
    }
  }
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void ValidateKeyMappings(const Json& join, const Locate& locate, Diagnostics* diags) {
  const Json& parts = Member(join, "joinParts");
  for (size_t i = 0; i < parts.size(); ++i) {
    const Json& group_by = Member(parts[i], "groupBy");
    const Json& mapping = Member(parts[i], "keyMapping");
    std::vector<std::string> keys;
    for (const Json& key : Member(group_by, "keyColumns")) keys.push_back(key.get<std::string>());
    if (!mapping.is_object() || keys.empty()) continue;
    for (const auto& [left, right] : mapping.items()) {
      const std::string value = right.get<std::string>();
      if (std::find(keys.begin(), keys.end(), value) != keys.end()) continue;
      std::vector<std::string> suggestions = keys;
      std::stable_sort(suggestions.begin(), suggestions.end(), [&](const std::string& a, const std::string& b) {
        return EditDistance(a, value) < EditDistance(b, value);
      });
      diags->Error(locate(absl::StrCat("/joinParts/", i, "/keyMapping/", left)), "invalid-key-mapping",
                   absl::StrCat("'", value, "', is not a valid key for ", Str(Member(group_by, "metaData"), "name"),
                                "; please pick one from: ", absl::StrJoin(suggestions, ", ")));
    }
  }
}

void ValidateDeprecation(const Json& object, const std::string& kind, const std::string& name, const Locate& locate,
                         Diagnostics* diags) {
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  const std::string date = Str(Member(object, "metaData"), "deprecationDate");
  const bool has_date = Member(object, "metaData").contains("deprecationDate");
  if (has_date && !std::regex_search(date, kDate, std::regex_constants::match_continuous)) {
    diags->Error(
        locate("/metaData/deprecationDate"), "invalid-deprecation-date",
        absl::StrCat("Deprecation date is not in the correct format for ", kind, " ", name, " (write YYYY-MM-DD)"));
  }
  // Upstream objects going away before this one (compile.py prints these and goes on).
  auto check_upstream = [&](const Json& upstream, const std::string& what, const std::string& pointer) {
    const Json& meta = Member(upstream, "metaData");
    if (!meta.contains("deprecationDate")) return;
    const std::string upstream_date = Str(meta, "deprecationDate");
    if (has_date && date <= upstream_date) return;
    diags->Warning(locate(pointer), "upstream-deprecated",
                   absl::StrCat(what, " ", Str(meta, "name"), " is going to be deprecated by ", upstream_date,
                                ". Please ensure either to remove/migrate the dependency or set up correct "
                                "deprecationDate for ",
                                name));
  };
  const Json& parts = Member(object, "joinParts");
  for (size_t i = 0; i < parts.size(); ++i) {
    check_upstream(Member(parts[i], "groupBy"), "Join part", absl::StrCat("/joinParts/", i));
  }
  const Json& sources = Member(object, "sources");
  for (size_t i = 0; i < sources.size(); ++i) {
    const Json& parent = Member(Member(sources[i], "joinSource"), "join");
    if (!parent.is_null()) check_upstream(parent, "Join source", absl::StrCat("/sources/", i));
  }
}

void ValidateProduction(const Json& join, const std::string& name, const Locate& locate, Diagnostics* diags) {
  const Json& production = Member(Member(join, "metaData"), "production");
  if (IntegerOf<int>(production) != 1) return;
  std::vector<std::string> offenders;
  for (const Json& part : Member(join, "joinParts")) {
    const Json& meta = Member(Member(part, "groupBy"), "metaData");
    const Json& gb_production = Member(meta, "production");
    if (IntegerOf<int>(gb_production) == 0) offenders.push_back(Str(meta, "name"));
  }
  if (!offenders.empty()) {
    diags->Error(locate("/metaData/production"), "production-join-non-production-group-by",
                 absl::StrCat("join ", name, " is production but includes the following non production group_bys: ",
                              absl::StrJoin(offenders, ", ")));
  }
}

}  // namespace chronon
