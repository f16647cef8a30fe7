// `bazel run :<name>.plan`: what a change of the production/ tree will cost in Chronon's engine, before anything
// is deployed (docs/plan.md). For each conf added, removed or changed: the members that changed (JSON pointers),
// the Join tables that the engine's semantic-hash check (SemanticHashUtils.tablesToRecompute over
// JoinOps.semanticHash, at the Chronon commit of our goldens) will drop and recompute, with the reason of each,
// the online GroupBys whose upload or streaming job changes, the online confs compile.py guards, and the lineage:
// every changed Join or GroupBy that embeds a changed GroupBy or Join, directly or through JoinSource chains.
//
// The checked-in conf stands for what the engine last ran: the semantic hashes it stored in the tables' Hive
// properties are those of that conf. Hashes are compared as canonical JSON (equal JSON, equal md5).
#ifndef CHRONON_PLAN_H_
#define CHRONON_PLAN_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "chronon/production/production_tree.h"
#include "nlohmann/json.hpp"

namespace chronon {

// One member that differs between two JSON values: `op` is "changed", "added" or "removed"; the values are null
// where absent.
struct MemberChange {
  std::string pointer;  // RFC 6901, relative to the compared values ("" is the whole value)
  std::string op;
  nlohmann::json old_value, new_value;
};

// Every leaf difference between `a` and `b`, in pointer order: objects by member, arrays by index (elements past
// the shorter array are added or removed), anything else when unequal.
std::vector<MemberChange> DiffMembers(const nlohmann::json& a, const nlohmann::json& b);

// One entry of a Join's semantic hash (JoinOps.semanticHash with excludeTopic): the hashed piece as canonical JSON.
struct SemanticEntry {
  std::string kind;  // "join_part", "external_part", "bootstrap", "left_source", "derived"
  std::string part;  // join_part / external_part: the GroupBy's name
  nlohmann::json value;
};

// The semantic hash map of a compiled Join, keyed as the engine keys it: `<outputTable>_[<prefix>_]<GroupBy>` per
// join part (and per external part with an offlineGroupBy), `left_source`, `<outputTable>_bootstrap`, `derived`
// (only with derivations). Topics (events.topic, entities.mutationTopic) are cleared first, through JoinSources.
std::map<std::string, SemanticEntry> SemanticMap(const nlohmann::json& join);

// `<outputNamespace>.<name, every char outside [A-Za-z0-9_] replaced by _>`.
std::string OutputTable(const nlohmann::json& conf);

// A table that a Join change makes the engine write.
struct TableAction {
  std::string table;
  std::string kind;    // "join_part", "external_part", "bootstrap", "main"
  std::string action;  // "recompute" (dropped and rebuilt), "drop" (dropped, no longer built), "compute" (new)
  std::string part;    // join_part / external_part: the GroupBy's name
  std::string reason;
};

// The engine's rule for one Join: `old_join` null for an added Join, `new_join` null for a removed one (no table:
// the engine never drops the tables of a Join that is gone). By table kind order: parts in key order, bootstrap,
// main.
std::vector<TableAction> JoinTables(const nlohmann::json* old_join, const nlohmann::json* new_join);

struct PlanOptions {
  std::string dir;    // the checked-in tree as shown: `production`
  std::string owner;  // the chronon_production target
};

// The plan of docs/plan.md ("schema": "rules_chronon.plan/1") for the changed confs.
nlohmann::json MakeChangePlan(const PlanOptions& options, const std::vector<ConfChange>& changes);

// The plan for people: per object, its changed members, its tables with reasons, its online jobs, its users.
std::string RenderPlan(const nlohmann::json& plan);

// Whether `--fail-on` applies: a table dropped or recomputed (`recompute`), an online conf changed or a conf that
// cannot be compared (`online`).
bool PlanFails(const nlohmann::json& plan, bool on_recompute, bool on_online);

// The `plan` verb of chronon_conf_tool: surveys the tree (ChangedConfs) and prints the plan. `format` is "text"
// (or "") or "json"; `fail_on` a comma-separated list of "recompute" and "online" (or ""). Exit status: 0, 3
// when --fail-on applies, 1 when the tree cannot be surveyed, 2 for a bad option.
int RunPlan(const TreeOptions& options, const std::string& format, const std::string& fail_on, std::ostream& out,
            std::ostream& err);

}  // namespace chronon

#endif  // CHRONON_PLAN_H_
