// UpdateTree and CheckTree: a first update, the no-op update, the check's report, what a killed run leaves, the
// manifest. Ownership, the online guard and hostile trees have their own tests.
#include "chronon/production/production_tree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "chronon/production/production_tree_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// --- A first update, the no-op update, and the check. ---

TEST_F(ProductionTreeTest, FirstUpdateWritesExactBytesWithMode0644EvenUnderUmask077) {
  umask(077);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}, {kStagingPath, kStagingQuery}});
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_EQ(update.err, "");
  EXPECT_THAT(update.out, HasSubstr("wrote production/group_bys/team/g.v1\n"));
  EXPECT_THAT(update.out, HasSubstr("wrote production/joins/team/j.v1\n"));
  EXPECT_THAT(update.out, HasSubstr("wrote production/staging_queries/team/s.v1\n"));
  EXPECT_THAT(update.out, HasSubstr("production/: 3 written, 0 removed, 0 unchanged\n"));
  EXPECT_THAT(update.out, Not(HasSubstr("not managed")));

  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_EQ(Read("production/joins/team/j.v1"), kJoin);
  EXPECT_EQ(Read("production/staging_queries/team/s.v1"), kStagingQuery);
  EXPECT_EQ(Mode("production/group_bys/team/g.v1"), 0644);
  EXPECT_EQ(Mode("production/joins/team/j.v1"), 0644);
  EXPECT_EQ(Mode("production/staging_queries/team/s.v1"), 0644);
  EXPECT_EQ(Read("production/.chronon_managed"),
            Index({{"//:production", kGroupByPath}, {"//:production", kJoinPath}, {"//:production", kStagingPath}}));
  EXPECT_EQ(Mode("production/.chronon_managed"), 0644);
  // Nothing is left behind.
  EXPECT_EQ(List("production"),
            (std::vector<std::string>{".chronon_managed", "group_bys", "joins", "staging_queries"}));

  const Result check = Check(options);
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_EQ(check.out, "production/ is up to date (3 file(s), //:production)\n");
}

TEST_F(ProductionTreeTest, SecondUpdateWritesNothing) {
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});
  ASSERT_EQ(Update(options).code, 0);
  const struct stat conf = Stat("production/group_bys/team/g.v1");
  const struct stat index = Stat("production/.chronon_managed");

  const Result again = Update(options);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "production/: up to date (2 file(s))\n");
  EXPECT_EQ(again.err, "");
  const struct stat conf_after = Stat("production/group_bys/team/g.v1");
  const struct stat index_after = Stat("production/.chronon_managed");
  EXPECT_EQ(conf_after.st_ino, conf.st_ino);
  EXPECT_EQ(conf_after.st_mtim.tv_nsec, conf.st_mtim.tv_nsec);
  EXPECT_EQ(conf_after.st_mtim.tv_sec, conf.st_mtim.tv_sec);
  EXPECT_EQ(index_after.st_ino, index.st_ino);
  EXPECT_FALSE(Exists("production/.chronon_staging"));
}

TEST_F(ProductionTreeTest, NestedDirectoryAndOtherLabelsAppearInMessages) {
  TreeOptions options = Options({{kGroupByPath, kGroupBy}}, false, "//sub:prod");
  options.dir = "sub/production";
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("MISSING: sub/production/group_bys/team/g.v1"));
  EXPECT_THAT(check.out, HasSubstr("bazel run //sub:prod.update\n"));
  ASSERT_EQ(Update(options).code, 0);
  EXPECT_EQ(Read("sub/production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_EQ(Read("sub/production/.chronon_managed"), Index({{"//sub:prod", kGroupByPath}}));
}

TEST_F(ProductionTreeTest, NoDefinitionsAndNoDirectoryWritesNothing) {
  const Result update = Update(Options({}));
  EXPECT_EQ(update.code, 0);
  EXPECT_FALSE(Exists("production"));
  EXPECT_EQ(Check(Options({})).code, 0);
}

TEST_F(ProductionTreeTest, UpdateAdoptsAnIdenticalUnindexedFileAndWritesTheIndex) {
  Write("production/group_bys/team/g.v1", kGroupBy);
  const ino_t inode = Stat("production/group_bys/team/g.v1").st_ino;
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): the index is out of date\n"));
  EXPECT_THAT(check.out, HasSubstr("INDEX: production/.chronon_managed is out of date; it does not list 1 file(s) "
                                   "that //:production writes\n  production/group_bys/team/g.v1\n"));
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 0 written, 0 removed, 1 unchanged\n"));
  EXPECT_EQ(Stat("production/group_bys/team/g.v1").st_ino, inode);
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", kGroupByPath}}));
  EXPECT_EQ(Check(options).code, 0);
}

