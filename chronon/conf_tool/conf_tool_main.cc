// chronon_conf_tool: reads compiled engine JSON for the production/ workflow and lineage targets.
//
//   chronon_conf_tool columns KIND CONF [OUT]     the output columns, one `section<TAB>column` per line
//   chronon_conf_tool update TREE_FLAGS [--force-overwrite] [--check]
//                                                 writes the built tree into $BUILD_WORKSPACE_DIRECTORY/<dir>
//                                                 (`bazel run :<name>.update`); with --check, only compares
//   chronon_conf_tool check TREE_FLAGS --anchor=RUNFILE --anchor_path=PATH
//                                                 compares the checked-in tree with the built one (`bazel test
//                                                 :<name>_test`); the workspace is where RUNFILE, a runfiles
//                                                 symlink to the source file PATH, points
//   chronon_conf_tool plan TREE_FLAGS [--format=text|json] [--fail-on=recompute,online]
//                                                 what the built tree changes in the checked-in one, and which
//                                                 tables Chronon's engine will recompute (`bazel run
//                                                 :<name>.plan`, docs/plan.md); exit 3 when --fail-on applies
//
// TREE_FLAGS: --manifest=FILE --dir=DIR --owner=LABEL --update_target=LABEL (chronon_production's launchers pass
// them). KIND is group_by, join or staging_query. Errors: a message on stderr and exit 1; usage errors exit 2.
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "chronon/common/files.h"
#include "chronon/plan/plan.h"
#include "chronon/production/confs.h"
#include "chronon/production/production_tree.h"

