// libFuzzer target over what the update and the plan read from a checked-in tree (issue 26): the ownership index
// (production_internal::ParseIndex) and a changed conf's old and new bytes through the plan (MakeChangePlan,
// RenderPlan, and the JSON output). The input is `<index>\0<old conf>\0<new conf>`. The contract, beyond not
// crashing: the index parser returns a status, and the JSON plan always dumps as valid UTF-8 and parses back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "chronon/plan/plan.h"
#include "chronon/production/production_index.h"
#include "nlohmann/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\0', 2));
  parts.resize(3);
  (void)chronon::production_internal::ParseIndex(parts[0], "production/.chronon_managed");
  chronon::ConfChange change;
  change.path = parts[0].size() < 64 && !parts[0].empty() ? "joins/team/" + parts[0] : "joins/team/j.v1";
  change.checked_in = !parts[1].empty();
  change.built = !parts[2].empty() || !change.checked_in;
  change.old_conf = parts[1];
  change.new_conf = parts[2];
  const nlohmann::json plan = chronon::MakeChangePlan({"production", "//:production"}, {change});
  const std::string text = plan.dump(2, ' ', false, nlohmann::json::error_handler_t::strict);
  if (nlohmann::json::parse(text, nullptr, false).is_discarded()) std::abort();
  (void)chronon::RenderPlan(plan);
  (void)chronon::PlanFails(plan, true, true);
  return 0;
}
