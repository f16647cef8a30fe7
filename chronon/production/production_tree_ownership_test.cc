// Which files a chronon_production target manages: unmanaged files, removals, shared directories, the index.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "chronon/production/production_tree.h"
#include "chronon/production/production_tree_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// --- Ownership. ---

TEST_F(ProductionTreeTest, UnmanagedFilesAreLeftAloneAndReportedOnce) {
  const std::vector<std::pair<std::string, std::string>> unmanaged = {
      {"production/OWNERS", "alice\n"},
      {"production/README.md", "# production\n"},
      {"production/BUILD", "exports_files([])\n"},
      {"production/joins/team/x.v9", "{\"written by\": \"compile.py\"}\n"},
      {"production/group_bys/team/my conf.v1", "spaces\n"},
  };
  for (const auto& [rel, content] : unmanaged) Write(rel, content);
  const struct stat owners = Stat("production/OWNERS");

  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 5 file(s) not managed by //:production, left alone:\n"));
  for (const auto& [rel, content] : unmanaged) {
    EXPECT_EQ(Read(rel), content) << rel;
    EXPECT_EQ(Count(update.out, rel), 1u) << rel << " in:\n" << update.out;
  }
  EXPECT_EQ(Stat("production/OWNERS").st_ino, owners.st_ino);
  EXPECT_EQ(Stat("production/OWNERS").st_mtim.tv_nsec, owners.st_mtim.tv_nsec);
  // The index lists only what this target writes.
  EXPECT_EQ(Read("production/.chronon_managed"),
            Index({{"//:production", kGroupByPath}, {"//:production", kJoinPath}}));

  // The check passes with them there, and mentions them once too.
  const Result check = Check(options);
  EXPECT_EQ(check.code, 0) << check.out;
  for (const auto& [rel, content] : unmanaged) EXPECT_EQ(Count(check.out, rel), 1u) << rel;

  // An update that has nothing to do reports them once as well, and removing every definition leaves them.
  const Result again = Update(options);
  EXPECT_EQ(again.code, 0);
  for (const auto& [rel, content] : unmanaged) EXPECT_EQ(Count(again.out, rel), 1u) << rel;
  const Result none = Update(Options({}, /*force=*/true));  // both confs are online
  ASSERT_EQ(none.code, 0) << none.err;
  for (const auto& [rel, content] : unmanaged) EXPECT_EQ(Read(rel), content) << rel;
  EXPECT_FALSE(Exists("production/group_bys/team/g.v1"));
  EXPECT_FALSE(Exists("production/joins/team/j.v1"));
  EXPECT_FALSE(Exists("production/.chronon_managed"));
}

TEST_F(ProductionTreeTest, ManagedFileWithoutDefinitionIsRemovedWithItsEmptyDirectories) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy},
                            {kOfflinePath, kOfflineGroupBy},
                            {kStagingPath, kStagingQuery},
                            {"joins/other_team/k.v1", kStagingQuery}}))
                .code,
            0);
  Write("production/joins/team/x.v9", "compile.py\n");  // unmanaged, next to a managed file that goes
  Write("production/joins/team/j.v1", kStagingQuery);   // adopted by the next update (offline: not guarded)
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy},
                            {kOfflinePath, kOfflineGroupBy},
                            {kStagingPath, kStagingQuery},
                            {"joins/other_team/k.v1", kStagingQuery},
                            {kJoinPath, kStagingQuery}}))
                .code,
            0);

  // Drop the staging query, the offline GroupBy and the two joins.
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("GONE: production/staging_queries/team/s.v1 (managed by //:production; no "
                                   "definition builds it any more)\n"));
  EXPECT_THAT(check.out, HasSubstr("GONE: production/group_bys/team/h.v1"));
  EXPECT_THAT(check.out, HasSubstr("it lists 4 file(s) that are no longer managed"));

  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("removed production/staging_queries/team/s.v1\n"));
  EXPECT_THAT(update.out, HasSubstr("removed production/group_bys/team/h.v1\n"));
  EXPECT_THAT(update.out, HasSubstr("production/: 0 written, 4 removed, 1 unchanged\n"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_FALSE(Exists("production/group_bys/team/h.v1"));
  EXPECT_FALSE(Exists("production/staging_queries"));   // emptied: gone, up to the root
  EXPECT_FALSE(Exists("production/joins/other_team"));  // emptied
  EXPECT_FALSE(Exists("production/joins/team/j.v1"));
  EXPECT_EQ(Read("production/joins/team/x.v9"), "compile.py\n");  // its directory stays
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", kGroupByPath}}));
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, ManagedFileAlreadyDeletedByHandOnlyLosesItsIndexLine) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}, {kStagingPath, kStagingQuery}})).code, 0);
  ASSERT_EQ(unlink(Path("production/staging_queries/team/s.v1").c_str()), 0);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): the index is out of date\n"));
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 0 written, 0 removed, 1 unchanged\n"));
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", kGroupByPath}}));
}

TEST_F(ProductionTreeTest, TwoOwnersShareADirectory) {
  const TreeOptions ours = Options({{kGroupByPath, kGroupBy}}, false, "//:production");
  const TreeOptions theirs = Options({{"group_bys/team/other.v1", kOfflineGroupBy}}, false, "//other:production");
  ASSERT_EQ(Update(ours).code, 0);
  const Result their_update = Update(theirs);
  ASSERT_EQ(their_update.code, 0) << their_update.err;
  // Each one's files are not "unmanaged" for the other.
  EXPECT_THAT(their_update.out, Not(HasSubstr("not managed")));
  EXPECT_EQ(Read("production/.chronon_managed"),
            Index({{"//:production", kGroupByPath}, {"//other:production", "group_bys/team/other.v1"}}));

  // Both are up to date; each update keeps the other's file and line.
  EXPECT_EQ(Check(ours).code, 0);
  EXPECT_EQ(Check(theirs).code, 0);
  const Result our_again = Update(ours);
  EXPECT_EQ(our_again.out, "production/: up to date (1 file(s))\n");

  // When our definition goes, our file goes; theirs and their index line stay.
  ASSERT_EQ(Update(Options({}, /*force=*/true, "//:production")).code, 0);
  EXPECT_FALSE(Exists("production/group_bys/team/g.v1"));
  EXPECT_EQ(Read("production/group_bys/team/other.v1"), kOfflineGroupBy);
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//other:production", "group_bys/team/other.v1"}}));
  EXPECT_EQ(Check(theirs).code, 0);
}

