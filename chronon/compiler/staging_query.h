// StagingQuery: Chronon's Python has no helper (users build ttypes.StagingQuery); compile.py names it and adds
// team metadata, and the validator refuses date templates in a view. Also staging_query._resolve, the output
// table that StagingQueryEventSource() / StagingQueryEntitySource() read (source.h).
#ifndef CHRONON_STAGING_QUERY_H_
#define CHRONON_STAGING_QUERY_H_

#include <optional>

#include "chronon/api.pb.h"
#include "chronon/compiler/compile_context.h"

namespace chronon {

// A chronon_staging_query definition as compile.py writes it; `extra` carries {"outputTable": ...}.
std::optional<CompiledObject> CompileStagingQuery(CompileContext& ctx, const api::StagingQuery& staging_query,
                                                  const ParseInfoTree& tree);

}  // namespace chronon

#endif  // CHRONON_STAGING_QUERY_H_
