// GroupBy() of group_by.py and its validate_group_by, and what compile.py does with a GroupBy module
// (naming, team metadata, templated dependencies).
#ifndef CHRONON_GROUP_BY_H_
#define CHRONON_GROUP_BY_H_

#include <optional>
#include <string>

#include "chronon/api.pb.h"
#include "chronon/compiler/compile_context.h"

namespace chronon {

// GroupBy(...): the engine JSON of a GroupBy at `pointer` (top-level or inline in a Join) as the helper builds it:
// selects for every key and input, `ts` to the time column, aggregation argMaps, dependencies, customJson,
// team, offline schedule; then validate_group_by and the validator's derivation check.
Json BuildGroupBy(CompileContext& ctx, const api::GroupBy& group_by, const ParseInfoTree* tree,
                  const std::string& pointer);

// group_by.validate_group_by on the built JSON (the helper's asserts, as diagnostics).
void ValidateGroupBy(const CompileContext& ctx, const Json& group_by, const std::string& pointer);

// A chronon_group_by definition as compile.py writes it: GroupBy(), module naming, deprecation check,
// _set_team_level_metadata and _set_templated_values. nullopt when the definition cannot be compiled at all.
std::optional<CompiledObject> CompileGroupBy(CompileContext& ctx, const api::GroupBy& group_by,
                                             const ParseInfoTree& tree);

}  // namespace chronon

#endif  // CHRONON_GROUP_BY_H_
