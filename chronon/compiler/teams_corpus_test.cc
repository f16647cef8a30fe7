// The compiler's reader of teams.json (TeamConfig::Parse, which the importer also calls) over tests/teams_corpus/:
// for a definition of example_team, each file gives exactly the lines its NAME.expected holds (`accepted`: none).
// tests/integration/teams_corpus_test.sh feeds the same files to the rules and to the importer.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "chronon/compiler/teams.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(TeamsCorpusTest, EveryCaseGivesItsExpectedLines) {
  const std::filesystem::path dir =
      std::filesystem::path(std::getenv("TEST_SRCDIR")) / std::getenv("TEST_WORKSPACE") / "tests/teams_corpus";
  std::vector<std::filesystem::path> cases;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") cases.push_back(entry.path());
  }
  ASSERT_GE(cases.size(), 10u) << dir;
  for (const std::filesystem::path& path : cases) {
    std::string got;
    for (const TeamConfigError& e : TeamConfig::Parse(Read(path)).Errors("example_team")) {
      absl::StrAppend(&got, "teams.json:", e.line, ":", e.column, ": error: ", e.message, " [", e.id, "]\n");
    }
    if (got.empty()) got = "accepted\n";
    std::filesystem::path expected = path;
    expected.replace_extension(".expected");
    EXPECT_EQ(got, Read(expected)) << path.filename();
  }
}

}  // namespace
}  // namespace chronon