// --- What a killed run leaves. ---

TEST_F(ProductionTreeTest, StagingLeftoversAreClearedByTheUpdateAndNotedByTheCheck) {
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  ASSERT_EQ(Update(options).code, 0);
  Write("production/.chronon_staging/0", "half a conf");
  Write("production/.chronon_staging/index.widened", "half an index");

  // The check only reads: it does not clear the staging directory, and it passes (each file is old or new), but
  // it says what the directory is, so that nobody checks it in.
  const Result check = Check(options);
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr("production/.chronon_staging: left by an update that was stopped"));
  EXPECT_THAT(check.out, HasSubstr("the next update removes it (do not check it in)"));
  EXPECT_EQ(Read("production/.chronon_staging/0"), "half a conf");

  const TreeOptions changed = Options({{kGroupByPath, kGroupByNewMeta}});
  const Result update = Update(changed);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_FALSE(Exists("production/.chronon_staging"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupByNewMeta);
  EXPECT_EQ(Check(changed).code, 0);

  // Even with nothing else to do, the leftovers go.
  Write("production/.chronon_staging/0", "half a conf");
  const Result noop = Update(changed);
  EXPECT_EQ(noop.code, 0);
  EXPECT_EQ(noop.out, "production/: up to date (1 file(s))\n");
  EXPECT_FALSE(Exists("production/.chronon_staging"));
}

TEST_F(ProductionTreeTest, StagingPathThatIsNotADirectoryIsAnError) {
  MakeDirs("production");
  ASSERT_EQ(symlink(outside_.c_str(), Path("production/.chronon_staging").c_str()), 0);
  std::ofstream(outside_ + "/keep") << "outside\n";
  const Result update = Update(Options({{kGroupByPath, kGroupBy}}));
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("production/.chronon_staging: error: is a symlink"));
  EXPECT_EQ(ListAt(outside_), "keep\n");
  EXPECT_FALSE(Exists("production/group_bys"));
}

TEST_F(ProductionTreeTest, UpdateFinishesWhatAKilledRunLeft) {
  // A run that changed g and h was killed after widening the index and renaming g: h is still old, its new
  // version and the final index are in the staging directory.
  ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupBy}, {kStagingPath, kStagingQuery}})).code, 0);
  Write("production/group_bys/team/g.v1", kGroupBy);
  Write("production/.chronon_managed",
        Index({{"//:production", kGroupByPath}, {"//:production", kOfflinePath}, {"//:production", kStagingPath}}));
  Write("production/.chronon_staging/1", kOfflineGroupByChanged);
  Write("production/.chronon_staging/index", "half");
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupByChanged}});
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 1 written, 1 removed, 1 unchanged\n"));
  EXPECT_EQ(Read("production/group_bys/team/h.v1"), kOfflineGroupByChanged);
  EXPECT_FALSE(Exists("production/staging_queries"));
  EXPECT_FALSE(Exists("production/.chronon_staging"));
  EXPECT_EQ(Read("production/.chronon_managed"),
            Index({{"//:production", kGroupByPath}, {"//:production", kOfflinePath}}));
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, HardLinkedConfIsReplacedNotWrittenThrough) {
  ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupBy}})).code, 0);
  const std::string outside = outside_ + "/linked";
  ASSERT_EQ(link(Path("production/group_bys/team/h.v1").c_str(), outside.c_str()), 0);
  ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupByChanged}})).code, 0);
  EXPECT_EQ(Read("production/group_bys/team/h.v1"), kOfflineGroupByChanged);
  EXPECT_EQ(ReadAt(outside), kOfflineGroupBy);
}

