#include "chronon/compiler/team_metadata.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace chronon {

std::string TeamNamespace(CompileContext& ctx, const std::string& team, const std::string& pointer) {
  auto cached = ctx.namespaces.find(team);
  if (cached != ctx.namespaces.end()) return cached->second;
  std::optional<Json> ns = ctx.teams.Get(team, "namespace");
  if (!ns || !ns->is_string()) {
    ctx.diags->Error(ctx.Loc(pointer), "team-config-missing-key",
                     absl::StrCat("neither team ", team, " nor `default` has a \"namespace\" in ", ctx.TeamsName(),
                                  "; add one or set meta_data.output_namespace"));
    ctx.namespaces[team] = "";
    return "";
  }
  return ctx.namespaces[team] = ns->get<std::string>();
}

void SetTeamMetadata(CompileContext& ctx, Json* object, const std::string& team, const std::string& pointer) {
  Json& meta_data = (*object)["metaData"];
  if (!meta_data.contains("outputNamespace")) meta_data["outputNamespace"] = TeamNamespace(ctx, team, pointer);
  if (!meta_data.contains("tableProperties") || meta_data["tableProperties"].empty()) {
    std::optional<Json> properties = ctx.teams.Get(team, "table_properties");
    if (!properties) {
      ctx.diags->Error(
          ctx.Loc(pointer), "team-config-missing-key",
          absl::StrCat("neither team ", team, " nor `default` has \"table_properties\" in ", ctx.TeamsName()));
    } else {
      meta_data["tableProperties"] = *properties;
    }
  }
  meta_data["team"] = team;
  SortByFieldNumber(&meta_data, api::MetaData::descriptor());
  // A GroupBy's JoinSource parents get the GroupBy's team metadata.
  if (object->contains("sources")) {
    for (size_t i = 0; i < (*object)["sources"].size(); ++i) {
      Json& source = (*object)["sources"][i];
      if (source.contains("joinSource") && source["joinSource"].contains("join")) {
        SetTeamMetadata(ctx, &source["joinSource"]["join"], team, pointer);
      }
    }
  }
}

void RejectDerivedMetaData(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree,
                           const char* owner) {
  const google::protobuf::Descriptor* d = api::MetaData::descriptor();
  if (meta_data.has_custom_json()) {
    ctx.diags->Error(At(tree, d, "custom_json"), "derived-field",
                     absl::StrCat("meta_data.custom_json is derived by ", owner,
                                  "(); write extra keyword arguments as `helper { kwargs { ... } }`"));
  }
  if (meta_data.dependencies_size() > 0) {
    ctx.diags->Error(At(tree, d, "dependencies", 0), "derived-field",
                     absl::StrCat("meta_data.dependencies is derived by ", owner,
                                  "(); write explicit dependencies as `helper { dependencies: \"...\" }`"));
  }
  RejectDerivedTeam(ctx, meta_data, tree);
}

void RejectDerivedTeam(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree) {
  if (!meta_data.has_team()) return;
  ctx.diags->Error(
      At(tree, api::MetaData::descriptor(), "team"), "derived-field",
      absl::StrCat("meta_data.team is derived from where the definition lives (its team folder): ", ctx.team));
}

void RejectDerivedName(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree) {
  if (!meta_data.has_name()) return;
  ctx.diags->Error(At(tree, api::MetaData::descriptor(), "name"), "derived-field",
                   absl::StrCat("meta_data.name is derived from where the definition lives: ", ctx.name));
}

}  // namespace chronon
