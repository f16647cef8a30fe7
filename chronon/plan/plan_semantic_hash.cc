// The engine's semantic-hash rule (plan.h): JoinOps.semanticHash (SemanticMap) and
// SemanticHashUtils.tablesToRecompute (JoinTables), at the Chronon commit of our goldens; the member diff they use.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chronon/common/json_pointer.h"
#include "chronon/plan/plan.h"
#include "chronon/plan/plan_internal.h"

namespace chronon {
namespace plan_internal {
namespace {

// Values longer than this (as compact JSON) are shown by their length in reasons and in the text plan.
constexpr size_t kShownValue = 60;

bool Truthy(const Json& json) {
  if (json.is_boolean()) return json.get<bool>();
  if (json.is_number()) return json.get<double>() != 0;
  return false;
}

}  // namespace

const Json& Member(const Json& json, const char* key) {
  static const Json* const kNull = new Json(nullptr);
  if (!json.is_object()) return *kNull;
  auto it = json.find(key);
  return it == json.end() ? *kNull : *it;
}

std::string StringOr(const Json& json, const std::string& fallback) {
  return json.is_string() ? json.get<std::string>() : fallback;
}

std::string NameOf(const Json& conf) { return StringOr(Member(Member(conf, "metaData"), "name"), ""); }

bool IsOnline(const Json& conf) { return Truthy(Member(Member(conf, "metaData"), "online")); }

std::vector<std::pair<Json*, Json*>> EngineParts(Json& join, std::vector<std::string>* kinds) {
  std::vector<std::pair<Json*, Json*>> parts;
  if (!join.is_object()) return parts;
  static Json kNoPrefix = nullptr;
  if (join.contains("joinParts") && join["joinParts"].is_array()) {
    for (Json& part : join["joinParts"]) {
      if (!part.is_object() || !part.contains("groupBy")) continue;
      parts.emplace_back(part.contains("prefix") ? &part["prefix"] : &kNoPrefix, &part["groupBy"]);
      if (kinds) kinds->push_back("join_part");
    }
  }
  if (join.contains("onlineExternalParts") && join["onlineExternalParts"].is_array()) {
    for (Json& part : join["onlineExternalParts"]) {
      if (!part.is_object() || !part.contains("source") || !part["source"].is_object()) continue;
      Json& source = part["source"];
      if (!source.contains("offlineGroupBy") || source["offlineGroupBy"].is_null()) continue;
      parts.emplace_back(part.contains("prefix") ? &part["prefix"] : &kNoPrefix, &source["offlineGroupBy"]);
      if (kinds) kinds->push_back("external_part");
    }
  }
  return parts;
}

Json WithoutMetaData(Json group_by) {
  if (group_by.is_object()) group_by.erase("metaData");
  return group_by;
}

std::string Short(const Json& value) {
  std::string text = value.dump();
  return text.size() <= kShownValue ? text : absl::StrCat("(", text.size(), " chars)");
}

}  // namespace plan_internal

namespace {

using Json = nlohmann::json;
using plan_internal::EngineParts;
using plan_internal::Member;
using plan_internal::NameOf;
using plan_internal::Short;
using plan_internal::StringOr;
using plan_internal::WithoutMetaData;

constexpr char kLeftKey[] = "left_source";
constexpr char kDerivedKey[] = "derived";
constexpr size_t kReasonMembers = 3;

void Diff(const Json& a, const Json& b, const std::string& pointer, std::vector<MemberChange>* out) {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
    for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
    for (const std::string& key : keys) {
      const std::string child = absl::StrCat(pointer, "/", JsonPointerToken(key));
      auto in_a = a.find(key), in_b = b.find(key);
      if (in_a == a.end()) {
        out->push_back({child, "added", nullptr, *in_b});
      } else if (in_b == b.end()) {
        out->push_back({child, "removed", *in_a, nullptr});
      } else {
        Diff(*in_a, *in_b, child, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    const size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) Diff(a[i], b[i], absl::StrCat(pointer, "/", i), out);
    for (size_t i = common; i < a.size(); ++i)
      out->push_back({absl::StrCat(pointer, "/", i), "removed", a[i], nullptr});
    for (size_t i = common; i < b.size(); ++i) out->push_back({absl::StrCat(pointer, "/", i), "added", nullptr, b[i]});
    return;
  }
  if (a != b) out->push_back({pointer, "changed", a, b});
}

std::string Sanitize(const std::string& name) {
  std::string clean = name;
  for (char& c : clean) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  }
  return clean;
}

void CleanTopicsOfJoin(Json& join);

// JoinOps.cleanTopic's cleanTopicInSource: events.topic, else entities.mutationTopic, else the JoinSource's Join.
void CleanTopicsOfSource(Json& source) {
  if (!source.is_object()) return;
  if (source.contains("events")) {
    if (source["events"].is_object()) source["events"].erase("topic");
  } else if (source.contains("entities")) {
    if (source["entities"].is_object()) source["entities"].erase("mutationTopic");
  } else if (source.contains("joinSource") && source["joinSource"].is_object() &&
             source["joinSource"].contains("join")) {
    CleanTopicsOfJoin(source["joinSource"]["join"]);
  }
}

void CleanTopicsOfGroupBy(Json& group_by) {
  if (!group_by.is_object() || !group_by.contains("sources") || !group_by["sources"].is_array()) return;
  for (Json& source : group_by["sources"]) CleanTopicsOfSource(source);
}

void CleanTopicsOfJoin(Json& join) {
  if (!join.is_object()) return;
  if (join.contains("left")) CleanTopicsOfSource(join["left"]);
  for (auto& [prefix, group_by] : EngineParts(join, nullptr)) CleanTopicsOfGroupBy(*group_by);
}

bool HasModelTransforms(const Json& join) {
  const Json& transforms = Member(Member(join, "modelTransforms"), "transforms");
  return transforms.is_array() && !transforms.empty();
}

std::string MainTable(const Json& join) {
  return HasModelTransforms(join) ? absl::StrCat(OutputTable(join), "_pre_mt") : OutputTable(join);
}

// "aggregations/0/windows/1/length 7 -> 14, ..." for a reason; pointers relative to the hashed piece.
std::string Describe(const std::vector<MemberChange>& changes) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < changes.size() && i < kReasonMembers; ++i) {
    const MemberChange& change = changes[i];
    std::string pointer = change.pointer.empty() ? "(the whole value)" : change.pointer.substr(1);
    if (change.op == "added") {
      shown.push_back(absl::StrCat(pointer, " added: ", Short(change.new_value)));
    } else if (change.op == "removed") {
      shown.push_back(absl::StrCat(pointer, " removed (was ", Short(change.old_value), ")"));
    } else {
      shown.push_back(absl::StrCat(pointer, " ", Short(change.old_value), " -> ", Short(change.new_value)));
    }
  }
  if (changes.size() > kReasonMembers) shown.push_back(absl::StrCat("and ", changes.size() - kReasonMembers, " more"));
  return absl::StrJoin(shown, ", ");
}

