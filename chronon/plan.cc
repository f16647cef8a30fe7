#include "chronon/plan.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "chronon/conf_tool.h"
#include "chronon/json_pointer.h"

namespace chronon {
namespace {

using Json = nlohmann::json;

constexpr char kSchema[] = "rules_chronon.plan/1";
constexpr char kLeftKey[] = "left_source";
constexpr char kDerivedKey[] = "derived";
// Values longer than this (as compact JSON) are left out of the plan's members; shorter than kShownValue, shown.
constexpr size_t kKeptValue = 200;
constexpr size_t kShownValue = 60;
constexpr size_t kMaxMembers = 200;
constexpr size_t kShownMembers = 12;
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

// A member as the engine's Scala reads it: null when absent (or when `json` is not an object).
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

bool Truthy(const Json& json) {
  if (json.is_boolean()) return json.get<bool>();
  if (json.is_number()) return json.get<double>() != 0;
  return false;
}

bool IsOnline(const Json& conf) { return Truthy(Member(Member(conf, "metaData"), "online")); }

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

// The parts the engine treats as join parts (getRegularAndExternalJoinParts): every joinParts[] entry, then every
// onlineExternalParts[] entry whose source has an offlineGroupBy, as {prefix, GroupBy}.
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

Json WithoutMetaData(Json group_by) {
  if (group_by.is_object()) group_by.erase("metaData");
  return group_by;
}

std::string Short(const Json& value) {
  std::string text = value.dump();
  return text.size() <= kShownValue ? text : absl::StrCat("(", text.size(), " chars)");
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

// Every GroupBy and Join embedded in a conf, with the chain of Joins it is reached through (lineage).
struct Embedded {
  std::string kind;  // "group_by" or "join"
  std::string name;
  std::vector<std::string> via;  // the Joins in between, outermost first
};

void EmbeddedOfJoin(const Json& join, std::vector<std::string> via, std::vector<Embedded>* out);

void EmbeddedOfSource(const Json& source, const std::vector<std::string>& via, std::vector<Embedded>* out) {
  const Json& join = Member(Member(source, "joinSource"), "join");
  if (!join.is_object()) return;
  out->push_back({"join", NameOf(join), via});
  std::vector<std::string> deeper = via;
  deeper.push_back(NameOf(join));
  EmbeddedOfJoin(join, deeper, out);
}

void EmbeddedOfGroupBy(const Json& group_by, const std::vector<std::string>& via, std::vector<Embedded>* out) {
  const Json& sources = Member(group_by, "sources");
  if (!sources.is_array()) return;
  for (const Json& source : sources) EmbeddedOfSource(source, via, out);
}

void EmbeddedOfJoin(const Json& join, std::vector<std::string> via, std::vector<Embedded>* out) {
  EmbeddedOfSource(Member(join, "left"), via, out);
  Json copy = join;
  for (auto& [prefix, group_by] : EngineParts(copy, nullptr)) {
    out->push_back({"group_by", NameOf(*group_by), via});
    EmbeddedOfGroupBy(*group_by, via, out);
  }
}

bool HasStreamingSource(const Json& group_by) {
  const Json& sources = Member(group_by, "sources");
  if (!sources.is_array()) return false;
  for (const Json& source : sources) {
    if (Member(Member(source, "events"), "topic").is_string()) return true;
    if (Member(Member(source, "entities"), "mutationTopic").is_string()) return true;
    const Json& left = Member(Member(Member(source, "joinSource"), "join"), "left");
    if (Member(Member(left, "events"), "topic").is_string()) return true;
    if (Member(Member(left, "entities"), "mutationTopic").is_string()) return true;
  }
  return false;
}

Json MembersJson(const std::vector<MemberChange>& changes, size_t* truncated) {
  Json members = Json::array();
  for (size_t i = 0; i < changes.size() && i < kMaxMembers; ++i) {
    const MemberChange& change = changes[i];
    Json member = {{"pointer", change.pointer}, {"op", change.op}};
    if (!change.old_value.is_null() && change.old_value.dump().size() <= kKeptValue) member["old"] = change.old_value;
    if (!change.new_value.is_null() && change.new_value.dump().size() <= kKeptValue) member["new"] = change.new_value;
    members.push_back(std::move(member));
  }
  *truncated = changes.size() > kMaxMembers ? changes.size() - kMaxMembers : 0;
  return members;
}

std::string KindOfPath(const std::string& path) {
  if (path.rfind("group_bys/", 0) == 0) return "group_by";
  if (path.rfind("joins/", 0) == 0) return "join";
  return "staging_query";
}

Json TablesJson(const std::vector<TableAction>& tables) {
  Json out = Json::array();
  for (const TableAction& table : tables) {
    Json entry = {{"table", table.table}, {"kind", table.kind}, {"action", table.action}, {"reason", table.reason}};
    if (!table.part.empty()) entry["part"] = table.part;
    out.push_back(std::move(entry));
  }
  return out;
}

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

Json MakeChangePlan(const PlanOptions& options, const std::vector<ConfChange>& changes) {
  struct Object {
    const ConfChange* change;
    std::string kind;
    Json old_conf, new_conf;  // null where absent or unreadable
    bool old_ok = false, new_ok = false;
    std::vector<Embedded> embedded;
    Json entry;
  };
  std::vector<Object> objects;
  for (const ConfChange& change : changes) {
    Object object;
    object.change = &change;
    object.kind = KindOfPath(change.path);
    object.entry = {{"path", change.path}, {"kind", object.kind}};
    if (change.checked_in && change.problem.empty()) {
      object.old_conf = Json::parse(change.old_conf, nullptr, /*allow_exceptions=*/false);
      object.old_ok = object.old_conf.is_object();
      if (!object.old_ok) object.old_conf = nullptr;
    }
    if (change.built && !change.new_conf.empty()) {
      object.new_conf = Json::parse(change.new_conf, nullptr, /*allow_exceptions=*/false);
      object.new_ok = object.new_conf.is_object();
      if (!object.new_ok) object.new_conf = nullptr;
    }
    std::string problem = change.problem;
    if (problem.empty() && change.checked_in && !object.old_ok) problem = "the checked-in conf is not a JSON object";
    if (problem.empty() && change.built && !object.new_ok) problem = "the built conf is not a JSON object";
    object.entry["change"] = !problem.empty()     ? "unknown"
                             : !change.checked_in ? "added"
                             : !change.built      ? "removed"
                                                  : "changed";
    if (!problem.empty()) object.entry["problem"] = problem;
    const Json& current = object.new_ok ? object.new_conf : object.old_conf;
    object.entry["name"] = NameOf(current);
    object.entry["online"] = IsOnline(object.old_conf) || IsOnline(object.new_conf);
    if (object.kind == "join") {
      EmbeddedOfJoin(current, {}, &object.embedded);
    } else if (object.kind == "group_by") {
      EmbeddedOfGroupBy(current, {}, &object.embedded);
    }
    objects.push_back(std::move(object));
  }

  int recomputed = 0, computed = 0, online_changes = 0, online_jobs = 0, unknown = 0;
  for (Object& object : objects) {
    Json& entry = object.entry;
    const bool comparable = !entry.contains("problem");
    size_t truncated = 0;
    entry["members"] = Json::array();
    if (comparable && object.old_ok && object.new_ok) {
      entry["members"] = MembersJson(DiffMembers(object.old_conf, object.new_conf), &truncated);
    }
    if (truncated > 0) entry["members_truncated"] = truncated;

    // compile.py's guard: an online conf whose content changed, or that is gone; a conf that cannot be read counts.
    bool guarded = false;
    if (!comparable) {
      guarded = object.kind != "staging_query";
    } else if (object.kind != "staging_query" && object.old_ok) {
      if (!object.new_ok) {
        guarded = IsOnline(object.old_conf);
      } else {
        absl::StatusOr<bool> changed =
            IsGuardedOnlineChange(object.kind, object.change->old_conf, object.change->new_conf);
        guarded = changed.ok() && *changed;
      }
    }
    entry["online_conf_changed"] = guarded;
    online_changes += guarded ? 1 : 0;
    unknown += comparable ? 0 : 1;

    std::vector<TableAction> tables;
    if (comparable && object.kind == "join") {
      tables = JoinTables(object.old_ok ? &object.old_conf : nullptr, object.new_ok ? &object.new_conf : nullptr);
    }
    for (const TableAction& table : tables) {
      (table.action == "compute" ? computed : recomputed) += 1;
    }
    entry["tables"] = TablesJson(tables);

    Json jobs = Json::array();
    if (comparable && object.kind == "group_by" && object.old_ok && object.new_ok &&
        (IsOnline(object.old_conf) || IsOnline(object.new_conf)) &&
        WithoutMetaData(object.old_conf) != WithoutMetaData(object.new_conf)) {
      jobs.push_back("upload");
      if (HasStreamingSource(object.old_conf) || HasStreamingSource(object.new_conf)) jobs.push_back("streaming");
    }
    online_jobs += jobs.empty() ? 0 : 1;
    entry["online_jobs"] = jobs;
  }

  // Lineage: every object of the plan that embeds this one, directly or through JoinSources (the shortest
  // way it is reached). Indexed by what is embedded, so a plan of thousands of confs stays linear.
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<size_t, const Embedded*>>> users_of;
  for (size_t i = 0; i < objects.size(); ++i) {
    std::map<std::pair<std::string, std::string>, const Embedded*> shortest;
    for (const Embedded& embedded : objects[i].embedded) {
      const Embedded*& best = shortest[{embedded.kind, embedded.name}];
      if (best == nullptr || embedded.via.size() < best->via.size()) best = &embedded;
    }
    for (const auto& [key, embedded] : shortest) users_of[key].emplace_back(i, embedded);
  }
  for (Object& object : objects) {
    Json users = Json::array();
    const std::string name = object.entry["name"];
    auto found = users_of.find({object.kind, name});
    if (!name.empty() && found != users_of.end()) {
      for (const auto& [index, embedded] : found->second) {
        const Object& user = objects[index];
        if (&user == &object) continue;
        Json tables = Json::array();
        for (const Json& table : user.entry["tables"]) {
          tables.push_back({{"table", table["table"]}, {"action", table["action"]}});
        }
        users.push_back({{"path", user.change->path},
                         {"name", user.entry["name"]},
                         {"kind", user.kind},
                         {"via", embedded->via},
                         {"tables", tables}});
      }
    }
    object.entry["used_by"] = users;
  }

  Json plan = {{"schema", kSchema}, {"dir", options.dir}, {"owner", options.owner}};
  Json list = Json::array();
  for (Object& object : objects) list.push_back(std::move(object.entry));
  plan["objects"] = std::move(list);
  plan["summary"] = {{"objects", objects.size()},           {"tables_recomputed", recomputed},
                     {"tables_computed", computed},         {"online_confs_changed", online_changes},
                     {"online_group_by_jobs", online_jobs}, {"not_comparable", unknown}};
  return plan;
}

namespace {

std::string MemberLine(const Json& member) {
  const std::string pointer =
      member["pointer"].get<std::string>().empty() ? "(whole)" : member["pointer"].get<std::string>();
  const std::string op = member["op"];
  auto value = [&](const char* key) { return member.contains(key) ? Short(member[key]) : std::string("(long value)"); };
  if (op == "added") return absl::StrCat(pointer, ": added ", value("new"));
  if (op == "removed") return absl::StrCat(pointer, ": removed (was ", value("old"), ")");
  return absl::StrCat(pointer, ": ", value("old"), " -> ", value("new"));
}

}  // namespace

std::string RenderPlan(const Json& plan) {
  const Json& summary = plan["summary"];
  const std::string dir = plan["dir"];
  std::string out;
  if (plan["objects"].empty()) {
    return absl::StrCat(dir, "/: nothing to plan: the checked-in tree is the built one (",
                        plan["owner"].get<std::string>(), ")\n");
  }
  const int recomputed = summary["tables_recomputed"], computed = summary["tables_computed"];
  absl::StrAppend(&out, "Plan for ", dir, "/ (", plan["owner"].get<std::string>(), "): ", summary["objects"].get<int>(),
                  " conf(s) added, removed or changed; ", recomputed, " table(s) dropped or recomputed, ", computed,
                  " new; ", summary["online_confs_changed"].get<int>(), " online conf(s) changed\n");
  for (const Json& object : plan["objects"]) {
    const std::string change = object["change"];
    const std::string sign = change == "added" ? "+" : change == "removed" ? "-" : change == "changed" ? "~" : "?";
    absl::StrAppend(&out, "\n", sign, " ", dir, "/", object["path"].get<std::string>(), " (", change);
    if (object["online"].get<bool>()) absl::StrAppend(&out, ", online");
    absl::StrAppend(&out, ")\n");
    if (object.contains("problem")) {
      absl::StrAppend(&out, "  cannot compare: ", object["problem"].get<std::string>(),
                      "; treated as an online change\n");
    }
    if (object["online_conf_changed"].get<bool>()) {
      absl::StrAppend(&out, "  ONLINE CONF ", change == "removed" ? "GONE" : "CHANGED",
                      ": compile.py refuses this without --force-overwrite; the update needs it too\n");
    }
    const Json& members = object["members"];
    for (size_t i = 0; i < members.size() && i < kShownMembers; ++i) {
      absl::StrAppend(&out, "    ", MemberLine(members[i]), "\n");
    }
    size_t more = members.size() > kShownMembers ? members.size() - kShownMembers : 0;
    if (object.contains("members_truncated")) more += object["members_truncated"].get<size_t>();
    if (more > 0) absl::StrAppend(&out, "    ... and ", more, " more member(s) (--format=json lists them)\n");

    const Json& tables = object["tables"];
    bool recomputes = !tables.empty();
    for (const Json& table : tables) {
      absl::StrAppend(&out, "  ", table["action"].get<std::string>(), " ", table["table"].get<std::string>(),
                      "\n      ", table["reason"].get<std::string>(), "\n");
    }
    if (!object["online_jobs"].empty()) {
      std::vector<std::string> jobs = object["online_jobs"].get<std::vector<std::string>>();
      absl::StrAppend(&out, "  online GroupBy: its ", absl::StrJoin(jobs, " and "), " job", jobs.size() > 1 ? "s" : "",
                      " change", jobs.size() > 1 ? "" : "s", "\n");
    }
    for (const Json& user : object["used_by"]) {
      std::string via;
      if (!user["via"].empty()) {
        via = absl::StrCat(" via ", absl::StrJoin(user["via"].get<std::vector<std::string>>(), " -> "));
      }
      absl::StrAppend(&out, "  used by ", dir, "/", user["path"].get<std::string>(), via);
      if (user["tables"].empty()) {
        absl::StrAppend(&out, ": no table recomputed\n");
      } else {
        std::vector<std::string> names;
        for (const Json& table : user["tables"]) {
          names.push_back(absl::StrCat(table["action"].get<std::string>(), " ", table["table"].get<std::string>()));
          recomputes = true;
        }
        absl::StrAppend(&out, ":\n      ", absl::StrJoin(names, "\n      "), "\n");
      }
    }
    if (object.contains("problem")) continue;
    if (object["kind"] == "staging_query") {
      absl::StrAppend(&out, "  StagingQuery: its table is outside the semantic-hash check (not planned)\n");
    } else if (change == "removed") {
      absl::StrAppend(&out, "  no table recomputed (the engine does not drop the tables of a conf that is gone)\n");
    } else if (!recomputes && object["online_jobs"].empty() && object["kind"] != "staging_query") {
      absl::StrAppend(&out, "  no table recomputed\n");
    }
  }
  return out;
}

bool PlanFails(const Json& plan, bool on_recompute, bool on_online) {
  const Json& summary = plan["summary"];
  if (on_recompute && summary["tables_recomputed"].get<int>() > 0) return true;
  if (on_online && (summary["online_confs_changed"].get<int>() > 0 || summary["not_comparable"].get<int>() > 0)) {
    return true;
  }
  return false;
}

int RunPlan(const TreeOptions& options, const std::string& format, const std::string& fail_on, std::ostream& out,
            std::ostream& err) {
  if (format != "" && format != "text" && format != "json") {
    err << "error: --format=" << format << ": expected text or json\n";
    return 2;
  }
  bool on_recompute = false, on_online = false;
  for (absl::string_view what : absl::StrSplit(fail_on, ',', absl::SkipEmpty())) {
    if (what == "recompute") {
      on_recompute = true;
    } else if (what == "online") {
      on_online = true;
    } else {
      err << "error: --fail-on=" << fail_on << ": expected a comma-separated list of recompute and online\n";
      return 2;
    }
  }
  absl::StatusOr<std::vector<ConfChange>> changes = ChangedConfs(options);
  if (!changes.ok()) {
    err << changes.status().message() << "\n";
    return 1;
  }
  const Json plan = MakeChangePlan({options.dir, options.owner}, *changes);
  if (format == "json") {
    out << plan.dump(2) << "\n";
  } else {
    out << RenderPlan(plan);
  }
  if (!PlanFails(plan, on_recompute, on_online)) return 0;
  if (format != "json") {
    err << "\nplan: failing as --fail-on=" << fail_on << " asks: "
        << (on_recompute && plan["summary"]["tables_recomputed"].get<int>() > 0 ? "tables would be recomputed"
                                                                                : "an online conf changes")
        << "\n";
  }
  return 3;
}

}  // namespace chronon