namespace {

using chronon::ReadFile;

int Usage() {
  std::cerr << "usage: chronon_conf_tool columns KIND CONF [OUT]\n"
               "       chronon_conf_tool update --manifest=F --dir=D --owner=L --update_target=L "
               "[--force-overwrite] [--check]\n"
               "       chronon_conf_tool check --manifest=F --dir=D --owner=L --update_target=L --anchor=R "
               "--anchor_path=P\n"
               "       chronon_conf_tool plan --manifest=F --dir=D --owner=L --update_target=L [--format=text|json] "
               "[--fail-on=recompute,online]\n";
  return 2;
}

// The source tree's root for the staleness test: `anchor` is a runfiles symlink to the source file at
// workspace-relative `anchor_path`; the workspace is its real path minus that suffix.
bool WorkspaceFromAnchor(const std::string& anchor, const std::string& anchor_path, std::string* workspace) {
  char real[PATH_MAX];
  if (realpath(anchor.c_str(), real) == nullptr) return false;
  std::string resolved = real;
  const std::string suffix = "/" + anchor_path;
  if (!absl::EndsWith(resolved, suffix)) return false;
  *workspace = resolved.substr(0, resolved.size() - suffix.size());
  // Runfiles are symlinks into the execroot, whose entries are symlinks into the source tree: a real path inside
  // Bazel's output base means the runfiles were copied (remote or sandboxed execution), not linked.
  return !absl::StrContains(*workspace, "/execroot/") && !absl::StrContains(*workspace, ".runfiles/");
}

// The stat cache of one tree: $XDG_CACHE_HOME (or ~/.cache) /rules_chronon/production/<FNV-1a of the workspace,
// directory and owner>; "" when there is no such directory and it cannot be made (the tool then reads every file).
std::string CachePath(const chronon::TreeOptions& options) {
  const char* xdg = getenv("XDG_CACHE_HOME");
  const char* home = getenv("HOME");
  std::string base = xdg != nullptr && *xdg == '/'     ? xdg
                     : home != nullptr && *home == '/' ? absl::StrCat(home, "/.cache")
                                                       : "";
  if (base.empty()) return "";
  uint64_t hash = 1469598103934665603ull;
  for (char c : absl::StrCat(options.workspace, "\n", options.dir, "\n", options.owner)) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  std::string dir = base;
  for (const char* part : {"rules_chronon", "production"}) {
    dir = absl::StrCat(dir, "/", part);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "";
  }
  return absl::StrCat(dir, "/", absl::Hex(hash, absl::kZeroPad16));
}

int Tree(const std::string& command, int argc, char** argv) {
  std::map<std::string, std::string> flags;
  chronon::TreeOptions options;
  bool check = command == "check";
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--force-overwrite" && command == "update") {
      options.force_overwrite = true;
    } else if (arg == "--check" && command == "update") {
      check = true;
    } else if (absl::StartsWith(arg, "--") && arg.find('=') != std::string::npos) {
      flags[arg.substr(2, arg.find('=') - 2)] = arg.substr(arg.find('=') + 1);
    } else {
      std::cerr << "error: unknown argument " << arg
                << (command == "plan" ? " (the options are --format=text|json and --fail-on=recompute,online)\n"
                                      : " (the options are --force-overwrite, to acknowledge guarded changes as "
                                        "compile.py does, and --check, to compare without writing)\n");
      return 2;
    }
  }
  if (command == "plan") {
    // A misspelt --fail-on must not pass silently: a CI gate would never fail.
    for (const auto& [name, value] : flags) {
      if (name != "manifest" && name != "dir" && name != "owner" && name != "update_target" && name != "format" &&
          name != "fail-on") {
        std::cerr << "error: unknown option --" << name
                  << " (the options are --format=text|json and --fail-on=recompute,online)\n";
        return 2;
      }
    }
  }
  for (const char* required : {"manifest", "dir", "owner", "update_target"}) {
    if (!flags.count(required)) return Usage();
  }
  options.dir = flags["dir"];
  options.owner = flags["owner"];
  options.update_target = flags["update_target"];
  std::string manifest;
  if (!ReadFile(flags["manifest"], &manifest)) {
    std::cerr << flags["manifest"] << ": error: cannot read the manifest\n";
    return 1;
  }
  absl::StatusOr<std::vector<chronon::ManifestEntry>> entries = chronon::ParseManifest(manifest);
  if (!entries.ok()) {
    std::cerr << flags["manifest"] << ": error: " << entries.status().message() << "\n";
    return 1;
  }
  options.entries = *std::move(entries);
  if (command == "update" || command == "plan") {
    const char* workspace = getenv("BUILD_WORKSPACE_DIRECTORY");
    if (workspace == nullptr || *workspace == '\0') {
      std::cerr << "error: run this with `bazel run` ("
                << (command == "plan" ? "the .plan target of chronon_production" : options.update_target) << ")\n";
      return 2;
    }
    options.workspace = workspace;
  } else if (!WorkspaceFromAnchor(flags["anchor"], flags["anchor_path"], &options.workspace)) {
    std::cerr << "error: cannot find the source tree from " << flags["anchor"]
              << ": the staleness test reads the checked-in tree in place, so it runs locally (tags `local` and "
                 "`external`, as chronon_production sets them); or check with `bazel run "
              << options.update_target << " -- --check`\n";
    return 2;
  }
  options.cache = CachePath(options);
  if (command == "plan") return chronon::RunPlan(options, flags["format"], flags["fail-on"], std::cout, std::cerr);
  return check ? chronon::CheckTree(options, std::cout) : chronon::UpdateTree(options, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  if (command == "update" || command == "check" || command == "plan") return Tree(command, argc, argv);
  if (argc < 4) return Usage();
  const std::string kind = argv[2];
  std::string first;
  if (!ReadFile(argv[3], &first)) {
    std::cerr << argv[3] << ": error: cannot read the file\n";
    return 1;
  }
  if (command == "columns" && (argc == 4 || argc == 5)) {
    auto columns = chronon::OutputColumns(kind, first);
    if (!columns.ok()) {
      std::cerr << argv[3] << ": error: " << columns.status().message() << "\n";
      return 1;
    }
    std::ostringstream out;
    for (const auto& [section, column] : *columns) out << section << "\t" << column << "\n";
    if (argc == 4) {
      std::cout << out.str();
      return 0;
    }
    std::ofstream file(argv[4], std::ios::binary | std::ios::trunc);
    file << out.str();
    if (!file.flush()) {
      std::cerr << argv[4] << ": error: cannot write the file\n";
      return 1;
    }
    return 0;
  }
  return Usage();
}
