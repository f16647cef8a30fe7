// The command line of one compile, shared by the one-shot binary and the persistent worker: the same arguments give
// the same output files, the same diagnostics and the same exit status either way.
#ifndef CHRONON_CLI_H_
#define CHRONON_CLI_H_

#include <string>
#include <vector>

namespace chronon {

// Expands `@file` arguments (one argument per line, empty lines skipped). Returns false, with a message in `*error`,
// if a param file cannot be read.
bool ExpandParamFiles(const std::vector<std::string>& args, std::vector<std::string>* expanded, std::string* error);

// Runs one compile for `args` (already expanded, without the program name): `--kind=... --label=... --src=...`.
// Appends what the compiler reports (diagnostics, usage errors) to `*messages`. Returns the exit status: 0 on
// success, 1 when the definition has errors or a file cannot be read or written, 2 for a bad command line. On any
// non-zero status no output file exists afterwards. Never throws.
int RunCompile(const std::vector<std::string>& args, std::string* messages);

}  // namespace chronon

#endif  // CHRONON_CLI_H_
