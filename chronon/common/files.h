// Reading the files named on a tool's command line.
#ifndef CHRONON_FILES_H_
#define CHRONON_FILES_H_

#include <string>

namespace chronon {

// Reads the whole file at `path` into *contents; false when it cannot be read.
bool ReadFile(const std::string& path, std::string* contents);

}  // namespace chronon

#endif  // CHRONON_FILES_H_
