// The plan for people (RenderPlan), --fail-on (PlanFails) and the `plan` verb (RunPlan); plan.h.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "chronon/plan/plan.h"
#include "chronon/plan/plan_internal.h"

namespace chronon {
namespace {

using Json = nlohmann::json;
using plan_internal::Short;

constexpr size_t kShownMembers = 12;

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
