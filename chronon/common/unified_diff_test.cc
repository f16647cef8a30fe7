#include "chronon/common/unified_diff.h"

#include <string>

#include "gtest/gtest.h"

namespace chronon {
namespace {

// "1\n2\n...\nn\n".
std::string Numbered(int n) {
  std::string text;
  for (int i = 1; i <= n; ++i) text += std::to_string(i) + "\n";
  return text;
}

TEST(UnifiedDiffTest, EqualTextsGiveNothing) {
  EXPECT_EQ(UnifiedDiff("", "", "a", "b", 60), "");
  EXPECT_EQ(UnifiedDiff("x\ny\n", "x\ny\n", "a", "b", 60), "");
  EXPECT_EQ(UnifiedDiff("x\ny", "x\ny", "a", "b", 60), "");
}

TEST(UnifiedDiffTest, OneChangedLineWithThreeLinesOfContext) {
  std::string changed = Numbered(10);
  changed.replace(changed.find("6\n"), 2, "six\n");
  EXPECT_EQ(UnifiedDiff(Numbered(10), changed, "old.json", "new.json", 60),
            "--- old.json\n"
            "+++ new.json\n"
            "@@ -3,8 +3,8 @@\n"
            " 3\n"
            " 4\n"
            " 5\n"
            "-6\n"
            "+six\n"
            " 7\n"
            " 8\n"
            " 9\n"
            " 10\n");
}

TEST(UnifiedDiffTest, ChangeNearTheStartHasShorterLeadingContext) {
  EXPECT_EQ(UnifiedDiff("1\n2\n3\n", "1\nb\n3\n", "a", "b", 60),
            "--- a\n"
            "+++ b\n"
            "@@ -1,3 +1,3 @@\n"
            " 1\n"
            "-2\n"
            "+b\n"
            " 3\n");
}

TEST(UnifiedDiffTest, AddedLineAtTheEndCountsOnlyTheNewSide) {
  EXPECT_EQ(UnifiedDiff(Numbered(8), Numbered(9), "a", "b", 60),
            "--- a\n"
            "+++ b\n"
            "@@ -6,3 +6,4 @@\n"
            " 6\n"
            " 7\n"
            " 8\n"
            "+9\n");
}

TEST(UnifiedDiffTest, DistantChangesAreSeparateHunks) {
  std::string changed = Numbered(20);
  changed.replace(changed.find("\n2\n"), 3, "\nB\n");
  changed.replace(changed.find("\n19\n"), 4, "\nX\n");
  EXPECT_EQ(UnifiedDiff(Numbered(20), changed, "a", "b", 60),
            "--- a\n"
            "+++ b\n"
            "@@ -1,5 +1,5 @@\n"
            " 1\n"
            "-2\n"
            "+B\n"
            " 3\n"
            " 4\n"
            " 5\n"
            "@@ -16,5 +16,5 @@\n"
            " 16\n"
            " 17\n"
            " 18\n"
            "-19\n"
            "+X\n"
            " 20\n");
}

TEST(UnifiedDiffTest, MissingFinalNewlineIsMarked) {
  // Only the final newline differs: the last line is shown removed and added, the new one marked as diff marks it.
  EXPECT_EQ(UnifiedDiff("x\ny\n", "x\ny", "a", "b", 60),
            "--- a\n"
            "+++ b\n"
            "@@ -1,2 +1,2 @@\n"
            " x\n"
            "-y\n"
            "+y\n"
            "\\ No newline at end of file\n");
  // And the other way round: the old side is the one without it.
  EXPECT_EQ(UnifiedDiff("x\ny", "x\ny\n", "a", "b", 60),
            "--- a\n"
            "+++ b\n"
            "@@ -1,2 +1,2 @@\n"
            " x\n"
            "-y\n"
            "\\ No newline at end of file\n"
            "+y\n");
}

TEST(UnifiedDiffTest, MaxLinesCapsTheHunkLines) {
  std::string old_text, new_text;
  for (int i = 0; i < 30; ++i) {
    old_text += std::to_string(i) + "\n";
    new_text += "n" + std::to_string(i) + "\n";
  }
  // One hunk: its header, 30 removed and 30 added lines. The cap counts hunk lines, not the two label lines.
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "a", "b", 5),
            "--- a\n"
            "+++ b\n"
            "@@ -1,30 +1,30 @@\n"
            "-0\n"
            "-1\n"
            "-2\n"
            "-3\n"
            "... 56 more diff lines not shown\n");
  // Exactly at the cap: nothing is left out, so no trailer.
  const std::string full = UnifiedDiff(old_text, new_text, "a", "b", 61);
  EXPECT_EQ(full.find("more diff lines"), std::string::npos);
  EXPECT_EQ(full.substr(full.size() - 4), "n29\n");
  EXPECT_NE(UnifiedDiff(old_text, new_text, "a", "b", 60).find("... 1 more diff lines not shown\n"), std::string::npos);
}

}  // namespace
}  // namespace chronon