std::string PartWord(const std::string& kind) { return kind == "external_part" ? "external part" : "join part"; }

}  // namespace

std::vector<MemberChange> DiffMembers(const Json& a, const Json& b) {
  std::vector<MemberChange> changes;
  Diff(a, b, "", &changes);
  return changes;
}

std::string OutputTable(const Json& conf) {
  const Json& meta = Member(conf, "metaData");
  // Scala's string interpolation writes a missing namespace as "null".
  return absl::StrCat(StringOr(Member(meta, "outputNamespace"), "null"), ".", Sanitize(NameOf(conf)));
}

std::map<std::string, SemanticEntry> SemanticMap(const Json& original) {
  Json join = original;
  CleanTopicsOfJoin(join);
  const std::string output_table = OutputTable(join);
  std::map<std::string, SemanticEntry> map;
  std::vector<std::string> kinds;
  std::vector<std::pair<Json*, Json*>> parts = EngineParts(join, &kinds);
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [prefix, group_by] = parts[i];
    std::string key = output_table;
    if (prefix->is_string()) absl::StrAppend(&key, "_", prefix->get<std::string>());
    absl::StrAppend(&key, "_", Sanitize(NameOf(*group_by)));
    map[key] = {kinds[i], NameOf(*group_by), WithoutMetaData(*group_by)};  // a later part with the same key wins
  }
  map[kLeftKey] = {"left_source", "", Member(join, "left")};
  map[absl::StrCat(output_table, "_bootstrap")] = {"bootstrap", "", Member(join, "bootstrapParts")};
  const Json& derivations = Member(join, "derivations");
  if (!derivations.is_null()) {
    std::vector<std::string> pieces;
    if (derivations.is_array()) {
      for (const Json& derivation : derivations) {
        pieces.push_back(absl::StrCat(StringOr(Member(derivation, "expression"), "null"), " as ",
                                      StringOr(Member(derivation, "name"), "null")));
      }
    }
    map[kDerivedKey] = {"derived", "", absl::StrJoin(pieces, ", ")};
  }
  return map;
}