TEST_F(ProductionTreeTest, PathManagedByAnotherTargetIsAnErrorAndNothingIsWritten) {
  Write("production/joins/team/j.v1", "theirs\n");
  const std::string index = Index({{"//other:production", kJoinPath}});
  Write("production/.chronon_managed", index);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});

  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("MANAGED BY ANOTHER TARGET: production/joins/team/j.v1 is listed for "
                                    "//other:production in production/.chronon_managed"));
  EXPECT_THAT(update.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(Read("production/joins/team/j.v1"), "theirs\n");
  EXPECT_FALSE(Exists("production/group_bys"));
  EXPECT_EQ(Read("production/.chronon_managed"), index);
  EXPECT_FALSE(Exists("production/.chronon_staging"));

  // --force-overwrite does not make it ours.
  EXPECT_EQ(Update(Options({{kJoinPath, kJoin}}, true)).code, 1);
  EXPECT_EQ(Read("production/joins/team/j.v1"), "theirs\n");

  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("MANAGED BY ANOTHER TARGET: production/joins/team/j.v1"));
}

// --- The index. ---

TEST_F(ProductionTreeTest, ConflictedIndexCountsAsTheUnionAndIsRewritten) {
  const TreeOptions setup = Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupBy}, {kJoinPath, kJoin}});
  ASSERT_EQ(Update(setup).code, 0);
  Write("production/.chronon_managed", absl::StrCat(kHeader,
                                                    "//:production\tgroup_bys/team/g.v1\n"
                                                    "<<<<<<< HEAD\n"
                                                    "//:production\tgroup_bys/team/h.v1\n"
                                                    "=======\n"
                                                    "//:production\tjoins/team/j.v1\n"
                                                    ">>>>>>> feature\n"));
  // Both sides' files are managed: without their definitions, both go; nothing is reported as unmanaged.
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("GONE: production/group_bys/team/h.v1"));
  EXPECT_THAT(check.out, HasSubstr("ONLINE CONF GONE: production/joins/team/j.v1"));
  EXPECT_THAT(check.out, Not(HasSubstr("not managed")));

  const Result update = Update(Options({{kGroupByPath, kGroupBy}}, true));
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_FALSE(Exists("production/group_bys/team/h.v1"));
  EXPECT_FALSE(Exists("production/joins"));
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", kGroupByPath}}));
}

TEST_F(ProductionTreeTest, ConflictedIndexWithNothingElseToDoIsRewrittenClean) {
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});
  ASSERT_EQ(Update(options).code, 0);
  Write("production/.chronon_managed", absl::StrCat(kHeader,
                                                    "<<<<<<< HEAD\n"
                                                    "//:production\tgroup_bys/team/g.v1\n"
                                                    "||||||| base\n"
                                                    "=======\n"
                                                    "//:production\tjoins/team/j.v1\n"
                                                    ">>>>>>> feature\n"));
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("the index is out of date"));
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 0 written, 0 removed, 2 unchanged\n"));
  EXPECT_EQ(Read("production/.chronon_managed"),
            Index({{"//:production", kGroupByPath}, {"//:production", kJoinPath}}));
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, MalformedIndexLineIsAnErrorNamingIt) {
  Write("production/group_bys/team/g.v1", "old\n");
  const std::string index = absl::StrCat(kHeader, "//:production\tgroup_bys/team/g.v1\n//:production group_bys/x\n");
  Write("production/.chronon_managed", index);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("production/.chronon_managed:5:1: error: expected `<target label><TAB>"));
  EXPECT_THAT(update.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), "old\n");
  EXPECT_EQ(Read("production/.chronon_managed"), index);
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/.chronon_managed:5:1: error:"));
}

TEST_F(ProductionTreeTest, IndexPathsOutsideTheKindsAreRejected) {
  for (const char* bad :
       {"//:production\t../../etc/passwd\n", "//:production\tgroup_bys/../../x\n", "//:production\tOWNERS\n",
        "\tgroup_bys/team/g.v1\n", "//:production\tgroup_bys/team/g.v1\textra\n"}) {
    Write("production/.chronon_managed", bad);
    const Result update = Update(Options({{kGroupByPath, kGroupBy}}));
    EXPECT_EQ(update.code, 1) << bad;
    EXPECT_THAT(update.err, HasSubstr("production/.chronon_managed:1:1: error:")) << bad;
  }
}

TEST_F(ProductionTreeTest, PathListedForTwoOwnersIsAnError) {
  Write("production/.chronon_managed", absl::StrCat(kHeader,
                                                    "<<<<<<< HEAD\n"
                                                    "//:production\tgroup_bys/team/g.v1\n"
                                                    "=======\n"
                                                    "//other:production\tgroup_bys/team/g.v1\n"
                                                    ">>>>>>> feature\n"));
  const Result update = Update(Options({{kGroupByPath, kGroupBy}}));
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("production/.chronon_managed:7:1: error: group_bys/team/g.v1 is listed for "
                                    "both //:production and //other:production"));
}

}  // namespace
}  // namespace chronon
