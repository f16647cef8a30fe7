// chronon_fix: keeps every Chronon target's `deps` in step with the `ref`s of its textproto, the way Gazelle keeps
// Go deps in step with imports. It lists the targets with buildozer, parses each definition (data, never executed),
// and has buildozer add the labels the definition references but `deps` lacks and remove those it no longer
// references; every other line of every BUILD file stays as it is.
//
//   bazel run @rules_chronon//tools:fix [-- --check] [--workspace=DIR] [--buildozer=PATH]
//
// Exit status: 0 when deps are (now) in step; 1 with --check when something would change, or on an error.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/api.pb.h"
#include "chronon/common/diagnostics.h"
#include "chronon/compiler/textproto.h"

namespace chronon {
namespace {

namespace fs = std::filesystem;

// Runs argv in `cwd`; returns the exit status and stdout.
int Run(const std::vector<std::string>& argv, const std::string& cwd, std::string* out) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(pipe_fds[0]);
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[65536];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) out->append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A label as written in `package` -> absolute ("//pkg:name"); "" when it is not a label of this workspace.
std::string Absolute(const std::string& label, const std::string& package) {
  if (absl::StartsWith(label, "@")) return label;
  if (absl::StartsWith(label, "//")) {
    const size_t colon = label.find(':');
    if (colon != std::string::npos) return label;
    const size_t slash = label.rfind('/');
    return absl::StrCat(label, ":", label.substr(slash + 1));
  }
  return absl::StrCat("//", package, ":", absl::StartsWith(label, ":") ? label.substr(1) : label);
}

// How a person writes a label in `package`'s BUILD file: relative within the package.
std::string Written(const std::string& absolute, const std::string& package) {
  const std::string prefix = absl::StrCat("//", package, ":");
  return absl::StartsWith(absolute, prefix) ? ":" + absolute.substr(prefix.size()) : absolute;
}

void CollectRefs(const google::protobuf::Message& message, std::vector<std::string>* refs) {
  const auto* r = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i)
          CollectRefs(r->GetRepeatedMessage(message, field, i), refs);
      } else {
        CollectRefs(r->GetMessage(message, field), refs);
      }
    } else if ((field->name() == "ref" || field->name() == "staging_query") && !field->is_repeated() &&
               field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      refs->push_back(r->GetString(message, field));
    }
  }
}

std::unique_ptr<google::protobuf::Message> NewDefinition(const std::string& kind) {
  if (kind == "chronon_source") return std::make_unique<api::Source>();
  if (kind == "chronon_group_by") return std::make_unique<api::GroupBy>();
  if (kind == "chronon_join") return std::make_unique<api::Join>();
  if (kind == "chronon_staging_query") return std::make_unique<api::StagingQuery>();
  return nullptr;
}

