// Checks of Chronon's validator (compile.py's ChrononRepoValidator) and of references between targets, made on
// the built JSON tree of an object. Each reports to Diagnostics at the location of the field at fault.
#ifndef CHRONON_VALIDATE_H_
#define CHRONON_VALIDATE_H_

#include <functional>
#include <string>
#include <vector>

#include "chronon/common/diagnostics.h"
#include "chronon/common/json.h"
#include "nlohmann/json.hpp"

namespace chronon {

using Json = ::chronon::Json;
// Maps a JSON pointer of the object being checked to the location of the field that produced it.
using Locate = std::function<Location(const std::string& pointer)>;

// group_by.get_output_col_names: the output columns of one aggregation (one per bucket and window).
std::vector<std::string> AggregationOutputColumns(const Json& aggregation);

// The columns a GroupBy produces before derivations: every aggregation's outputs or, without aggregations, the
// columns its first source selects (keys excluded).
std::vector<std::string> PreDerivedGroupByColumns(const Json& group_by);

// What `derivations` leave of `pre_derived`: with a `*` wildcard the pre-derived columns minus those an identifier
// expression renames, then every named derivation.
std::vector<std::string> DerivedColumns(const std::vector<std::string>& pre_derived, const Json& derivations);

// The columns after derivations (validator.get_group_by_output_columns, keys excluded).
std::vector<std::string> GroupByOutputColumns(const Json& group_by);

// The columns a Join's parts add to its left: `[prefix_]group_by_name_col` (dots of the name as underscores).
std::vector<std::string> JoinPartColumns(const Json& join);

// The columns its online external parts add: `ext_[prefix_]sanitized_source_name_field`.
std::vector<std::string> ExternalPartColumns(const Json& join);

// validator._validate_derivations over `pre_derived` columns; `keys` may be re-derived without a conflict.
void ValidateDerivations(const Json& derivations, const std::vector<std::string>& keys,
                         const std::vector<std::string>& pre_derived, const std::string& pointer, const Locate& locate,
                         Diagnostics* diags);

// JoinPart(key_mapping=): every mapped-to column must be a key of the GroupBy; suggests the closest keys.
void ValidateKeyMappings(const Json& join, const Locate& locate, Diagnostics* diags);

// Deprecation dates: the format (YYYY-MM-DD), and warnings when an object uses one that is going away.
void ValidateDeprecation(const Json& object, const std::string& kind, const std::string& name, const Locate& locate,
                         Diagnostics* diags);

// A production Join must not include a GroupBy explicitly marked non-production.
void ValidateProduction(const Json& join, const std::string& name, const Locate& locate, Diagnostics* diags);

// Levenshtein distance (compile.py's edit distance for suggestions).
size_t EditDistance(const std::string& a, const std::string& b);

}  // namespace chronon

#endif  // CHRONON_VALIDATE_H_
