// The messages of an update or a check (production_tree.h): a refused update, the explanation of a change that
// needs attention, diffs, path lists and the command that fixes it. Internal to //chronon:production_tree.
#ifndef CHRONON_PRODUCTION_REPORT_H_
#define CHRONON_PRODUCTION_REPORT_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "chronon/production/production_changes.h"
#include "chronon/production/tree_options.h"

namespace chronon {
namespace production_internal {

// At most this many paths of one list are printed.
inline constexpr size_t kMaxListed = 20;

// `bazel run <update target>`, with `-- --force-overwrite` when `force`.
std::string UpdateCommand(const TreeOptions& options, bool force);

// `paths` under the tree, one a line, at most kMaxListed.
void ListPaths(const TreeOptions& options, const std::vector<std::string>& paths, std::ostream& out);

// The files under the tree that no target manages (left alone), when there are any.
void ReportUnmanaged(const TreeOptions& options, const Plan& plan, std::ostream& out);

// The explanation of one item that needs attention (a refused update, or a failing check).
void Explain(const TreeOptions& options, const Item& item, std::ostream& out);

// The unified diff of a changed conf, unless kMaxDiffs were shown already (*shown_diffs counts them): 1 when shown.
int Diffs(const TreeOptions& options, const Item& item, int* shown_diffs, std::ostream& out);

// Explains why an update writes nothing: paths in the way, and guarded changes not acknowledged.
int Refuse(const TreeOptions& options, const Plan& plan, std::ostream& err);

}  // namespace production_internal
}  // namespace chronon

#endif  // CHRONON_PRODUCTION_REPORT_H_
