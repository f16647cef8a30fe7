// An update stopped at each of its steps (production_files.h's g_update_step_hook, in a forked child that exits
// there, as a kill would leave it), and a model-based test of the update: random sequences of definitions added,
// edited, reverted and removed, hand edits of the index, unmanaged files, kills and updates with and without
// --force-overwrite, checked after every step against a model of who wrote what.
//
// Invariants checked after every update:
//   1. a file the tool never wrote (placed by hand) is neither removed nor changed without --force-overwrite, except
//      that an update overwrites it with the built conf when a definition builds that very path (compile.py does the
//      same: that is adopting it);
//   2. every file under the tree is, byte for byte, its content before the update or its built content (nothing
//      half-written, nothing else);
//   3. after a kill, the next run with the same definitions finishes (exit 0), and then the tree holds every built
//      conf, no staging directory, and the staleness check passes.
// Seeded and repeatable: CHRONON_MODEL_SEEDS sequences (default 200) from CHRONON_MODEL_SEED (default 1).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chronon/production/production_files.h"
#include "chronon/production/production_tree.h"
#include "chronon/production/production_tree_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int g_stop_at = -1;

void StopAt(int step) {
  if (step == g_stop_at) _exit(77);
}

class UpdateKillTest : public ProductionTreeTest {
 protected:
  // Runs the update in a child process that exits at step `stop_at` (-1: never). Returns the child's exit code;
  // 77 when it was stopped.
  int UpdateStoppedAt(const TreeOptions& options, int stop_at) {
    fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      g_stop_at = stop_at;
      production_internal::g_update_step_hook = StopAt;
      std::ostringstream out, err;
      _exit(UpdateTree(options, out, err));
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Every regular file under production/ but the index and the staging directory: path -> content.
  std::map<std::string, std::string> Tree() {
    std::map<std::string, std::string> files;
    Walk("production", &files);
    return files;
  }
  void Walk(const std::string& rel, std::map<std::string, std::string>* files) {
    for (const std::string& name : List(rel)) {
      const std::string path = absl::StrCat(rel, "/", name);
      if (path == "production/.chronon_managed" || path == "production/.chronon_staging") continue;
      struct stat st = Stat(path);
      if (S_ISDIR(st.st_mode)) {
        Walk(path, files);
      } else {
        (*files)[path.substr(strlen("production/"))] = Read(path);
      }
    }
  }
};

inline constexpr char kCompilePyJoin[] = "{\"metaData\": {\"name\": \"team.x.v1\"}, \"written by\": \"compile.py\"}\n";
inline constexpr char kOfflineJoin[] =
    "{\n  \"metaData\": {\n    \"name\": \"team.x.v1\"\n  },\n  \"joinParts\": []\n}\n";

// Finding 1 of issue 26: an update that adopts an unmanaged conf is stopped at each step; the definition is then
// taken out again and the next update runs without --force-overwrite. The file the tool never wrote must survive.
TEST_F(UpdateKillTest, StoppedAdoptionNeverLosesTheUnmanagedFile) {
  const std::string x = "joins/team/x.v1";
  int stops = 0;
  for (int stop_at = 0;; ++stop_at) {
    SCOPED_TRACE(absl::StrCat("stopped at step ", stop_at));
    TearDown();
    SetUp();
    // Version A: the tool manages h.v1 and s.v1; compile.py wrote x.v1.
    ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupBy}, {kStagingPath, kStagingQuery}})).code, 0);
    Write(absl::StrCat("production/", x), kCompilePyJoin);
    const std::map<std::string, std::string> before = Tree();
    // Version B adopts x.v1, changes h.v1, adds j.v1 and drops s.v1.
    const TreeOptions b = Options({{kOfflinePath, kOfflineGroupByChanged}, {kJoinPath, kJoin}, {x, kOfflineJoin}});
    const std::map<std::string, std::string> after = {
        {kOfflinePath, kOfflineGroupByChanged}, {kJoinPath, kJoin}, {x, kOfflineJoin}};
    const int code = UpdateStoppedAt(b, stop_at);
    if (code == 0) break;  // ran to the end: every step has been stopped at
    ASSERT_EQ(code, 77);
    ++stops;
    for (const auto& [path, content] : Tree()) {
      auto old_it = before.find(path);
      auto new_it = after.find(path);
      EXPECT_TRUE((old_it != before.end() && old_it->second == content) ||
                  (new_it != after.end() && new_it->second == content))
          << path << " is neither its old nor its new version:\n"
          << content;
    }
    const bool adopted = Read(absl::StrCat("production/", x)) == kOfflineJoin;
    // The definition of x.v1 is taken out again; the update runs without --force-overwrite.
    const Result revert = Update(Options({{kOfflinePath, kOfflineGroupBy}, {kJoinPath, kJoin}}));
    ASSERT_EQ(revert.code, 0) << revert.err;
    if (!adopted) {
      EXPECT_EQ(Read(absl::StrCat("production/", x)), kCompilePyJoin) << revert.out;
      EXPECT_THAT(revert.out, Not(HasSubstr(absl::StrCat("removed production/", x))));
    } else {
      EXPECT_EQ(Read(absl::StrCat("production/", x)), "<missing>") << revert.out;
    }
    EXPECT_FALSE(Exists("production/.chronon_staging"));
    const Result check = Check(Options({{kOfflinePath, kOfflineGroupBy}, {kJoinPath, kJoin}}));
    EXPECT_EQ(check.code, 0) << check.out;
  }
  EXPECT_GE(stops, 8);
}

