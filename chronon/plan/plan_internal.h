// Reading compiled confs as the engine's Scala reads them, shared by the parts of the plan (plan.h):
// plan_semantic_hash.cc (the engine's rule), plan.cc (the plan and its lineage), plan_report.cc (text and flags).
// Internal to //chronon:plan.
#ifndef CHRONON_PLAN_INTERNAL_H_
#define CHRONON_PLAN_INTERNAL_H_

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace chronon {
namespace plan_internal {

using Json = nlohmann::json;

// A member as the engine's Scala reads it: null when absent (or when `json` is not an object).
const Json& Member(const Json& json, const char* key);

// The string, or `fallback` when `json` is not one.
std::string StringOr(const Json& json, const std::string& fallback);

// metaData.name, or "".
std::string NameOf(const Json& conf);

// Whether metaData.online is set (true, or a non-zero number).
bool IsOnline(const Json& conf);

// The parts the engine treats as join parts (getRegularAndExternalJoinParts): every joinParts[] entry, then every
// onlineExternalParts[] entry whose source has an offlineGroupBy, as {prefix, GroupBy}.
// `kinds`, when given, gets "join_part" or "external_part" for each.
std::vector<std::pair<Json*, Json*>> EngineParts(Json& join, std::vector<std::string>* kinds);

// The GroupBy without its metaData: what the engine hashes of a join part.
Json WithoutMetaData(Json group_by);

// A value as compact JSON, or `(N chars)` when longer than fits in a reason.
std::string Short(const Json& value);

}  // namespace plan_internal
}  // namespace chronon

#endif  // CHRONON_PLAN_INTERNAL_H_
