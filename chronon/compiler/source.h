// Sources: the `events` / `entities` / `join_source` union of api.Source, StagingQueryEventSource() and
// StagingQueryEntitySource() of staging_query.py, and the dependencies a source gives the object that reads it
// (utils.get_dependencies, utils.wait_for_simple_schema, utils.get_join_output_table_name).
#ifndef CHRONON_SOURCE_H_
#define CHRONON_SOURCE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chronon/api.pb.h"
#include "chronon/compiler/compile_context.h"

namespace chronon {

// The single member of a Source union ("events", "entities" or "joinSource") and its name; {"", nullptr} if none.
std::pair<std::string, Json*> SourceMember(Json& source);
std::pair<std::string, const Json*> SourceMember(const Json& source);

// The engine JSON of a source at `pointer`: exactly one member set; a `staging_query` reference becomes the
// table the StagingQuery*Source helper reads (and events get isCumulative).
Json BuildSource(CompileContext& ctx, const api::Source& source, const ParseInfoTree* tree, const std::string& pointer);

// A chronon_source definition: the source as the targets that reference it embed it (compile.py writes nothing
// for a source on its own). nullopt when the definition cannot be compiled at all.
std::optional<CompiledObject> CompileSource(CompileContext& ctx, const api::Source& source, const ParseInfoTree& tree);

// utils.get_dependencies(source, dependencies, lag): the JSON-string dependencies of one source (each explicit
// dependency when there are any, else the source's tables or a JoinSource parent's output table).
std::vector<std::string> SourceDependencies(const CompileContext& ctx, const Json& source,
                                            const std::vector<std::string>& explicit_deps, int lag);

// utils.get_join_output_table_name(join, full_name=True); fills the join's namespace from its team's config
// (`namespace_if_unset`) as compile.py does.
std::string JoinOutputTable(Json* join, const std::string& namespace_if_unset);

}  // namespace chronon

#endif  // CHRONON_SOURCE_H_