// The buildozer next to the rules (their package.json pins it; `npm ci` installs it), else on PATH.
std::string FindBuildozer(const char* argv0) {
  if (const char* env = std::getenv("BUILDOZER"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  // Our runfiles hold the rules' package.json (a symlink into the rules' checkout when it is a local_repository).
  const std::vector<fs::path> candidates = {fs::path(std::string(argv0) + ".runfiles/rules_chronon/package.json"),
                                            fs::current_path(ec) / "../rules_chronon/package.json",
                                            fs::current_path(ec) / "external/rules_chronon/package.json"};
  for (const fs::path& candidate : candidates) {
    const fs::path real = fs::canonical(candidate, ec);
    if (ec) continue;
    const fs::path buildozer = real.parent_path() / "node_modules/.bin/buildozer";
    if (fs::exists(buildozer, ec)) return buildozer.string();
  }
  return "buildozer";
}

int Main(int argc, char** argv) {
  std::string workspace;
  std::string buildozer;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--check") {
      check = true;
    } else if (absl::StartsWith(arg, "--workspace=")) {
      workspace = arg.substr(12);
    } else if (absl::StartsWith(arg, "--buildozer=")) {
      buildozer = arg.substr(12);
    } else {
      std::cerr << "usage: fix [--check] [--workspace=DIR] [--buildozer=PATH]\nunknown argument: " << arg << "\n";
      return 1;
    }
  }
  if (workspace.empty()) {
    const char* env = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    if (env == nullptr) {
      std::cerr << "error: run it with `bazel run`, or pass --workspace=DIR\n";
      return 1;
    }
    workspace = env;
  }
  if (buildozer.empty()) buildozer = FindBuildozer(argv[0]);

  std::string listing;
  const int listed = Run({buildozer, "print label kind src deps", "//...:*"}, workspace, &listing);
  if (listed == 127 || listed < 0) {
    std::cerr << "error: cannot run buildozer (" << buildozer
              << "); run `npm ci` in the rules_chronon checkout, put buildozer on PATH, or pass --buildozer=PATH\n";
    return 1;
  }
  int errors = 0, changed = 0, targets = 0;
  for (absl::string_view line : absl::StrSplit(listing, '\n', absl::SkipEmpty())) {
    // `//pkg:name kind src [a b]` (buildozer writes `(missing)` for an unset attribute).
    std::string text(line);
    std::vector<std::string> current;
    const size_t open = text.find('[');
    if (open != std::string::npos) {
      const size_t close = text.find(']', open);
      current = absl::StrSplit(text.substr(open + 1, close - open - 1), ' ', absl::SkipEmpty());
      text = text.substr(0, open);
    }
    std::vector<std::string> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
    if (fields.size() < 3) continue;
    const std::string& label = fields[0];
    const std::string& kind = fields[1];
    std::unique_ptr<google::protobuf::Message> definition = NewDefinition(kind);
    if (definition == nullptr) continue;
    ++targets;
    const std::string package = label.substr(2, label.find(':') - 2);
    const std::string name = label.substr(label.find(':') + 1);
    std::string src = fields[2] == "(missing)" ? name + ".textproto" : fields[2];
    const std::string src_label = Absolute(src, package);
    const std::string src_package = src_label.substr(2, src_label.find(':') - 2);
    const fs::path path = fs::path(workspace) / src_package / src_label.substr(src_label.find(':') + 1);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) {
      std::cerr << path.string() << ": error: cannot read the definition of " << label << "\n";
      ++errors;
      continue;
    }
    const std::string rel = (fs::path(src_package) / src_label.substr(src_label.find(':') + 1)).string();
    Diagnostics diags(rel, label);
    ParseInfoTree tree;
    if (!ParseTextproto(content.str(), definition.get(), &tree, &diags)) {
      std::cerr << diags.Format() << "(deps of " << label << " left as they are)\n";
      ++errors;
      continue;
    }
    std::vector<std::string> refs;
    CollectRefs(*definition, &refs);
    std::set<std::string> wanted;
    for (const std::string& ref : refs) {
      if (!ref.empty()) wanted.insert(Absolute(ref, package));
    }
    std::set<std::string> have;
    std::vector<std::string> commands;
    std::vector<std::string> report;
    for (const std::string& dep : current) {
      const std::string absolute = Absolute(dep, package);
      have.insert(absolute);
      if (!wanted.count(absolute)) {
        commands.push_back("remove deps " + dep);
        report.push_back("-" + dep);
      }
    }
    for (const std::string& ref : wanted) {
      if (have.count(ref)) continue;
      commands.push_back("add deps " + Written(ref, package));
      report.push_back("+" + Written(ref, package));
    }
    if (commands.empty()) continue;
    ++changed;
    std::cout << (check ? "would fix " : "fixed ") << label << ": " << absl::StrJoin(report, " ") << "\n";
    if (check) continue;
    std::vector<std::string> args = {buildozer, "-quiet"};
    args.insert(args.end(), commands.begin(), commands.end());
    args.push_back(label);
    std::string ignored;
    const int status = Run(args, workspace, &ignored);
    if (status != 0 && status != 3) {  // 3: nothing changed
      std::cerr << "error: buildozer failed (" << status << ") on " << label << "\n";
      ++errors;
    }
  }
  std::cout << targets << " Chronon targets, " << changed << (check ? " out of step" : " fixed") << "\n";
  if (errors > 0) return 1;
  return check && changed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace chronon

int main(int argc, char** argv) { return chronon::Main(argc, argv); }