// The same stops, and then the same update run again: it finishes, and the tree is version B.
TEST_F(UpdateKillTest, TheNextRunFinishesAfterAStopAtAnyStep) {
  for (int stop_at = 0;; ++stop_at) {
    SCOPED_TRACE(absl::StrCat("stopped at step ", stop_at));
    TearDown();
    SetUp();
    ASSERT_EQ(Update(Options({{kOfflinePath, kOfflineGroupBy}, {kStagingPath, kStagingQuery}})).code, 0);
    const TreeOptions b = Options({{kOfflinePath, kOfflineGroupByChanged}, {kJoinPath, kJoin}});
    const int code = UpdateStoppedAt(b, stop_at);
    if (code == 0) break;
    ASSERT_EQ(code, 77);
    const Result again = Update(b);
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(Tree(), (std::map<std::string, std::string>{{kOfflinePath, kOfflineGroupByChanged}, {kJoinPath, kJoin}}));
    EXPECT_FALSE(Exists("production/.chronon_staging"));
    EXPECT_EQ(Check(b).code, 0);
  }
}

// --- The model-based test. ---

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

class Model {
 public:
  explicit Model(uint32_t seed) : random_(seed) {}
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  bool Chance(int percent) { return Pick(100) < percent; }

 private:
  std::mt19937 random_;
};

const std::vector<std::string>& ConfPaths() {
  static const std::vector<std::string> paths = {"group_bys/team/a.v1", "group_bys/team/b.v1", "joins/team/c.v1",
                                                 "staging_queries/team/d.v1", "joins/other/e.v1"};
  return paths;
}

std::string Conf(Model& model, const std::string& path) {
  const bool online = path.rfind("staging_queries/", 0) != 0 && model.Chance(30);
  return absl::StrCat("{\n  \"metaData\": {\n    \"name\": \"", path, "\"", online ? ",\n    \"online\": 1" : "",
                      "\n  },\n  \"keyColumns\": [\n    \"k", model.Pick(3), "\"\n  ]\n}\n");
}

