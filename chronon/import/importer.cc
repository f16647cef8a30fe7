#include "chronon/import/importer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/common/json_writer.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/import_session.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

int ImportResult::identical() const {
  return static_cast<int>(std::count_if(files.begin(), files.end(), [](const FileResult& f) { return f.identical; }));
}

const KindDir& KindOf(const std::string& kind) {
  for (const KindDir& k : kKinds) {
    if (kind == k.kind) return k;
  }
  return kKinds[0];
}

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

void SameBytes::Write(std::string_view piece) {
  if (!same_) return;
  block_.resize(piece.size());
  in_.read(block_.data(), static_cast<std::streamsize>(piece.size()));
  same_ = static_cast<size_t>(in_.gcount()) == piece.size() && std::string_view(block_.data(), piece.size()) == piece;
}

bool SameBytes::Same() {
  if (!same_) return false;
  char extra;
  in_.read(&extra, 1);
  return in_.gcount() == 0 && in_.eof();
}

size_t CountLines(const std::string& text) {
  if (text.empty()) return 0;
  return std::count(text.begin(), text.end(), '\n') + (text.back() == '\n' ? 0 : 1);
}

std::string Format(const InputError& e) {
  return absl::StrCat(e.file, ": error: ", e.pointer.empty() ? "" : absl::StrCat("at ", e.pointer, ": "), e.message,
                      " [import-bad-input]");
}

void Importer::LeaveOut(const std::string& rel, const std::string& name, const std::string& reason) {
  FileResult file;
  file.rel = rel;
  file.reason = reason;
  left_out_.push_back(std::move(file));
  if (!name.empty()) skipped_.insert(name);
}

// A problem of the whole input (no production/, a teams.json that does not parse) stops the import; a problem of
// one file leaves that file out, with its reason, and the rest is imported.
ImportResult Importer::Run() {
  if (!Load()) return std::move(result_);
  try {
    Prepass();
    for (const Object& object : objects_) ImportObject(object);
    ShareSources();
  } catch (const Json::exception& e) {
    result_.errors.push_back(
        Format({current_file_, "", absl::StrCat("not the JSON compile.py writes (", e.what(), ")")}));
    return std::move(result_);
  }
  result_.files = left_out_;
  for (const Object& object : objects_) {
    if (!skipped_.count(object.name)) result_.files.push_back(files_[object.name]);
  }
  std::sort(result_.files.begin(), result_.files.end(),
            [](const FileResult& a, const FileResult& b) { return a.rel < b.rel; });
  Generate();
  return std::move(result_);
}

ImportResult Import(const std::string& from, const ImportOptions& options) { return Importer(from, options).Run(); }

