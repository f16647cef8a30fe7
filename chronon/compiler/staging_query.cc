#include "chronon/compiler/staging_query.h"

#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chronon/common/python_compat.h"
#include "chronon/compiler/team_metadata.h"

namespace chronon {

std::optional<CompiledObject> CompileStagingQuery(CompileContext& ctx, const api::StagingQuery& staging_query,
                                                  const ParseInfoTree& tree) {
  // Like a GroupBy's or a Join's: the name and team come from where the definition lives, never from meta_data
  // (a StagingQuery's dependencies and custom_json are the user's, as StagingQuery(metaData=...) takes them).
  const ParseInfoTree* meta_tree = NestedTree(&tree, api::StagingQuery::descriptor(), "meta_data", -1);
  RejectDerivedName(ctx, staging_query.meta_data(), meta_tree);
  RejectDerivedTeam(ctx, staging_query.meta_data(), meta_tree);
  ToJsonOptions options = ctx.Options();
  Json s = ProtoToJson(staging_query, &tree, "", options);
  Json& meta_data = s["metaData"];
  if (meta_data.is_null()) meta_data = Json::object();
  meta_data["name"] = ctx.name;
  meta_data["team"] = ctx.team;
  SortByFieldNumber(&s, api::StagingQuery::descriptor());
  if (IsTrue(s, "createView")) {
    static const std::regex kStart(R"(\{\{\s*start_date\s*\}\})", std::regex::icase);
    static const std::regex kEnd(R"(\{\{\s*end_date\s*\}\})", std::regex::icase);
    const std::string query = GetString(s, "query");
    std::vector<std::string> found;
    if (std::regex_search(query, kStart)) found.push_back("start_date");
    if (std::regex_search(query, kEnd)) found.push_back("end_date");
    if (!found.empty()) {
      ctx.diags->Error(
          ctx.Loc("/createView"), "view-with-date-templates",
          absl::StrCat("StagingQuery '", ctx.name, "' with createView=True cannot contain date templates: {",
                       absl::StrJoin(found, ", "),
                       "}. Views should contain all data and use partition pushdown for filtering."));
    }
  }
  Json conf = s;
  SetTeamMetadata(ctx, &conf, ctx.team, "");
  // staging_query._resolve: the table sources built on this query read.
  Json extra = Json::object();
  extra["outputTable"] = absl::StrCat(GetString(conf["metaData"], "outputNamespace"), ".", Sanitize(ctx.name));
  return CompiledObject{std::move(s), std::move(conf), std::move(extra)};
}

}  // namespace chronon
