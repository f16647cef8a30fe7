// StagingQuery, the inverse of CompileStagingQuery (staging_query.cc): name, team and the team's metadata are dropped.
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {

void UnderiveStagingQuery(const Json& staging_query, const Context& ctx, api::StagingQuery* out,
                          IntegerDoubles* integers) {
  if (!staging_query.is_object()) {
    AddError(ctx, "", "a StagingQuery must be an object");
    return;
  }
  const Json meta = staging_query.value("metaData", Json::object());
  JsonToProto(Without(staging_query, {"metaData"}), "", "", out, integers, ctx.errors, ctx.file);
  api::MetaData* meta_data = out->mutable_meta_data();
  JsonToProto(Without(meta, {"name", "team"}), "/metaData", "meta_data", meta_data, integers, ctx.errors, ctx.file);
  UnderiveTeamMetadata(meta, meta.value("team", ""), false, false, ctx, meta_data);
  if (meta_data->ByteSizeLong() == 0) out->clear_meta_data();
}

}  // namespace importer
}  // namespace chronon
