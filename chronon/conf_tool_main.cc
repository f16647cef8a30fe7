// chronon_conf_tool: reads compiled engine JSON for the production/ workflow and lineage targets.
//
//   chronon_conf_tool online-guard KIND OLD NEW   exit 0: compile.py would overwrite OLD with NEW;
//                                                 exit 3: OLD is online and NEW changes it (compile.py refuses)
//   chronon_conf_tool columns KIND CONF [OUT]     the output columns, one `section<TAB>column` per line
//
// KIND is group_by, join or staging_query. Errors: a message on stderr and exit 1; usage errors exit 2.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "chronon/conf_tool.h"
#include "chronon/files.h"

namespace {

using chronon::ReadFile;

int Usage() {
  std::cerr << "usage: chronon_conf_tool online-guard KIND OLD NEW\n"
               "       chronon_conf_tool columns KIND CONF [OUT]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return Usage();
  const std::string command = argv[1], kind = argv[2];
  std::string first;
  if (!ReadFile(argv[3], &first)) {
    std::cerr << argv[3] << ": error: cannot read the file\n";
    return 1;
  }
  if (command == "online-guard" && argc == 5) {
    std::string second;
    if (!ReadFile(argv[4], &second)) {
      std::cerr << argv[4] << ": error: cannot read the file\n";
      return 1;
    }
    absl::StatusOr<bool> guarded = chronon::IsGuardedOnlineChange(kind, first, second);
    if (!guarded.ok()) {
      std::cerr << "chronon_conf_tool: error: " << guarded.status().message() << "\n";
      return 1;
    }
    return *guarded ? 3 : 0;
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