TEST_F(UpdateKillTest, ModelOfWhoWroteWhat) {
  const int seeds = EnvInt("CHRONON_MODEL_SEEDS", 200);
  const int first = EnvInt("CHRONON_MODEL_SEED", 1);
  const int steps = EnvInt("CHRONON_MODEL_STEPS", 14);
  int kills = 0, updates = 0, refused = 0;
  for (int seed = first; seed < first + seeds; ++seed) {
    TearDown();
    SetUp();
    Model model(seed);
    std::map<std::string, std::string> defs;        // path -> built content
    std::map<std::string, std::string> hand_files;  // files placed by hand that no update has written since
    std::vector<std::string> history;
    for (int step = 0; step < steps && !HasFailure(); ++step) {
      const std::string path = ConfPaths()[model.Pick(ConfPaths().size())];
      const int op = model.Pick(100);
      if (op < 30) {
        defs[path] = Conf(model, path);
        history.push_back(absl::StrCat("define ", path));
      } else if (op < 42) {
        defs.erase(path);
        history.push_back(absl::StrCat("remove the definition of ", path));
      } else if (op < 55) {
        // A file written by hand: a new conf, an edit of a managed one, or something that is never a conf.
        std::string where = model.Chance(70) ? path : (model.Chance(50) ? "OWNERS" : "staging_queries/team/OWNERS");
        const std::string content = absl::StrCat("{\"by hand\": ", model.Pick(1000), "}\n");
        Write(absl::StrCat("production/", where), content);
        hand_files[where] = content;
        history.push_back(absl::StrCat("write ", where, " by hand"));
      } else if (op < 63) {
        // A hand-edited index line claiming a path, with no digest or with a made-up one.
        std::string line = absl::StrCat("//:production\t", path);
        if (model.Chance(50)) absl::StrAppend(&line, "\t", std::string(64, "0123456789abcdef"[model.Pick(16)]));
        std::string index = Read("production/.chronon_managed");
        if (index == "<missing>") index = "";
        Write("production/.chronon_managed", absl::StrCat(index, line, "\n"));
        history.push_back(absl::StrCat("claim ", path, " in the index by hand"));
      } else {
        std::vector<std::pair<std::string, std::string>> confs(defs.begin(), defs.end());
        const bool force = model.Chance(25);
        const bool kill = model.Chance(50);
        const int stop_at = kill ? model.Pick(16) : -1;
        const TreeOptions options = Options(confs, force);
        history.push_back(absl::StrCat("update", force ? " --force-overwrite" : "",
                                       kill ? absl::StrCat(", stopped at step ", stop_at) : ""));
        const std::map<std::string, std::string> before = Tree();
        ++updates;
        int code = UpdateStoppedAt(options, stop_at);
        if (code == 77) {
          ++kills;
          const Result again = Update(options);
          EXPECT_EQ(again.code, 0) << "the run after a kill did not finish:\n" << again.err;
          code = again.code;
        }
        ASSERT_TRUE(code == 0 || code == 1) << code;
        if (code == 1) ++refused;
        const std::map<std::string, std::string> after = Tree();
        for (const auto& [file, content] : after) {
          auto old_it = before.find(file);
          auto new_it = defs.find(file);
          EXPECT_TRUE((old_it != before.end() && old_it->second == content) ||
                      (new_it != defs.end() && new_it->second == content))
              << file << " is neither its old nor its new version";
        }
        for (auto it = hand_files.begin(); it != hand_files.end();) {
          auto now = after.find(it->first);
          if (now != after.end() && now->second == it->second) {
            ++it;
            continue;
          }
          auto def = defs.find(it->first);
          const bool adopted = code == 0 && def != defs.end() && now != after.end() && now->second == def->second;
          EXPECT_TRUE(force || adopted) << "production/" << it->first << " was written by hand and is now "
                                        << (now == after.end() ? "gone" : "changed") << ", without --force-overwrite";
          it = hand_files.erase(it);
        }
        if (code == 0) {
          for (const auto& [file, content] : defs) EXPECT_EQ(Read(absl::StrCat("production/", file)), content) << file;
          EXPECT_FALSE(Exists("production/.chronon_staging"));
          const Result check = Check(Options(confs));
          EXPECT_EQ(check.code, 0) << check.out;
        } else {
          EXPECT_EQ(after, before) << "a refused update changed the tree";
        }
      }
    }
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seed << " (CHRONON_MODEL_SEED=" << seed << " CHRONON_MODEL_SEEDS=1):\n  "
                    << absl::StrJoin(history, "\n  ");
      return;
    }
  }
  std::cout << seeds << " sequences of " << steps << " steps: " << updates << " updates, " << kills
            << " stopped and finished by the next run, " << refused << " refused\n";
  EXPECT_GT(kills, seeds / 2);
}

}  // namespace
}  // namespace chronon
