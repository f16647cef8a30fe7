#include "chronon/plan/plan.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "chronon/plan/plan_internal.h"
#include "chronon/production/confs.h"

namespace chronon {
namespace {

using Json = nlohmann::json;
using plan_internal::EngineParts;
using plan_internal::IsOnline;
using plan_internal::Member;
using plan_internal::NameOf;
using plan_internal::WithoutMetaData;

constexpr char kSchema[] = "rules_chronon.plan/1";
// Values longer than this (as compact JSON) are left out of the plan's members.
constexpr size_t kKeptValue = 200;
constexpr size_t kMaxMembers = 200;

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

}  // namespace chronon
