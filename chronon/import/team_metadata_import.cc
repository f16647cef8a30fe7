// Team metadata, the inverse of team_metadata.cc (compile.py's _set_team_level_metadata): what the team config
// gives anyway and the default schedule are dropped.
#include <optional>

#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {

void UnderiveTeamMetadata(const Json& meta_data, const std::string& team, bool keep_namespace, bool keep_properties,
                          const Context& ctx, api::MetaData* out) {
  if (!keep_namespace && meta_data.contains("outputNamespace")) {
    std::optional<Json> ns = ctx.teams->Get(team, "namespace");
    if (ns && *ns == meta_data["outputNamespace"]) out->clear_output_namespace();
  }
  if (!keep_properties && meta_data.contains("tableProperties")) {
    std::optional<Json> properties = ctx.teams->Get(team, "table_properties");
    if (properties && properties->dump() == meta_data["tableProperties"].dump()) out->clear_table_properties();
  }
  if (out->offline_schedule() == "@daily") out->clear_offline_schedule();
}

}  // namespace importer
}  // namespace chronon
