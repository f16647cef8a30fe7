// libFuzzer target over chronon::TeamConfig: any bytes as teams.json (or as the per-team split the rules write,
// with "$source" and "$errors"). The contract, beyond not crashing: parsing never throws; every error has an id
// of the catalogue and a message; a position is either absent (line 0) or 1-based and inside the file; a config
// without errors answers lookups of any team.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chronon/compiler/teams.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const chronon::TeamConfig config = chronon::TeamConfig::Parse(text);
  const bool split = text.find("\"$errors\"") != std::string::npos;
  for (const char* team : {"team", "default", ""}) {
    for (const chronon::TeamConfigError& e : config.Errors(team)) {
      if (!split) {  // the split's errors are written by the rules and reported as given
        if (e.id != "teams-json-syntax" && e.id != "invalid-team-config") std::abort();
        if (e.message.empty() || e.line < 0 || e.column < 0) std::abort();
        if (e.line > 0 && (e.column < 1 || static_cast<size_t>(e.line) > size + 1)) std::abort();
      }
    }
    if (config.Errors(team).empty()) {
      (void)config.HasTeam(team);
      (void)config.Get(team, "namespace");
      (void)config.Get(team, "table_properties");
    }
  }
  return 0;
}
