// libFuzzer target over the importer's reading of compile.py's JSON (issue 26): one conf file, the input's bytes,
// imported with chronon::importer::Import from a repo of tests/errors/teams.json (every team of examples/ and
// tests/sample/) and production/<path>. Import parses the JSON (import_load.cc), un-derives it to a definition,
// compiles that in-process and compares the bytes, and plans the workspace; it writes nothing.
//
// Input format (what tests/fuzz/run.sh writes for every file of tests/goldens/sample/expected and seed/expected):
//
//   <kind dir>/<team>/<file>\n<conf bytes>
//
// A first line that is not such a path (group_bys, joins or staging_queries; team and file of [A-Za-z0-9_.-], not
// starting with '.') stands for group_bys/sample_team/fuzz.v1 and is part of the conf. The contract, beyond not
// crashing: a result has errors or file results, never neither; a file that is not identical says why.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "chronon/import/importer.h"

namespace {

namespace fs = std::filesystem;

constexpr char kTeams[] =
#include "teams_json.inc"
    ;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "contract violated: %s\n", what);
    std::abort();
  }
}

bool PlainName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.size() > 200) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// The conf's path under production/, and the conf, from the input.
std::string_view SplitInput(std::string_view input, std::string* path) {
  *path = "group_bys/sample_team/fuzz.v1";
  const size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return input;
  const std::string_view first = input.substr(0, nl);
  const size_t a = first.find('/');
  const size_t b = a == std::string_view::npos ? a : first.find('/', a + 1);
  if (b == std::string_view::npos) return input;
  const std::string_view kind = first.substr(0, a);
  if (kind != "group_bys" && kind != "joins" && kind != "staging_queries") return input;
  if (!PlainName(first.substr(a + 1, b - a - 1)) || !PlainName(first.substr(b + 1))) return input;
  *path = std::string(first);
  return input.substr(nl + 1);
}

const fs::path& Repo() {
  static const fs::path repo = [] {
    std::string dir = (fs::temp_directory_path() / "chronon_import_fuzz.XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    std::ofstream(fs::path(dir) / "teams.json", std::ios::binary) << kTeams;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Repo(), ec);
    });
    return fs::path(dir);
  }();
  return repo;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path;
  const std::string_view conf = SplitInput(std::string_view(reinterpret_cast<const char*>(data), size), &path);
  const fs::path& repo = Repo();
  std::error_code ec;
  fs::remove_all(repo / "production", ec);
  const fs::path file = repo / "production" / path;
  fs::create_directories(file.parent_path(), ec);
  std::ofstream(file, std::ios::binary).write(conf.data(), static_cast<std::streamsize>(conf.size()));
  chronon::importer::ImportOptions options;
  options.from = repo.string();
  options.to = (repo / "out").string();
  const chronon::importer::ImportResult result = chronon::importer::Import(repo.string(), options);
  Check(!result.errors.empty() || !result.files.empty(), "no errors and no file results");
  for (const chronon::importer::FileResult& f : result.files) {
    Check(f.identical || !f.reason.empty(), "a file that is not identical without a reason");
  }
  return 0;
}
