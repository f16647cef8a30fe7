// A unified diff of two texts, line by line, for the staleness report of the production/ tree.
#ifndef CHRONON_UNIFIED_DIFF_H_
#define CHRONON_UNIFIED_DIFF_H_

#include <string>

namespace chronon {

// `diff -u`-style output (`--- <old_label>`, `+++ <new_label>`, then `@@` hunks with 3 lines of context) of the
// lines of `old_text` against those of `new_text`; "" when they are equal. A last line without a final newline is
// marked with `\ No newline at end of file`, as diff does. At most `max_lines` hunk lines are kept; when more
// exist, a last line says how many were left out.
std::string UnifiedDiff(const std::string& old_text, const std::string& new_text, const std::string& old_label,
                        const std::string& new_label, int max_lines);

}  // namespace chronon

#endif  // CHRONON_UNIFIED_DIFF_H_
