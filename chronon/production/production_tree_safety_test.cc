// Hostile trees: a symlink, directory or special file where a managed file or directory belongs is named, never
// followed, and nothing outside the tree is touched.
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

// --- Hostile trees: nothing is followed, nothing outside is touched. ---

TEST_F(ProductionTreeTest, SymlinkedKindDirectoryIsAnErrorAndNothingOutsideIsWritten) {
  MakeDirs("production");
  ASSERT_EQ(symlink(outside_.c_str(), Path("production/joins").c_str()), 0);
  std::ofstream(outside_ + "/keep") << "outside\n";
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}});

  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr(absl::StrCat("NOT A FILE: production/joins is a symlink (to ", outside_,
                                                 ") where a directory belongs")));
  EXPECT_THAT(update.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(ListAt(outside_), "keep\n");
  EXPECT_EQ(ReadAt(outside_ + "/keep"), "outside\n");
  EXPECT_EQ(List("production"), std::vector<std::string>{"joins"});
  EXPECT_TRUE(IsSymlink("production/joins"));

  EXPECT_EQ(Update(Options({{kJoinPath, kJoin}}, true)).code, 1);
  EXPECT_EQ(ListAt(outside_), "keep\n");

  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("NOT A FILE: production/joins is a symlink"));
  EXPECT_THAT(check.out, HasSubstr("MISSING: production/group_bys/team/g.v1"));
}

TEST_F(ProductionTreeTest, SymlinkedTeamDirectoryOfAManagedFileIsAnError) {
  ASSERT_EQ(Update(Options({{kJoinPath, kJoin}})).code, 0);
  ASSERT_EQ(rename(Path("production/joins/team").c_str(), (outside_ + "/team").c_str()), 0);
  ASSERT_EQ(symlink((outside_ + "/team").c_str(), Path("production/joins/team").c_str()), 0);
  // The definition is gone: the removal must not go through the symlink.
  const Result update = Update(Options({}, true));
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("NOT A FILE: production/joins/team is a symlink"));
  EXPECT_EQ(ReadAt(outside_ + "/team/j.v1"), kJoin);
}

TEST_F(ProductionTreeTest, ManagedConfReplacedBySymlinkIsNeverFollowed) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}})).code, 0);
  const std::string target = outside_ + "/real";
  std::ofstream(target) << "outside\n";
  ASSERT_EQ(unlink(Path("production/group_bys/team/g.v1").c_str()), 0);
  ASSERT_EQ(symlink(target.c_str(), Path("production/group_bys/team/g.v1").c_str()), 0);
  ASSERT_EQ(unlink(Path("production/joins/team/j.v1").c_str()), 0);
  ASSERT_EQ(symlink((outside_ + "/dangling").c_str(), Path("production/joins/team/j.v1").c_str()), 0);

  // Changed definitions, and --force-overwrite: still refused.
  const TreeOptions options = Options({{kGroupByPath, kGroupByNewKey}, {kJoinPath, kJoinNewKey}}, true);
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr(absl::StrCat("NOT A FILE: production/group_bys/team/g.v1 is a symlink (to ", target,
                                                 ") where a file belongs")));
  EXPECT_THAT(update.err, HasSubstr(absl::StrCat("NOT A FILE: production/joins/team/j.v1 is a symlink (to ", outside_,
                                                 "/dangling) where a file belongs")));
  EXPECT_THAT(update.err, HasSubstr("Nothing was written."));
  EXPECT_EQ(ReadAt(target), "outside\n");
  EXPECT_EQ(ListAt(outside_), "real\n");  // the dangling one was not created
  EXPECT_TRUE(IsSymlink("production/group_bys/team/g.v1"));
  EXPECT_TRUE(IsSymlink("production/joins/team/j.v1"));

  // The same when the definitions are gone: a symlink is never removed either.
  EXPECT_EQ(Update(Options({}, true)).code, 1);
  EXPECT_TRUE(IsSymlink("production/group_bys/team/g.v1"));
  EXPECT_EQ(ReadAt(target), "outside\n");

  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("NOT A FILE: production/group_bys/team/g.v1 is a symlink"));
  EXPECT_THAT(check.out, HasSubstr("NOT A FILE: production/joins/team/j.v1 is a symlink"));
  EXPECT_THAT(check.out, HasSubstr("2 in the way"));
}

