// The orchestration (compiler.h): label and name checks, dependency summaries, parsing, writing.
#include "chronon/compiler/compiler.h"

#include <optional>
#include <string>
#include <vector>

#include "chronon/compiler/compile_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using CompilerTest = CompileTest;

TEST_F(CompilerTest, NonFiniteNumbersAreRejected) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\nmeta_data {\n  sample_percent: inf\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:3:3: error: NaN and infinity cannot be written"));
}

// Found by fuzzing (tests/fuzz): a label or name that is not UTF-8 made writing the summary JSON throw.
TEST_F(CompilerTest, LabelAndNameMustBeUtf8) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  const std::string gb =
      "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
      "aggregations { input_column: \"user\" operation: COUNT }\n";
  Result label = Compile(Kind::kGroupBy, "//group_bys/team_a:gb\xff.v1", "team_a.gb.v1", gb);
  EXPECT_FALSE(label.output);
  EXPECT_THAT(label.errors, HasSubstr("is not an absolute Bazel label [invalid-label]"));
  Result name = Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb\xff.v1", gb);
  EXPECT_FALSE(name.output);
  EXPECT_THAT(name.errors, HasSubstr("[invalid-name]"));
  Result source = Compile(Kind::kSource, "//sources:ev\xc3", "", kEvents);
  EXPECT_FALSE(source.output);
  EXPECT_THAT(source.errors, HasSubstr("[invalid-label]"));
  Result source_name = Compile(Kind::kSource, "//sources:ev", "\xe8s", kEvents);
  EXPECT_FALSE(source_name.output);
  EXPECT_THAT(source_name.errors, HasSubstr("is not UTF-8 [invalid-name]"));
}

// The importer asks for no summary when nothing will read it (issue 26, finding 11): the conf is the same.
TEST_F(CompilerTest, NoSummaryWhenNotAsked) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  CompileInput input;
  input.kind = Kind::kGroupBy;
  input.label = "//group_bys/team_a:gb.v1";
  input.name = "team_a.gb.v1";
  input.src_path = "def.textproto";
  input.src_text =
      "sources { ref: \"//sources:events\" }\nkey_columns: \"user\"\n"
      "aggregations { input_column: \"user\" operation: COUNT }\n";
  input.teams_path = "teams.json";
  input.teams_text = teams_;
  input.deps = deps_;
  Diagnostics with_diags(input.src_path, input.label);
  std::optional<CompileOutput> with = chronon::Compile(input, &with_diags);
  input.summary = false;
  Diagnostics without_diags(input.src_path, input.label);
  std::optional<CompileOutput> without = chronon::Compile(input, &without_diags);
  ASSERT_TRUE(with);
  ASSERT_TRUE(without);
  EXPECT_FALSE(with->summary.empty());
  EXPECT_TRUE(without->summary.empty());
  EXPECT_EQ(with->conf, without->conf);
  EXPECT_FALSE(without->conf.empty());
}

// Found by fuzzing: dependency summaries with a missing or mistyped member (here `object`) threw in the compiler.
TEST_F(CompilerTest, CorruptDependencySummariesAreDiagnostics) {
  const std::string join =
      "left { ref: \"//sources:events\" }\n"
      "join_parts { group_by { ref: \"//group_bys/team_a:gb.v1\" } }\n";
  deps_ = {{"events.chronon.json", R"({"kind":"source","label":"//sources:events","name":"","team":"","object":{}})"},
           {"gb.chronon.json", R"({"kind":"group_by","label":"//group_bys/team_a:gb.v1","name":"team_a.gb.v1",)"
                               R"("team":"team_a","extraobject":{}})"}};
  Result missing = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", join);
  EXPECT_FALSE(missing.output);
  EXPECT_THAT(missing.errors, HasSubstr("gb.chronon.json is not the output of a Chronon target; rebuild it"));
  deps_[1].summary = R"({"kind":"group_by","label":"//group_bys/team_a:gb.v1","name":"team_a.gb.v1",)"
                     R"("team":"team_a","object":{"metaData":null,"sources":[{}]}})";
  Result inner = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", join);
  EXPECT_FALSE(inner.output);
  EXPECT_THAT(inner.errors, HasSubstr("[internal-error]"));
}

// Found by tests/integration/large_inputs_test.sh: 1,000 nested JoinSource joins ran for more than 10 minutes (the
// work grows with the cube of the depth). Nesting is bounded like protobuf's binary parser bounds it.
TEST_F(CompilerTest, DeepNestingIsAParseError) {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "left { join_source { join { ";
  for (int i = 0; i < 1000; ++i) deep += "} } } ";
  Result r = Compile(Kind::kJoin, "//joins/team_a:deep.v1", "team_a.deep.v1", deep);
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:1:944: error: Message is too deep, the parser exceeded the "
                                  "configured recursion limit of 100. [parse-error]"));
}

}  // namespace
}  // namespace chronon
