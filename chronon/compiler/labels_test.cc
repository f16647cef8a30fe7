// Bazel labels (labels.h) and references to other targets: parsing, resolution against the package, the deps.
#include "chronon/compiler/labels.h"

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
using ReferenceTest = CompileTest;

TEST(LabelsTest, ParsesAbsoluteLabels) {
  std::optional<Label> label = ParseAbsoluteLabel("@repo//a/b:c.v1");
  ASSERT_TRUE(label);
  EXPECT_EQ(label->repo, "repo");
  EXPECT_EQ(label->package, "a/b");
  EXPECT_EQ(label->name, "c.v1");
  EXPECT_EQ(label->ToString(), "@repo//a/b:c.v1");
  EXPECT_EQ(ParseAbsoluteLabel("//a/b")->ToString(), "//a/b:b");
  EXPECT_FALSE(ParseAbsoluteLabel(":c"));
  EXPECT_FALSE(ParseAbsoluteLabel("//a:"));
  EXPECT_FALSE(ParseAbsoluteLabel("@repo"));
}

TEST(LabelsTest, ResolvesAgainstTheCurrentTarget) {
  const Label current = *ParseAbsoluteLabel("@r//joins/team_a:j.v1");
  EXPECT_EQ(ResolveLabel(":x", current)->ToString(), "@r//joins/team_a:x");
  EXPECT_EQ(ResolveLabel("x", current)->ToString(), "@r//joins/team_a:x");
  EXPECT_EQ(ResolveLabel("//sources:x", current)->ToString(), "@r//sources:x");  // stays in the repository
  EXPECT_EQ(ResolveLabel("@other//sources:x", current)->ToString(), "@other//sources:x");
  EXPECT_FALSE(ResolveLabel("", current));
  EXPECT_FALSE(ResolveLabel(":", current));
}

TEST(LabelsTest, TheMainWorkspaceNameIsTheMainRepository) {
  const Label current{"", "joins/team_a", "j.v1"};
  EXPECT_EQ(ResolveLabel("@my_ws//sources:x", current, "my_ws")->ToString(), "//sources:x");
  EXPECT_EQ(ResolveLabel("@other//sources:x", current, "my_ws")->ToString(), "@other//sources:x");
  EXPECT_EQ(ResolveLabel("@my_ws//sources:x", current)->ToString(), "@my_ws//sources:x");
}

TEST(LabelsTest, APackageWithoutSlashesIsRefusedWithASuggestion) {
  const Label current{"", "joins/team_a", "j.v1"};
  EXPECT_FALSE(ResolveLabel("sources:x", current));
  EXPECT_EQ(SuggestLabel("sources:x"), "//sources:x");
  EXPECT_EQ(SuggestLabel("a/b:x"), "//a/b:x");
  EXPECT_EQ(SuggestLabel(":x"), "");
  EXPECT_EQ(SuggestLabel("a:b:c"), "");
}

TEST_F(ReferenceTest, RelativeReferencesResolveInThePackage) {
  ASSERT_TRUE(Compile(Kind::kSource, "//joins/team_a:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left { ref: \":events\" }\n");
  EXPECT_TRUE(r.output) << r.errors;
}

TEST_F(ReferenceTest, ReferenceToATargetThatIsNotADepNamesTheLabelToAdd) {
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1", "left {\n  ref: \"//sources:events\"\n}\n");
  EXPECT_FALSE(r.output);
  EXPECT_EQ(r.errors,
            "def.textproto:2:3: error: //sources:events is not a dependency of //joins/team_a:j.v1; add "
            "\"//sources:events\" to the deps of //joins/team_a:j.v1 [missing-dependency]\n"
            "  in target //joins/team_a:j.v1\n");
}

TEST_F(ReferenceTest, ReferenceOfTheWrongKind) {
  ASSERT_TRUE(Compile(Kind::kSource, "//sources:events", "", kEvents).output);
  Result r = Compile(Kind::kJoin, "//joins/team_a:j.v1", "team_a.j.v1",
                     "left { ref: \"//sources:events\" }\njoin_parts { group_by { ref: \"//sources:events\" } }\n");
  EXPECT_FALSE(r.output);
  EXPECT_THAT(r.errors, HasSubstr("def.textproto:2:25: error: //sources:events is a chronon_source, but a "
                                  "chronon_group_by is needed here [wrong-kind]"));
}

}  // namespace
}  // namespace chronon