TEST_F(ProductionTreeTest, DirectoryWhereAConfBelongsIsAnError) {
  Write("production/group_bys/team/g.v1/inside", "x\n");
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}, {kJoinPath, kJoin}}, true);
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("NOT A FILE: production/group_bys/team/g.v1 is a directory where a file belongs"));
  EXPECT_EQ(Read("production/group_bys/team/g.v1/inside"), "x\n");
  EXPECT_FALSE(Exists("production/joins"));
  EXPECT_FALSE(Exists("production/.chronon_managed"));
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("NOT A FILE: production/group_bys/team/g.v1 is a directory"));
}

TEST_F(ProductionTreeTest, FifoWhereAConfBelongsIsAnErrorAndNeverOpened) {
  ASSERT_EQ(Update(Options({{kGroupByPath, kGroupBy}})).code, 0);
  ASSERT_EQ(unlink(Path("production/group_bys/team/g.v1").c_str()), 0);
  ASSERT_EQ(mkfifo(Path("production/group_bys/team/g.v1").c_str(), 0644), 0);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}}, true);
  const Result update = Update(options);  // would block forever if the FIFO were opened for reading
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("NOT A FILE: production/group_bys/team/g.v1 is not a regular file (a device, "
                                    "socket or FIFO) where a file belongs"));
  EXPECT_TRUE(S_ISFIFO(Stat("production/group_bys/team/g.v1").st_mode));
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("NOT A FILE: production/group_bys/team/g.v1"));
}

TEST_F(ProductionTreeTest, FileWhereADirectoryBelongsIsAnError) {
  Write("production/joins", "not a directory\n");
  const Result update = Update(Options({{kJoinPath, kJoin}}));
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("NOT A FILE: production/joins is a file where a directory belongs"));
  EXPECT_EQ(Read("production/joins"), "not a directory\n");
}

TEST_F(ProductionTreeTest, SymlinkedTreeIsAnError) {
  ASSERT_EQ(symlink(outside_.c_str(), Path("production").c_str()), 0);
  const TreeOptions options = Options({{kGroupByPath, kGroupBy}});
  const Result update = Update(options);
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr(absl::StrCat("production: error: is a symlink (to ", outside_,
                                                 ") where the checked-in tree's directory belongs")));
  EXPECT_EQ(ListAt(outside_), "");
  const Result check = Check(options);
  EXPECT_EQ(check.code, 1);
  EXPECT_THAT(check.out, HasSubstr("production: error: is a symlink"));

  // A symlink higher up is refused the same way.
  TreeOptions nested = Options({{kGroupByPath, kGroupBy}});
  nested.dir = "sub/production";
  ASSERT_EQ(symlink(outside_.c_str(), Path("sub").c_str()), 0);
  const Result nested_update = Update(nested);
  EXPECT_EQ(nested_update.code, 1);
  EXPECT_THAT(nested_update.err, HasSubstr("sub: error: is a symlink"));
  EXPECT_EQ(ListAt(outside_), "");
}

TEST_F(ProductionTreeTest, SymlinkedIndexIsAnError) {
  const std::string target = outside_ + "/index";
  std::ofstream(target) << Index({});
  MakeDirs("production");
  ASSERT_EQ(symlink(target.c_str(), Path("production/.chronon_managed").c_str()), 0);
  const Result update = Update(Options({{kGroupByPath, kGroupBy}}));
  EXPECT_EQ(update.code, 1);
  EXPECT_THAT(update.err, HasSubstr("production/.chronon_managed: error: is a symlink"));
  EXPECT_EQ(ReadAt(target), Index({}));
  EXPECT_FALSE(Exists("production/group_bys"));
}

}  // namespace
}  // namespace chronon
