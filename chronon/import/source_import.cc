// Sources, the inverse of BuildSource (source.cc): a table that a staging query of production/ writes becomes a
// `staging_query` reference (StagingQueryEventSource / StagingQueryEntitySource), a JoinSource's parent a `ref`.
#include <string>
#include <utility>

#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {

void ShareSource(const Context& ctx, api::Source* source) {
  if (ctx.shared_sources.empty()) return;
  auto it = ctx.shared_sources.find(source->SerializeAsString());
  if (it == ctx.shared_sources.end()) return;
  source->Clear();
  source->set_ref(it->second);
}

void UnderiveSource(Json source, const std::string& pointer, const std::string& path, const Choices& choices,
                    const Context& ctx, api::Source* out, IntegerDoubles* integers) {
  Json plain = std::move(source);
  const bool join_source = plain.is_object() && plain.contains("joinSource") && plain["joinSource"].is_object() &&
                           plain["joinSource"].contains("join");
  Json parent;
  if (join_source) {
    parent = plain["joinSource"]["join"];
    plain["joinSource"].erase("join");
  }
  JsonToProto(std::move(plain), pointer, path, out, integers, ctx.errors, ctx.file);
  if (join_source) {
    const std::string at = pointer + "/joinSource/join";
    const std::string parent_name = parent.value("metaData", Json::object()).value("name", "");
    auto it = ctx.by_name.find(parent_name);
    if (choices.refs && it != ctx.by_name.end() && it->second->kind == "join" && ctx.available.count(parent_name)) {
      out->mutable_join_source()->mutable_join()->set_ref(it->second->label());
    } else {
      UnderiveJoin(parent, at, PathAppend(PathAppend(path, "join_source"), "join"), /*nested=*/true, choices, ctx,
                   out->mutable_join_source()->mutable_join(), integers);
    }
  }
  if (!choices.refs) return;
  // StagingQueryEventSource(sq, query): the table is the staging query's output table, is_cumulative False.
  if (out->has_events() && out->events().has_table() && out->events().has_is_cumulative() &&
      !out->events().is_cumulative()) {
    auto it = ctx.staging_query_tables.find(out->events().table());
    if (it != ctx.staging_query_tables.end()) {
      out->mutable_events()->clear_table();
      out->mutable_events()->clear_is_cumulative();
      out->mutable_events()->set_staging_query(it->second);
    }
  }
  if (out->has_entities() && out->entities().has_snapshot_table()) {
    auto it = ctx.staging_query_tables.find(out->entities().snapshot_table());
    if (it != ctx.staging_query_tables.end()) {
      out->mutable_entities()->clear_snapshot_table();
      out->mutable_entities()->set_staging_query(it->second);
    }
  }
}

}  // namespace importer
}  // namespace chronon
