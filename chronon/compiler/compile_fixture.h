// Test fixture for the concept tests: compiles inline definitions in-process through chronon::Compile, each against
// the summaries of everything compiled before in the same test, and keeps the exact output or error text.
#ifndef CHRONON_COMPILE_FIXTURE_H_
#define CHRONON_COMPILE_FIXTURE_H_

#include <optional>
#include <string>
#include <vector>

#include "chronon/common/diagnostics.h"
#include "chronon/common/json.h"
#include "chronon/compiler/compiler.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {

using Json = ::chronon::Json;

inline constexpr char kTeams[] = R"({
  "default": {"table_properties": {"source": "chronon"}, "namespace": "default_db"},
  "team_a": {"namespace": "team_a_db", "table_properties": {"b": "2", "a": "1"}}
})";

// An events source with a `ts` select: GroupBy() moves it to the time column; Join() refuses it on the left.
inline constexpr char kEventsWithTs[] = R"(
events {
  table: "db.events/region=us"
  topic: "events_topic"
  query {
    selects { key: "user" value: "user_id" }
    selects { key: "ts" value: "event_ts" }
    start_partition: "2023-01-01"
  }
})";

inline constexpr char kEvents[] = R"(
events {
  table: "db.events/region=us"
  topic: "events_topic"
  query {
    selects { key: "user" value: "user_id" }
    start_partition: "2023-01-01"
    time_column: "event_ts"
  }
})";

struct Result {
  std::optional<CompileOutput> output;
  std::string errors;
  Json conf;
};

class CompileTest : public ::testing::Test {
 protected:
  // Compiles a definition against the summaries of everything compiled before in this test.
  Result Compile(Kind kind, const std::string& label, const std::string& name, const std::string& text) {
    CompileInput input;
    input.kind = kind;
    input.label = label;
    input.name = name;
    input.src_path = "def.textproto";
    input.src_text = text;
    input.teams_path = "teams.json";
    input.teams_text = teams_;
    input.deps = deps_;
    Diagnostics diags(input.src_path, label);
    Result result;
    result.output = chronon::Compile(input, &diags);
    result.errors = diags.Format();
    if (result.output) {
      deps_.push_back({label, result.output->summary});
      if (!result.output->conf.empty()) result.conf = Json::parse(result.output->conf);
    }
    return result;
  }

  std::string teams_ = kTeams;
  std::vector<DependencyInput> deps_;
};

}  // namespace chronon

#endif  // CHRONON_COMPILE_FIXTURE_H_
