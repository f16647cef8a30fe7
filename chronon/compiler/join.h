// Join() of join.py with its parts: LabelPart() (label offsets), ExternalSource() / ContextualSource() (online
// external parts), bootstrap_from_log; and what compile.py does with a Join module (naming, the online and
// production checks, team metadata, templated bootstrap and label dependencies).
#ifndef CHRONON_JOIN_H_
#define CHRONON_JOIN_H_

#include <optional>
#include <string>

#include "chronon/api.pb.h"
#include "chronon/compiler/compile_context.h"

namespace chronon {

// Join(...): the engine JSON of a Join at `pointer` (top-level or a JoinSource parent) as the helper builds it:
// the left's `ts`, dependencies of the left, the parts and the bootstrap tables, customJson, the label part's own
// metadata, consistencySamplePercent, the bootstrap_from_log part.
Json BuildJoin(CompileContext& ctx, const api::Join& join, const ParseInfoTree* tree, const std::string& pointer);

// LabelPart(...) with an aggregated label GroupBy: one aggregation with one DAYS window, whose length becomes both
// offsets (label-offsets-inferred when they were written otherwise).
void ValidateLabelPart(const CompileContext& ctx, Json* label_part, const std::string& pointer);

// ExternalSource(name, team, key_fields, value_fields, ...) / ContextualSource(fields, team): metadata and the
// STRUCT schemas "ext_{name}_keys" / "ext_{name}_values" ("contextual_keys" / "contextual_values").
Json BuildExternalSource(CompileContext& ctx, const api::ExternalSource& source, const ParseInfoTree* tree,
                         const std::string& pointer);

// A chronon_join definition as compile.py writes it: Join(), module naming, the online / key mapping /
// production / deprecation / derivation checks, _set_team_level_metadata and _set_templated_values. nullopt
// when the definition cannot be compiled at all.
std::optional<CompiledObject> CompileJoin(CompileContext& ctx, const api::Join& join, const ParseInfoTree& tree);

}  // namespace chronon

#endif  // CHRONON_JOIN_H_
