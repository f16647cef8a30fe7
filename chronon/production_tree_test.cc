#include "chronon/production_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Confs as the compiler writes them: one field per line, so that a change is a readable diff.
const char kGroupBy[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.g.v1\",\n"
    "    \"online\": 1\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"user\"\n"
    "  ]\n"
    "}\n";
// The same GroupBy with another key column: a content change of an online conf.
const char kGroupByNewKey[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.g.v1\",\n"
    "    \"online\": 1\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"user\",\n"
    "    \"item\"\n"
    "  ]\n"
    "}\n";
// The same GroupBy with metaData changed only: not guarded.
const char kGroupByNewMeta[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.g.v1\",\n"
    "    \"online\": 1,\n"
    "    \"production\": 1\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"user\"\n"
    "  ]\n"
    "}\n";
const char kOfflineGroupBy[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.h.v1\"\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"user\"\n"
    "  ]\n"
    "}\n";
const char kOfflineGroupByChanged[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.h.v1\"\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"account\"\n"
    "  ]\n"
    "}\n";
const char kJoin[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.j.v1\",\n"
    "    \"online\": 1\n"
    "  },\n"
    "  \"joinParts\": [\n"
    "    {\n"
    "      \"groupBy\": {\n"
    "        \"keyColumns\": [\"user\"]\n"
    "      }\n"
    "    }\n"
    "  ]\n"
    "}\n";
const char kJoinNewKey[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.j.v1\",\n"
    "    \"online\": 1\n"
    "  },\n"
    "  \"joinParts\": [\n"
    "    {\n"
    "      \"groupBy\": {\n"
    "        \"keyColumns\": [\"account\"]\n"
    "      }\n"
    "    }\n"
    "  ]\n"
    "}\n";
const char kStagingQuery[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.s.v1\"\n"
    "  },\n"
    "  \"query\": \"SELECT 1\"\n"
    "}\n";
// A conf as a merge leaves it.
const char kConflicted[] =
    "{\n"
    "<<<<<<< HEAD\n"
    "  \"metaData\": {\"name\": \"team.g.v1\", \"online\": 1},\n"
    "=======\n"
    "  \"metaData\": {\"name\": \"team.g.v1\", \"online\": 0},\n"
    ">>>>>>> feature\n"
    "  \"keyColumns\": [\"user\"]\n"
    "}\n";

constexpr char kGroupByPath[] = "group_bys/team/g.v1";
constexpr char kOfflinePath[] = "group_bys/team/h.v1";
constexpr char kJoinPath[] = "joins/team/j.v1";
constexpr char kStagingPath[] = "staging_queries/team/s.v1";

constexpr char kHeader[] =
    "# rules_chronon: the files in this directory that chronon_production targets manage, one\n"
    "# `<target>\\t<path>` per line. `bazel run <target>.update` writes and removes only its own files;\n"
    "# everything else here is left alone. Written by the update; keep it checked in.\n";

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

int RemoveOne(const char* path, const struct stat*, int type, struct FTW*) {
  return type == FTW_DP ? rmdir(path) : unlink(path);
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ProductionTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = umask(022);
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/production_tree.XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    temp_ = pattern;
    workspace_ = temp_ + "/ws";
    built_ = temp_ + "/built";
    outside_ = temp_ + "/outside";
    ASSERT_EQ(mkdir(workspace_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(built_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(outside_.c_str(), 0755), 0);
  }

  void TearDown() override {
    umask(old_umask_);
    nftw(temp_.c_str(), RemoveOne, 16, FTW_DEPTH | FTW_PHYS);
  }

  // Options for `confs` (tree path -> built content), each written to its own built file.
  TreeOptions Options(const std::vector<std::pair<std::string, std::string>>& confs, bool force = false,
                      const std::string& owner = "//:production") {
    TreeOptions options;
    options.workspace = workspace_;
    options.dir = "production";
    options.owner = owner;
    options.update_target = absl::StrCat(owner, ".update");
    options.force_overwrite = force;
    for (const auto& [path, content] : confs) {
      const std::string built = absl::StrCat(built_, "/", built_count_++, ".json");
      std::ofstream(built, std::ios::binary) << content;
      options.entries.push_back({path, built});
    }
    return options;
  }

  Result Update(const TreeOptions& options) {
    std::ostringstream out, err;
    Result run;
    run.code = UpdateTree(options, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  Result Check(const TreeOptions& options) {
    std::ostringstream out;
    Result run;
    run.code = CheckTree(options, out);
    run.out = out.str();
    return run;
  }

  // `rel` is relative to the workspace.
  std::string Path(const std::string& rel) const { return absl::StrCat(workspace_, "/", rel); }

  void MakeDirs(const std::string& rel) {
    std::string so_far = workspace_;
    for (absl::string_view part : absl::StrSplit(rel, '/')) {
      so_far = absl::StrCat(so_far, "/", part);
      mkdir(so_far.c_str(), 0755);
    }
  }

  // Writes a file of the workspace (creating its directories) with the given mode.
  void Write(const std::string& rel, const std::string& content, mode_t mode = 0644) {
    const size_t slash = rel.rfind('/');
    if (slash != std::string::npos) MakeDirs(rel.substr(0, slash));
    std::ofstream(Path(rel), std::ios::binary | std::ios::trunc) << content;
    ASSERT_EQ(chmod(Path(rel).c_str(), mode), 0) << rel;
  }

  // The file's content, or "<missing>".
  static std::string ReadAt(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "<missing>";
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  std::string Read(const std::string& rel) const { return ReadAt(Path(rel)); }

  bool Exists(const std::string& rel) const {
    struct stat st;
    return lstat(Path(rel).c_str(), &st) == 0;
  }

  mode_t Mode(const std::string& rel) const {
    struct stat st;
    if (lstat(Path(rel).c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }

  struct stat Stat(const std::string& rel) const {
    struct stat st = {};
    lstat(Path(rel).c_str(), &st);
    return st;
  }

  bool IsSymlink(const std::string& rel) const { return S_ISLNK(Stat(rel).st_mode); }

  // The names in a directory of the workspace, sorted.
  std::vector<std::string> List(const std::string& rel) const {
    return absl::StrSplit(ListAt(Path(rel)), '\n', absl::SkipEmpty());
  }
  static std::string ListAt(const std::string& dir) {
    std::string names;
    std::vector<std::string> sorted;
    if (DIR* d = opendir(dir.c_str())) {
      while (struct dirent* entry = readdir(d)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") sorted.push_back(name);
      }
      closedir(d);
    }
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& name : sorted) absl::StrAppend(&names, name, "\n");
    return names;
  }

  std::string Index(const std::vector<std::pair<std::string, std::string>>& lines) const {
    std::string text = kHeader;
    for (const auto& [owner, path] : lines) absl::StrAppend(&text, owner, "\t", path, "\n");
    return text;
  }

  mode_t old_umask_ = 0;
  std::string temp_, workspace_, built_, outside_;
  int built_count_ = 0;
};

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
