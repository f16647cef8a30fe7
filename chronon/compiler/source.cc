#include "chronon/compiler/source.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/common/python_compat.h"

namespace chronon {

using google::protobuf::Descriptor;

std::pair<std::string, Json*> SourceMember(Json& source) {
  for (const char* kind : {"events", "entities", "joinSource"}) {
    if (source.is_object() && source.contains(kind)) return {kind, &source[kind]};
  }
  return {"", nullptr};
}

std::pair<std::string, const Json*> SourceMember(const Json& source) {
  for (const char* kind : {"events", "entities", "joinSource"}) {
    const Json* member = Find(source, kind);
    if (member != nullptr) return {kind, member};
  }
  return {"", nullptr};
}

Json BuildSource(CompileContext& ctx, const api::Source& source, const ParseInfoTree* tree,
                 const std::string& pointer) {
  // Convert member by member so StagingQueryEventSource / StagingQueryEntitySource can fill the table.
  ToJsonOptions options = ctx.Options();
  Json out = ProtoToJson(source, tree, pointer, options);
  const struct {
    bool has;
    const char* member;
    const char* table_field;
    const std::string* staging_query;
    const ParseInfoTree* tree;
    const Descriptor* descriptor;
  } members[] = {
      {source.has_events(), "events", "table", &source.events().staging_query(),
       NestedTree(tree, api::Source::descriptor(), "events", -1), api::EventSource::descriptor()},
      {source.has_entities(), "entities", "snapshotTable", &source.entities().staging_query(),
       NestedTree(tree, api::Source::descriptor(), "entities", -1), api::EntitySource::descriptor()},
  };
  int set = source.has_events() + source.has_entities() + source.has_join_source();
  if (set != 1) {
    ctx.diags->Error(ctx.Loc(pointer), "invalid-source",
                     "a source sets exactly one of `events`, `entities` or `join_source`");
    return out;
  }
  for (const auto& m : members) {
    if (!m.has || m.staging_query->empty()) continue;
    const Location location = At(m.tree, m.descriptor, "staging_query");
    if (out[m.member].contains(m.table_field)) {
      ctx.diags->Error(location, "table-and-staging-query",
                       absl::StrCat("set either `staging_query` or the table, not both"));
      continue;
    }
    std::optional<Json> sq = ResolveRef(ctx, *m.staging_query, "staging_query", location);
    if (!sq) continue;
    const Dependency& dep = ctx.deps[ResolveLabel(*m.staging_query, ctx.label, ctx.main_repo)->ToString()];
    Json member = Json::object();
    member[m.table_field] = dep.extra.value("outputTable", "");
    for (auto& [key, value] : out[m.member].items()) member[key] = value;
    // StagingQueryEventSource always passes is_cumulative (False by default).
    if (std::string(m.member) == "events" && !member.contains("isCumulative")) member["isCumulative"] = 0;
    out[m.member] = std::move(member);
  }
  SortByFieldNumber(&out, api::Source::descriptor());
  return out;
}

std::optional<CompiledObject> CompileSource(CompileContext& ctx, const api::Source& source, const ParseInfoTree& tree) {
  if (source.has_ref()) {
    ctx.diags->Error(At(&tree, api::Source::descriptor(), "ref"), "ref-not-allowed",
                     "a chronon_source defines a source; reference other sources where they are used instead");
    return std::nullopt;
  }
  return CompiledObject{BuildSource(ctx, source, &tree, ""), nullptr, nullptr};
}

std::vector<std::string> SourceDependencies(const CompileContext& ctx, const Json& source,
                                            const std::vector<std::string>& explicit_deps, int lag) {
  auto [kind, member] = SourceMember(source);
  std::vector<std::string> deps;
  if (member == nullptr) return deps;
  // Read in place: a copy of the query would copy every select (issue 26, finding 11). A member that is not an
  // object (a corrupted summary) throws as value() always did.
  if (!member->is_object()) static_cast<void>(member->value("query", Json::object()));
  const Json empty_query = Json::object();
  const Json* found_query = Find(*member, "query");
  const Json& query = found_query != nullptr ? *found_query : empty_query;
  if (!explicit_deps.empty()) {
    for (const std::string& dep : explicit_deps) {
      Json entry = Json::object();
      entry["name"] = WaitForName(dep);
      entry["spec"] = dep;
      entry["start"] = StringOrNull(query, "startPartition");
      entry["end"] = StringOrNull(query, "endPartition");
      deps.push_back(Dumps(entry));
    }
    return deps;
  }
  // utils.wait_for_simple_schema; an empty table gives Python's None.
  auto simple = [&](const std::string& table) -> Json {
    if (table.empty()) return nullptr;
    const std::vector<std::string> parts = absl::StrSplit(table, '/');
    const std::string clean = parts[0];
    const std::string sub = absl::StrJoin(parts.begin() + 1, parts.end(), "/");
    const std::string partition = query.contains("partitionColumn") ? GetString(query, "partitionColumn") : "ds";
    Json entry = Json::object();
    entry["name"] = absl::StrCat("wait_for_", clean, "_", partition, lag != 0 ? absl::StrCat("_minus_", lag) : "");
    entry["spec"] = absl::StrCat(clean, "/", partition, "=",
                                 lag != 0 ? absl::StrCat("{{ macros.ds_add(ds, -", lag, ") }}") : "{{ ds }}",
                                 sub.empty() ? "" : "/" + sub);
    entry["start"] = StringOrNull(query, "startPartition");
    entry["end"] = StringOrNull(query, "endPartition");
    return entry;
  };
  if (kind == "entities" && member->contains("mutationTable")) {
    for (const char* field : {"snapshotTable", "mutationTable"}) {
      Json entry = simple(GetString(*member, field));
      if (!entry.is_null()) deps.push_back(Dumps(entry));
    }
  } else if (kind == "entities") {
    deps.push_back(Dumps(simple(GetString(*member, "snapshotTable"))));
  } else if (kind == "events") {
    deps.push_back(Dumps(simple(GetString(*member, "table"))));
  } else if (kind == "joinSource") {
    Json parent = member->value("join", Json::object());
    std::optional<Json> ns = ctx.teams.Get(ctx.team, "namespace");
    deps.push_back(Dumps(simple(JoinOutputTable(&parent, ns && ns->is_string() ? ns->get<std::string>() : ""))));
  }
  return deps;
}

std::string JoinOutputTable(Json* join, const std::string& namespace_if_unset) {
  Json& meta_data = (*join)["metaData"];
  if (!meta_data.contains("outputNamespace") && !namespace_if_unset.empty()) {
    meta_data["outputNamespace"] = namespace_if_unset;
    SortByFieldNumber(&meta_data, api::MetaData::descriptor());
  }
  return absl::StrCat(GetString(meta_data, "outputNamespace"), ".", Sanitize(GetString(meta_data, "name")));
}

}  // namespace chronon
