// compile.py's online guard (--force-overwrite), unreadable (merge-conflicted) confs, and modes.
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

// --- The online guard. ---

TEST_F(ProductionTreeTest, ContentChangeOfAnOnlineGroupByNeedsForce) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}, {kStagingPath, kStagingQuery}})).code, 0);
  // The change comes with an unguarded one: neither is written.
  const Result refused = Update(Options({{kGroupByPath, kGroupByNewKey}, {kStagingPath, "{\"query\": \"x\"}\n"}}));
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("ONLINE CONF CHANGED: production/group_bys/team/g.v1\n"));
  EXPECT_THAT(refused.err, HasSubstr("\"Cannot overwrite GroupBy group_bys/team/g.v1 with existing online conf\""));
  EXPECT_THAT(refused.err, HasSubstr("Nothing was written."));
  EXPECT_THAT(refused.err, HasSubstr("bazel run //:production.update -- --force-overwrite\n"));
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_EQ(Read("production/staging_queries/team/s.v1"), kStagingQuery);

  const TreeOptions check_options = Options({{kGroupByPath, kGroupByNewKey}, {kStagingPath, kStagingQuery}});
  const Result check = Check(check_options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("ONLINE CONF CHANGED: production/group_bys/team/g.v1\n"));
  EXPECT_THAT(check.out, HasSubstr("+    \"item\"\n"));
  EXPECT_THAT(check.out, HasSubstr("bazel run //:production.update -- --force-overwrite\n"));

  const Result forced = Update(Options({{kGroupByPath, kGroupByNewKey}, {kStagingPath, kStagingQuery}}, true));
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_THAT(forced.out, HasSubstr("production/: 1 written (1 guarded, acknowledged with --force-overwrite), "
                                    "0 removed, 1 unchanged\n"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupByNewKey);
  EXPECT_EQ(Mode("production/group_bys/team/g.v1"), 0644);
  EXPECT_EQ(Check(check_options).code, 0);
}

TEST_F(ProductionTreeTest, ContentChangeOfAnOnlineJoinNeedsForce) {
  ASSERT_EQ(Update(Options({{kJoinPath, kJoin}})).code, 0);
  const Result refused = Update(Options({{kJoinPath, kJoinNewKey}}));
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("ONLINE CONF CHANGED: production/joins/team/j.v1\n"));
  EXPECT_THAT(refused.err, HasSubstr("Cannot overwrite Join joins/team/j.v1 with existing online conf"));
  EXPECT_EQ(Read("production/joins/team/j.v1"), kJoin);
  ASSERT_EQ(Update(Options({{kJoinPath, kJoinNewKey}}, true)).code, 0);
  EXPECT_EQ(Read("production/joins/team/j.v1"), kJoinNewKey);
}

TEST_F(ProductionTreeTest, MetadataOnlyChangeOfAnOnlineConfAndChangesOfOfflineConfsArePlain) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupBy}})).code, 0);
  const TreeOptions options = Options({{kGroupByPath, kGroupByNewMeta}, {kOfflinePath, kOfflineGroupByChanged}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("CHANGED: production/group_bys/team/g.v1\n"));
  EXPECT_THAT(check.out, HasSubstr("CHANGED: production/group_bys/team/h.v1\n"));
  EXPECT_THAT(check.out, Not(HasSubstr("ONLINE")));
  EXPECT_THAT(check.out, Not(HasSubstr("--force-overwrite")));
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 2 written, 0 removed, 0 unchanged\n"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupByNewMeta);
  EXPECT_EQ(Read("production/group_bys/team/h.v1"), kOfflineGroupByChanged);
}

TEST_F(ProductionTreeTest, RemovingAnOnlineConfNeedsForce) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}, {kOfflinePath, kOfflineGroupBy}})).code, 0);
  const TreeOptions options = Options({{kOfflinePath, kOfflineGroupBy}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("ONLINE CONF GONE: production/group_bys/team/g.v1\n"));
  EXPECT_THAT(check.out, HasSubstr("bazel run //:production.update -- --force-overwrite\n"));

  const Result refused = Update(options);
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("ONLINE CONF GONE: production/group_bys/team/g.v1\n"));
  EXPECT_THAT(refused.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_THAT(Read("production/.chronon_managed"), HasSubstr(kGroupByPath));

  const Result forced = Update(Options({{kOfflinePath, kOfflineGroupBy}}, true));
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_THAT(forced.out, HasSubstr("removed production/group_bys/team/g.v1\n"));
  EXPECT_FALSE(Exists("production/group_bys/team/g.v1"));
  EXPECT_EQ(Read("production/group_bys/team/h.v1"), kOfflineGroupBy);
  EXPECT_EQ(Read("production/.chronon_managed"), Index({{"//:production", kOfflinePath}}));
}

