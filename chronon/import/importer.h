// The importer: a Chronon repo's production/ tree (what compile.py wrote) and teams.json -> a consumer workspace
// of textproto definitions and BUILD targets whose compile gives the same bytes, checked before anything is written.
#ifndef CHRONON_IMPORT_IMPORTER_H_
#define CHRONON_IMPORT_IMPORTER_H_

#include <map>
#include <string>
#include <vector>

namespace chronon {
namespace importer {

struct ImportOptions {
  std::string from;   // the Chronon repo root (teams.json, production/)
  std::string to;     // the new workspace directory: must not exist, or be empty
  std::string rules;  // the rules_chronon checkout for local_repository in WORKSPACE
  std::string workspace_name = "chronon_repo";
};

// One production/ file and how its import went.
struct FileResult {
  std::string rel;    // "group_bys/team/module.var"
  std::string label;  // its target
  bool identical = false;
  std::string reason;                 // when not identical: why (a compile error, or what differs)
  std::vector<std::string> pointers;  // the JSON members that differ
};

struct ImportResult {
  std::vector<std::string> errors;  // bad input: nothing may be written
  std::vector<FileResult> files;
  std::map<std::string, std::string> workspace;  // relative path -> content
  size_t json_lines = 0;
  size_t textproto_lines = 0;
  int identical() const;
};

// Reads and converts, compiling every definition in-process against the input; writes nothing.
ImportResult Import(const std::string& from, const ImportOptions& options);

// Writes `result.workspace` into options.to through a temporary sibling directory renamed at the end. Returns an
// error message, or "" on success.
std::string WriteWorkspace(const ImportResult& result, const ImportOptions& options);

// The command-line tool: returns the exit code (0: every file identical; 1: bad input, nothing written; 2: the
// workspace is written but some files could not be expressed exactly, each reported).
int Main(int argc, char** argv);

}  // namespace importer
}  // namespace chronon

#endif  // CHRONON_IMPORT_IMPORTER_H_