TEST_F(ProductionTreeTest, ManagedNameWithASpaceRoundTripsThroughTheIndex) {
  const TreeOptions options = Options({{"staging_queries/team/my query.v1", kStagingQuery}});
  ASSERT_EQ(Update(options).code, 0);
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", "staging_queries/team/my query.v1"}}));
  EXPECT_EQ(Check(options).code, 0);
  ASSERT_EQ(Update(Options({})).code, 0);
  EXPECT_FALSE(Exists("production/staging_queries"));
}

TEST_F(ProductionTreeTest, UpdateWaitsForTheLockOfAnotherRun) {
  MakeDirs("production");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = open(Path("production").c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) _exit(1);
    if (write(ready[1], "x", 1) != 1) _exit(1);
    usleep(300 * 1000);
    _exit(0);  // releases the lock
  }
  close(ready[1]);
  char byte;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  const Result update = Update(Options({{kGroupByPath, kGroupBy}}));
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.err, HasSubstr("production: waiting for another update of this directory to finish...\n"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
}

TEST_F(ProductionTreeTest, UnreadableBuiltConfIsAnError) {
  TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  options.entries[0].built = built_ + "/does-not-exist.json";
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("cannot read the built conf"));
  EXPECT_FALSE(Exists("production/group_bys"));
  EXPECT_EQ(Check(options).code, 1);
}

// --- The check's report. ---

TEST_F(ProductionTreeTest, CheckReportsMissingChangedGoneAndTheIndex) {
  ASSERT_EQ(
      Update(Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupBy}, {kStagingPath, kStagingQuery}})).code,
      0);
  ASSERT_EQ(unlink(Path("production/group_bys/team/g.v1").c_str()), 0);
  // A conf that compile.py wrote, byte for byte what we build, but that the index does not list.
  Write("production/joins/team/j.v1", kJoin);
  const struct stat before = Stat("production/group_bys/team/h.v1");

  const TreeOptions options =
      Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupByChanged}, {kJoinPath, kJoin}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): 1 changed, 1 gone, 1 missing, the index "
                                   "is out of date\n"));
  EXPECT_THAT(check.out, HasSubstr("MISSING: production/group_bys/team/g.v1 (built, not in the checked-in tree)\n"));
  EXPECT_THAT(check.out, HasSubstr("CHANGED: production/group_bys/team/h.v1\n"
                                   "--- production/group_bys/team/h.v1 (checked in)\n"
                                   "+++ production/group_bys/team/h.v1 (built)\n"
                                   "@@ -3,6 +3,6 @@\n"
                                   "     \"name\": \"team.h.v1\"\n"
                                   "   },\n"
                                   "   \"keyColumns\": [\n"
                                   "-    \"user\"\n"
                                   "+    \"account\"\n"
                                   "   ]\n"
                                   " }\n"));
  EXPECT_THAT(check.out, HasSubstr("GONE: production/staging_queries/team/s.v1"));
  EXPECT_THAT(check.out, HasSubstr("INDEX: production/.chronon_managed is out of date; it does not list 1 file(s) "
                                   "that //:production writes; it lists 1 file(s) that are no longer managed\n"
                                   "  production/joins/team/j.v1\n"));
  EXPECT_THAT(check.out, HasSubstr("To update production/, run:\n  bazel run //:production.update\n"));
  EXPECT_THAT(check.out, Not(HasSubstr("--force-overwrite")));
  // The check wrote nothing.
  EXPECT_FALSE(Exists("production/group_bys/team/g.v1"));
  EXPECT_EQ(Stat("production/group_bys/team/h.v1").st_ino, before.st_ino);
  EXPECT_EQ(Read("production/group_bys/team/h.v1"), kOfflineGroupBy);
  EXPECT_EQ(Read("production/staging_queries/team/s.v1"), kStagingQuery);
  EXPECT_FALSE(Exists("production/.chronon_staging"));

  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 2 written, 1 removed, 1 unchanged\n"));
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, CheckOfAMissingTreeListsEverythingAsMissing) {
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): 2 missing, the index is out of date\n"));
  EXPECT_THAT(check.out, HasSubstr("MISSING: production/group_bys/team/g.v1"));
  EXPECT_THAT(check.out, HasSubstr("MISSING: production/joins/team/j.v1"));
  EXPECT_FALSE(Exists("production"));
}