// --- Unreadable (merge-conflicted) confs. ---

TEST_F(ProductionTreeTest, ConflictedGroupByIsGuardedAndShownWithADiff) {
  Write("production/group_bys/team/g.v1", kConflicted);
  Write("production/.chronon_managed", Index({{"//:production", kGroupByPath}}));
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});

  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): 1 changed\n"));
  EXPECT_THAT(check.out, HasSubstr("UNREADABLE CONF: production/group_bys/team/g.v1: not a JSON object"));
  EXPECT_THAT(check.out, HasSubstr("--- production/group_bys/team/g.v1 (checked in)\n"
                                   "+++ production/group_bys/team/g.v1 (built)\n@@ "));
  EXPECT_THAT(check.out, HasSubstr("\n-<<<<<<< HEAD\n"));
  EXPECT_THAT(check.out, HasSubstr("\n->>>>>>> feature\n"));
  EXPECT_THAT(check.out, HasSubstr("bazel run //:production.update -- --force-overwrite\n"));

  const Result refused = Update(options);
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("UNREADABLE CONF: production/group_bys/team/g.v1"));
  EXPECT_THAT(refused.err, HasSubstr("--force-overwrite"));
  EXPECT_THAT(refused.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kConflicted);

  const Result forced = Update(Options({{kGroupByPath, kGroupBy}}, true));
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, ConflictedGroupByWithoutDefinitionNeedsForceToGo) {
  Write("production/group_bys/team/g.v1", kConflicted);
  Write("production/.chronon_managed", Index({{"//:production", kGroupByPath}}));
  const Result refused = Update(Options({}));
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("UNREADABLE CONF: production/group_bys/team/g.v1"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kConflicted);
  ASSERT_EQ(Update(Options({}, true)).code, 0);
  EXPECT_FALSE(Exists("production/group_bys"));
}

TEST_F(ProductionTreeTest, ConflictedStagingQueryIsAPlainChange) {
  Write("production/staging_queries/team/s.v1", kConflicted);
  const TreeOptions options = Options({{kStagingPath, kStagingQuery}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("CHANGED: production/staging_queries/team/s.v1\n"));
  EXPECT_THAT(check.out, Not(HasSubstr("UNREADABLE")));
  EXPECT_THAT(check.out, Not(HasSubstr("--force-overwrite")));
  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_EQ(Read("production/staging_queries/team/s.v1"), kStagingQuery);
}

// --- Modes. ---

TEST_F(ProductionTreeTest, ExecutableConfIsReportedAndFixed) {
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kStagingPath, kStagingQuery}});
  ASSERT_EQ(Update(options).code, 0);
  ASSERT_EQ(chmod(Path("production/group_bys/team/g.v1").c_str(), 0755), 0);
  // Group write, as a checkout under umask 002 gives: not a difference.
  ASSERT_EQ(chmod(Path("production/staging_queries/team/s.v1").c_str(), 0664), 0);

  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production/ is stale (//:production): 1 mode\n"));
  EXPECT_THAT(check.out, HasSubstr("MODE: production/group_bys/team/g.v1 is 0755, expected 0644\n"));
  EXPECT_THAT(check.out, Not(HasSubstr("staging_queries")));

  const Result update = Update(options);
  ASSERT_EQ(update.code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("production/: 1 written, 0 removed, 1 unchanged\n"));
  EXPECT_EQ(Mode("production/group_bys/team/g.v1"), 0644);
  EXPECT_EQ(Read("production/group_bys/team/g.v1"), kGroupBy);
  EXPECT_EQ(Mode("production/staging_queries/team/s.v1"), 0664);  // left as it was
  EXPECT_EQ(Check(options).code, 0);
}

TEST_F(ProductionTreeTest, ChangedConfWithWrongModeReportsBoth) {
  ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupBy}})).code, 0);
  ASSERT_EQ(chmod(Path("production/group_bys/team/h.v1").c_str(), 0744), 0);
  const TreeOptions options = Options({{kOfflinePath, kOfflineGroupByChanged}});
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("1 changed, 1 mode"));
  EXPECT_THAT(check.out, HasSubstr("MODE: production/group_bys/team/h.v1 is 0744, expected 0644\n"));
  ASSERT_EQ(Update(options).code, 0);
  EXPECT_EQ(Mode("production/group_bys/team/h.v1"), 0644);
}

}  // namespace
}  // namespace chronon
