// Test fixture for the production/ tree tests (production_tree.h): a scratch workspace, built confs written to
// files, UpdateTree and CheckTree run in-process with their output kept, and the confs they are run with.
#ifndef CHRONON_PRODUCTION_TREE_FIXTURE_H_
#define CHRONON_PRODUCTION_TREE_FIXTURE_H_

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
#include "chronon/common/sha256.h"
#include "chronon/production/production_tree.h"
#include "gtest/gtest.h"

namespace chronon {

// Confs as the compiler writes them: one field per line, so that a change is a readable diff.
inline constexpr char kGroupBy[] =
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
inline constexpr char kGroupByNewKey[] =
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
inline constexpr char kGroupByNewMeta[] =
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
inline constexpr char kOfflineGroupBy[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.h.v1\"\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"user\"\n"
    "  ]\n"
    "}\n";
inline constexpr char kOfflineGroupByChanged[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.h.v1\"\n"
    "  },\n"
    "  \"keyColumns\": [\n"
    "    \"account\"\n"
    "  ]\n"
    "}\n";
inline constexpr char kJoin[] =
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
inline constexpr char kJoinNewKey[] =
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
inline constexpr char kStagingQuery[] =
    "{\n"
    "  \"metaData\": {\n"
    "    \"name\": \"team.s.v1\"\n"
    "  },\n"
    "  \"query\": \"SELECT 1\"\n"
    "}\n";
// A conf as a merge leaves it.
inline constexpr char kConflicted[] =
    "{\n"
    "<<<<<<< HEAD\n"
    "  \"metaData\": {\"name\": \"team.g.v1\", \"online\": 1},\n"
    "=======\n"
    "  \"metaData\": {\"name\": \"team.g.v1\", \"online\": 0},\n"
    ">>>>>>> feature\n"
    "  \"keyColumns\": [\"user\"]\n"
    "}\n";

inline constexpr char kGroupByPath[] = "group_bys/team/g.v1";
inline constexpr char kOfflinePath[] = "group_bys/team/h.v1";
inline constexpr char kJoinPath[] = "joins/team/j.v1";
inline constexpr char kStagingPath[] = "staging_queries/team/s.v1";

inline constexpr char kHeader[] =
    "# rules_chronon: the files here that chronon_production targets manage, `<target>\\t<path>\\t<sha256>`.\n"
    "# `bazel run <target>.update` writes and removes only its own files, and removes one only while it\n"
    "# holds the bytes it wrote (the sha256); all else is left alone. Written by the update; keep it checked in.\n";

// SHA-256 of `bytes` in lowercase hex, as the index lists it.
inline std::string Sha256(const std::string& bytes) { return Sha256Hex(bytes); }

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

inline int RemoveOne(const char* path, const struct stat*, int type, struct FTW*) {
  return type == FTW_DP ? rmdir(path) : unlink(path);
}

inline size_t Count(const std::string& text, const std::string& what) {
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

  // The index listing `lines` (owner, path), each with the digest of the file now under production/.
  std::string Index(const std::vector<std::pair<std::string, std::string>>& lines,
                    const std::string& dir = "production") const {
    std::string text = kHeader;
    for (const auto& [owner, path] : lines) {
      absl::StrAppend(&text, owner, "\t", path, "\t", Sha256(Read(absl::StrCat(dir, "/", path))), "\n");
    }
    return text;
  }

  mode_t old_umask_ = 0;
  std::string temp_, workspace_, built_, outside_;
  int built_count_ = 0;
};

}  // namespace chronon

#endif  // CHRONON_PRODUCTION_TREE_FIXTURE_H_