TEST_F(ProductionTreeTest, CheckCapsTheNumberOfDiffs) {
  std::vector<std::pair<std::string, std::string>> old_confs, new_confs;
  for (int i = 0; i < 25; ++i) {
    const std::string path = absl::StrCat("staging_queries/team/s", i, ".v1");
    old_confs.push_back({path, "{\"a\": 1}\n"});
    new_confs.push_back({path, "{\"a\": 2}\n"});
  }
  ASSERT_EQ(Update(Options(old_confs)).code, 0);
  const Result check = Check(Options(new_confs));
  EXPECT_EQ(check.code, 1);
  EXPECT_EQ(Count(check.out, "CHANGED: "), 25u);
  EXPECT_EQ(Count(check.out, "(checked in)\n"), 20u);
  EXPECT_THAT(check.out, HasSubstr("(5 more changed files; their diffs are not shown)"));
}

// --- The manifest. ---

TEST(ParseManifestTest, ReadsPathsAndBuiltFiles) {
  absl::StatusOr<std::vector<ManifestEntry>> entries =
      ParseManifest("group_bys/team/g.v1\tbazel-out/k8/bin/g.json\n\njoins/t/sub/j.v1\tj.json\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].path, "group_bys/team/g.v1");
  EXPECT_EQ((*entries)[0].built, "bazel-out/k8/bin/g.json");
  EXPECT_EQ((*entries)[1].path, "joins/t/sub/j.v1");
  EXPECT_EQ((*entries)[1].built, "j.json");
  EXPECT_TRUE(ParseManifest("")->empty());
}

TEST(ParseManifestTest, RejectsBadLines) {
  for (const char* bad : {
           "group_bys/team/g.v1 g.json\n",          // no tab
           "group_bys/team/g.v1\t\n",               // no built file
           "group_bys/team/g.v1\tg.json\textra\n",  // three fields
           "models/team/m.v1\tm.json\n",            // not a kind of conf
           "OWNERS\tOWNERS\n",                      // not under a kind
           "group_bys\tg.json\n",                   // the kind alone
           "group_bys/../joins/x\tx.json\n",        // `..`
           "group_bys/team/..\tx.json\n",
           "joins/./team/x\tx.json\n",  // `.`
           "joins//x\tx.json\n",        // empty component
           "/joins/team/x\tx.json\n",   // absolute
           "joins/team/x/\tx.json\n",   // trailing slash
       }) {
    EXPECT_FALSE(ParseManifest(bad).ok()) << bad;
  }
  absl::StatusOr<std::vector<ManifestEntry>> second = ParseManifest("joins/t/a\ta.json\njoins/t/b b.json\n");
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("manifest line 2"));
}

TEST_F(ProductionTreeTest, DuplicateManifestPathIsAnError) {
  TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kGroupByPath, kGroupByNewKey}});
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("the manifest lists group_bys/team/g.v1 twice"));
  EXPECT_FALSE(Exists("production/group_bys"));
}

}  // namespace
}  // namespace chronon
