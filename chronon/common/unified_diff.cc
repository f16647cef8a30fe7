#include "chronon/common/unified_diff.h"

#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dtl/dtl.hpp"  // Debian's libdtl-dev: the diff algorithm (O(NP)) and the hunk grouping.

namespace chronon {
namespace {

// The lines of `text`; a last line without its newline gets a marker so that a missing final newline is a
// difference the diff shows.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(absl::StrCat(text.substr(start), "\n\\ No newline at end of file"));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string UnifiedDiff(const std::string& old_text, const std::string& new_text, const std::string& old_label,
                        const std::string& new_label, int max_lines) {
  if (old_text == new_text) return "";
  const std::vector<std::string> a = Lines(old_text), b = Lines(new_text);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream hunks;
  diff.printUnifiedFormat(hunks);
  std::string out = absl::StrCat("--- ", old_label, "\n+++ ", new_label, "\n");
  std::istringstream lines(hunks.str());
  std::string line;
  int kept = 0, left_out = 0;
  while (std::getline(lines, line)) {
    if (kept < max_lines) {
      absl::StrAppend(&out, line, "\n");
      ++kept;
    } else {
      ++left_out;
    }
  }
  if (left_out > 0) absl::StrAppend(&out, "... ", left_out, " more diff lines not shown\n");
  return out;
}

}  // namespace chronon
