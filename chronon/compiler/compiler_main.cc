// chronon_compiler: compiles one Chronon definition (the command line of one Bazel action).
//
//   chronon_compiler --kind=group_by --label=//group_bys/team:name.v1 --name=team.name.v1 \
//       --src=group_bys/team/name.v1.textproto --teams=teams.json --dep=<summary file>... \
//       --out_conf=<engine JSON> --out_summary=<what dependents read>
//
// Arguments may come from a param file (`@file`, one argument per line). On any error the diagnostics go to
// stderr in compiler format, the exit status is 1, and no output file exists afterwards.
//
//   chronon_compiler --persistent_worker
//
// answers Bazel's WorkRequests on stdin (each holding the arguments above) with WorkResponses on stdout: the same
// output files, the diagnostics as the response's output, and the same exit status as the one-shot command.
#include <iostream>
#include <string>
#include <vector>

#include "chronon/compiler/cli.h"
#include "chronon/compiler/worker.h"

int main(int argc, char** argv) {
  std::vector<std::string> raw(argv + 1, argv + argc);
  for (const std::string& arg : raw) {
    if (arg == "--persistent_worker") {
      return chronon::RunWorkerOnStdio([](const std::vector<std::string>& request, std::string* out) {
        std::vector<std::string> args;
        std::string error;
        if (!chronon::ExpandParamFiles(request, &args, &error)) {
          *out += error;
          return 2;
        }
        return chronon::RunCompile(args, out);
      });
    }
  }
  std::vector<std::string> args;
  std::string messages;
  if (!chronon::ExpandParamFiles(raw, &args, &messages)) {
    std::cerr << messages;
    return 2;
  }
  const int status = chronon::RunCompile(args, &messages);
  std::cerr << messages;
  return status;
}