std::string WriteWorkspace(const ImportResult& result, const ImportOptions& options) {
  std::error_code ec;
  fs::path to = fs::absolute(fs::path(options.to).lexically_normal(), ec);
  if (to.filename().empty() && to.has_parent_path()) to = to.parent_path();
  if (fs::exists(fs::symlink_status(to, ec))) {
    if (!fs::is_directory(fs::symlink_status(to, ec)) || !fs::is_empty(to, ec)) {
      return absl::StrCat(to.string(), " exists and is not an empty directory; the importer never overwrites");
    }
  }
  if (!fs::is_directory(to.parent_path(), ec)) return absl::StrCat(to.parent_path().string(), " is not a directory");
  std::string pattern = (to.parent_path() / absl::StrCat(".", to.filename().string(), ".import-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) return absl::StrCat("cannot create a directory next to ", to.string());
  const fs::path staging(pattern);
  auto fail = [&](const std::string& message) {
    fs::remove_all(staging, ec);
    return message;
  };
  for (const auto& [rel, content] : result.workspace) {
    const fs::path path = staging / rel;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) return fail(absl::StrCat("cannot write ", path.string()));
  }
  fs::permissions(staging,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                      fs::perms::others_exec,
                  ec);
  if (fs::exists(to, ec)) fs::remove(to, ec);  // an empty directory, checked above
  if (std::rename(staging.c_str(), to.c_str()) != 0) {
    return fail(absl::StrCat("cannot rename the new workspace to ", to.string()));
  }
  return "";
}

int Main(int argc, char** argv) {
  ImportOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto flag = [&](const char* name, std::string* value) {
      const std::string prefix = absl::StrCat("--", name, "=");
      if (!absl::StartsWith(arg, prefix)) return false;
      *value = arg.substr(prefix.size());
      return true;
    };
    if (flag("from", &options.from) || flag("to", &options.to) || flag("rules", &options.rules) ||
        flag("workspace_name", &options.workspace_name)) {
      continue;
    }
    std::cerr << "usage: import --from=<chronon repo root> --to=<new workspace dir> [--rules=<rules_chronon path>] "
                 "[--workspace_name=<name>]\nunknown argument: "
              << arg << "\n";
    return 1;
  }
  if (options.from.empty() || options.to.empty()) {
    std::cerr << "usage: import --from=<chronon repo root> --to=<new workspace dir> [--rules=<rules_chronon path>]\n";
    return 1;
  }
  // Under `bazel run`, relative paths are the user's, not the runfiles directory's.
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  auto resolve = [&](std::string* path) {
    if (cwd != nullptr && !path->empty() && (*path)[0] != '/') {
      *path = (fs::path(cwd) / *path).lexically_normal().string();
    }
  };
  resolve(&options.from);
  resolve(&options.to);
  // `--to=dir/` is `dir`.
  fs::path to_path = fs::path(options.to).lexically_normal();
  if (to_path.filename().empty() && to_path.has_parent_path()) to_path = to_path.parent_path();
  options.to = to_path.string();
  {
    // The new workspace is never written into the repo it is imported from (nor over it).
    std::error_code from_ec, to_ec;
    const fs::path from_real = fs::canonical(options.from, from_ec);
    const fs::path to_real = fs::weakly_canonical(fs::absolute(to_path, to_ec), to_ec);
    if (!from_ec && !to_ec &&
        std::mismatch(from_real.begin(), from_real.end(), to_real.begin(), to_real.end()).first == from_real.end()) {
      std::cerr << "error: --to=" << options.to << " is inside --from=" << options.from
                << "; the importer never writes into the repo it reads: choose a directory outside it\n";
      return 1;
    }
  }
  if (options.rules.empty()) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    std::error_code ec;
    if (workspace != nullptr && fs::exists(fs::path(workspace) / "rules" / "defs.bzl", ec)) {
      options.rules = workspace;
    } else {
      std::cerr << "error: pass --rules=<path of the rules_chronon checkout> for the new WORKSPACE's "
                   "local_repository\n";
      return 1;
    }
  } else {
    resolve(&options.rules);
  }
  std::error_code ec;
  if (fs::exists(options.to, ec) && (!fs::is_directory(options.to, ec) || !fs::is_empty(options.to, ec))) {
    std::cerr << "error: " << options.to << " exists and is not an empty directory; the importer never overwrites\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  ImportResult result = Import(options.from, options);
  if (!result.errors.empty()) {
    for (const std::string& e : result.errors) std::cerr << e << "\n";
    std::cerr << "nothing written\n";
    return 1;
  }
  const std::string error = WriteWorkspace(result, options);
  if (!error.empty()) {
    std::cerr << "error: " << error << "\nnothing written\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int not_imported = 0;
  for (const FileResult& file : result.files) {
    if (file.identical) continue;
    std::cout << "NOT IMPORTED: production/" << file.rel << ": " << file.reason << "\n";
    not_imported++;
    for (const std::string& pointer : file.pointers) std::cout << "  differs: " << pointer << "\n";
  }
  std::cout << result.identical() << "/" << result.files.size() << " identical (compiled in-process against "
            << options.from << "/production, with the team config and compile of `bazel build`)\n";
  if (not_imported > 0) {
    std::cout << not_imported << " not imported (listed above, each with its reason); exit status 2\n";
  }
  std::cout << "read " << result.json_lines << " JSON lines, wrote " << result.textproto_lines
            << " textproto lines, in " << absl::StrFormat("%.2f", seconds) << " s\n";
  std::cout << "wrote " << options.to << "; build and compare it with:\n  cd " << options.to
            << " && bazel build //:production && diff -r -x '.*' bazel-bin/production " << options.from
            << "/production\n";
  return result.identical() == static_cast<int>(result.files.size()) ? 0 : 2;
}

}  // namespace importer
}  // namespace chronon
