// Reading compiled engine JSON after the fact: what the `production/` workflow and the lineage targets need.
// Kept apart from the compiler: these functions only read confs that the compiler (or compile.py) wrote.
#ifndef CHRONON_CONF_TOOL_H_
#define CHRONON_CONF_TOOL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace chronon {

// compile.py's overwrite guard (spec §3.3 step 3, `safe_to_overwrite` / `_has_diff`): true when `old_conf` is an
// online conf (metaData.online truthy) and `new_conf` differs from it once the top-level `metaData` is dropped and,
// for Joins, every `joinParts[].groupBy.metaData` and the whole `onlineExternalParts`. compile.py refuses such an
// overwrite ("Cannot overwrite ... with existing online conf"). `kind` is "group_by", "join" or
// "staging_query" (never guarded: compile.py loads only group_bys/ and joins/ as materialized objects). An
// InvalidArgument error when `old_conf` is not a JSON object (a merge-conflicted or truncated file), Internal when
// `new_conf` is not.
absl::StatusOr<bool> IsGuardedOnlineChange(const std::string& kind, const std::string& old_conf,
                                           const std::string& new_conf);

// Whether a conf is online as compile.py's guard reads it (metaData.online truthy); an error when `conf` is not a JSON
// object (a merge-conflicted or truncated file).
absl::StatusOr<bool> IsOnlineConf(const std::string& conf);

// The output columns of a compiled GroupBy or Join (spec §3.5, the rules of compile.py's --feature-display and of
// the validator's derivation checks), each as {section, column}. GroupBy sections: `key`, `feature` (aggregation
// outputs, or the selected columns without aggregations), `derived`. Join sections: `left`, `join_part`,
// `external`, `derived`. With derivations, `derived` lists what the derivations leave: with a `*` wildcard the
// pre-derived columns (minus those renamed by an identifier expression), then each named derivation.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> OutputColumns(const std::string& kind,
                                                                               const std::string& conf);

}  // namespace chronon

#endif  // CHRONON_CONF_TOOL_H_