std::vector<TableAction> JoinTables(const Json* old_join, const Json* new_join) {
  std::vector<TableAction> tables;
  if (new_join == nullptr) return tables;
  const auto now = SemanticMap(*new_join);
  const std::string main = MainTable(*new_join);
  const std::string bootstrap_key = absl::StrCat(OutputTable(*new_join), "_bootstrap");
  auto is_part = [](const SemanticEntry& entry) { return entry.kind != "left_source" && entry.kind != "derived"; };
  auto add = [&](const std::string& table, const SemanticEntry& entry, const std::string& action,
                 const std::string& reason) {
    tables.push_back({table, entry.kind, action, entry.part, reason});
  };

  if (old_join == nullptr || OutputTable(*old_join) != OutputTable(*new_join)) {
    // No semantic hash is stored on a table that does not exist: the engine computes every table of the Join.
    const std::string reason = old_join == nullptr
                                   ? "new Join"
                                   : absl::StrCat("the output table moves from ", OutputTable(*old_join),
                                                  ": nothing is stored under the new name yet (the old tables stay)");
    for (const auto& [key, entry] : now) {
      if (is_part(entry)) add(key, entry, "compute", reason);
    }
    tables.push_back({main, "main", "compute", "", reason});
    return tables;
  }

  const auto before = SemanticMap(*old_join);
  auto value_in = [](const std::map<std::string, SemanticEntry>& map, const std::string& key) -> const Json* {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second.value;
  };
  auto differs = [](const Json* a, const Json* b) { return (a == nullptr) != (b == nullptr) || (a && *a != *b); };
  const bool left_changed = differs(value_in(before, kLeftKey), value_in(now, kLeftKey));
  const bool bootstrap_changed =
      before.count(bootstrap_key) && differs(value_in(before, bootstrap_key), value_in(now, bootstrap_key));

  std::vector<std::string> main_reasons;
  int dropped = 0, added = 0;
  if (left_changed || bootstrap_changed) {
    const std::string reason =
        left_changed
            ? absl::StrCat("left source changed: every part (",
                           Describe(DiffMembers(before.at(kLeftKey).value, now.at(kLeftKey).value)), ")")
            : absl::StrCat("bootstrap parts changed: every part (",
                           Describe(DiffMembers(before.at(bootstrap_key).value, now.at(bootstrap_key).value)), ")");
    main_reasons.push_back(left_changed ? "left source changed" : "bootstrap parts changed");
    for (const auto& [key, entry] : before) {
      if (!is_part(entry)) continue;
      ++dropped;
      auto in_now = now.find(key);
      if (in_now == now.end()) {
        add(key, entry, "drop", absl::StrCat(reason, "; no longer a part"));
      } else {
        add(key, in_now->second, "recompute", reason);
      }
    }
  } else {
    for (const auto& [key, entry] : before) {
      if (!is_part(entry)) continue;
      auto in_now = now.find(key);
      if (in_now == now.end()) {
        ++dropped;
        add(key, entry, "drop", absl::StrCat(PartWord(entry.kind), " `", entry.part, "` removed"));
        main_reasons.push_back(tables.back().reason);
      } else if (entry.value != in_now->second.value) {
        ++dropped;
        add(key, in_now->second, "recompute",
            absl::StrCat(PartWord(entry.kind), " `", entry.part,
                         "` changed: ", Describe(DiffMembers(entry.value, in_now->second.value))));
        main_reasons.push_back(absl::StrCat(PartWord(entry.kind), " `", entry.part, "` changed"));
      }
    }
  }
  for (const auto& [key, entry] : now) {
    if (before.count(key) || !is_part(entry)) continue;
    // A new bootstrap key counts only when there are bootstrap parts (the engine's own exception).
    if (entry.kind == "bootstrap" && !(entry.value.is_array() && !entry.value.empty())) continue;
    ++added;
    add(key, entry, "compute",
        entry.kind == "bootstrap" ? std::string("bootstrap parts added")
                                  : absl::StrCat(PartWord(entry.kind), " `", entry.part, "` added"));
    main_reasons.push_back(tables.back().reason);
  }
  const bool derived_changed = differs(value_in(before, kDerivedKey), value_in(now, kDerivedKey));
  if (derived_changed)
    main_reasons.push_back(dropped == 0 && added == 0 ? "derivations changed: main table only" : "derivations changed");
  if (dropped > 0 || added > 0 || derived_changed) {
    tables.push_back({main, "main", "recompute", "", absl::StrJoin(main_reasons, "; ")});
  }
  return tables;
}

}  // namespace chronon
