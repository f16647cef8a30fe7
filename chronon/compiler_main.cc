// chronon_compiler: compiles one Chronon definition (the command line of one Bazel action).
//
//   chronon_compiler --kind=group_by --label=//group_bys/team:name.v1 --name=team.name.v1 \
//       --src=group_bys/team/name.v1.textproto --teams=teams.json --dep=<summary file>... \
//       --out_conf=<engine JSON> --out_summary=<what dependents read>
//
// Arguments may come from a param file (`@file`, one argument per line). On any error the diagnostics go to
// stderr in compiler format, the exit status is 1, and no output file exists afterwards.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "chronon/compiler.h"
#include "chronon/diagnostics.h"

namespace {

constexpr char kUnreadable[] = "unreadable-file";
constexpr char kUnwritable[] = "unwritable-output";

bool ReadFile(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return true;
}

// Removes a previous output; never anything but a regular file (an output path could be /dev/null).
void RemoveOutput(const std::string& path) {
  std::error_code error;
  if (!path.empty() && std::filesystem::is_regular_file(std::filesystem::symlink_status(path, error))) {
    std::filesystem::remove(path, error);
  }
}

// Writes through a temporary file and a rename, so a reader never sees a partial file. Refuses to replace
// anything that is not a regular file.
bool WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::symlink_status(path, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << contents;
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::vector<std::string> ExpandParamFiles(int argc, char** argv, bool* ok) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "@")) {
      std::string contents;
      if (!ReadFile(arg.substr(1), &contents)) {
        std::cerr << "chronon_compiler: error: cannot read param file " << arg.substr(1) << "\n";
        *ok = false;
        return args;
      }
      for (absl::string_view line : absl::StrSplit(contents, '\n', absl::SkipEmpty())) args.emplace_back(line);
    } else {
      args.push_back(arg);
    }
  }
  return args;
}

int Usage(const std::string& problem) {
  std::cerr << "chronon_compiler: error: " << problem
            << "\nusage: chronon_compiler --kind=source|group_by|join|staging_query --label=//pkg:target "
               "[--name=team.name] --src=FILE [--teams=teams.json] [--dep=SUMMARY]... [--out_conf=FILE] "
               "--out_summary=FILE\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool ok = true;
  const std::vector<std::string> args = ExpandParamFiles(argc, argv, &ok);
  if (!ok) return 2;
  std::string kind, out_conf, out_summary, src, teams;
  chronon::CompileInput input;
  std::vector<std::string> dep_paths;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (flag == "--kind") kind = value;
    else if (flag == "--label") input.label = value;
    else if (flag == "--name") input.name = value;
    else if (flag == "--src") src = value;
    else if (flag == "--teams") teams = value;
    else if (flag == "--dep") dep_paths.push_back(value);
    else if (flag == "--out_conf") out_conf = value;
    else if (flag == "--out_summary") out_summary = value;
    else return Usage("unknown argument " + arg);
  }
  const std::optional<chronon::Kind> parsed_kind = chronon::ParseKind(kind);
  if (!parsed_kind) return Usage("--kind must be source, group_by, join or staging_query");
  if (src.empty() || out_summary.empty() || input.label.empty()) return Usage("--src, --label and --out_summary are required");
  if (*parsed_kind != chronon::Kind::kSource && out_conf.empty()) return Usage("--out_conf is required");
  input.kind = *parsed_kind;
  input.src_path = src;
  input.teams_path = teams;

  // Outputs of an earlier run must not survive a failed one.
  RemoveOutput(out_conf);
  RemoveOutput(out_summary);

  chronon::Diagnostics diags(src, input.label);
  if (!ReadFile(src, &input.src_text)) {
    std::cerr << src << ":1:1: error: cannot read the file [" << kUnreadable << "]\n";
    return 1;
  }
  if (!teams.empty() && !ReadFile(teams, &input.teams_text)) {
    std::cerr << teams << ":1:1: error: cannot read the team config [" << kUnreadable << "]\n";
    return 1;
  }
  for (const std::string& path : dep_paths) {
    chronon::DependencyInput dep{path, ""};
    if (!ReadFile(path, &dep.summary)) {
      std::cerr << path << ":1:1: error: cannot read the dependency [" << kUnreadable << "]\n";
      return 1;
    }
    input.deps.push_back(std::move(dep));
  }

  const std::optional<chronon::CompileOutput> output = chronon::Compile(input, &diags);
  std::cerr << diags.Format();
  if (!output) return 1;
  if ((!out_conf.empty() && !WriteFileAtomically(out_conf, output->conf)) ||
      !WriteFileAtomically(out_summary, output->summary)) {
    std::cerr << "chronon_compiler: error: cannot write the outputs " << out_conf << ", " << out_summary
              << " [" << kUnwritable << "]\n";
    RemoveOutput(out_conf);
    RemoveOutput(out_summary);
    return 1;
  }
  return 0;
}
