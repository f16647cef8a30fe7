#include "chronon/production/production_report.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "chronon/common/unified_diff.h"
#include "chronon/production/production_files.h"
#include "chronon/production/production_index.h"

namespace chronon {
namespace production_internal {
namespace {

constexpr int kMaxDiffLines = 60;
constexpr int kMaxDiffs = 20;

}  // namespace

std::string UpdateCommand(const TreeOptions& options, bool force) {
  return absl::StrCat("bazel run ", options.update_target, force ? " -- --force-overwrite" : "");
}

void ListPaths(const TreeOptions& options, const std::vector<std::string>& paths, std::ostream& out) {
  for (size_t i = 0; i < paths.size() && i < kMaxListed; ++i) out << "  " << Shown(options, paths[i]) << "\n";
  if (paths.size() > kMaxListed) out << "  ... and " << paths.size() - kMaxListed << " more\n";
}

void ReportUnmanaged(const TreeOptions& options, const Plan& plan, std::ostream& out) {
  if (plan.unmanaged.empty()) return;
  out << options.dir << "/: " << plan.unmanaged.size() << " file(s) not managed by " << options.owner
      << ", left alone:\n";
  ListPaths(options, plan.unmanaged, out);
}

void Explain(const TreeOptions& options, const Item& item, std::ostream& out) {
  const std::string shown = Shown(options, item.path);
  switch (item.change) {
    case Change::kOnline:
      out << "ONLINE CONF CHANGED: " << shown << "\n"
          << "  It is online in the checked-in tree and its content changed (metaData aside). compile.py refuses "
             "this:\n  \"Cannot overwrite "
          << ClassOf(item.path) << " " << item.path
          << " with existing online conf\". Online features are frozen in production.\n";
      break;
    case Change::kRemovedOnline:
      out << "ONLINE CONF GONE: " << shown << "\n"
          << "  It is online in the checked-in tree and no definition of " << options.owner
          << " builds it any more. Removing an online conf is guarded like changing one.\n";
      break;
    case Change::kUnreadable:
    case Change::kRemovedUnreadable:
      out << "UNREADABLE CONF: " << shown << ": " << item.detail << "\n"
          << "  Whether it is an online conf cannot be told (merge-conflict markers?), so it is guarded like one. "
          << (item.change == Change::kUnreadable ? "The update replaces it with the built conf"
                                                 : "Its definition is gone; the update removes it")
          << " when acknowledged with --force-overwrite.\n";
      break;
    case Change::kInTheWay: {
      std::pair<std::string, std::string> detail = absl::StrSplit(item.detail, absl::MaxSplits('\t', 1));
      out << "NOT A FILE: " << Shown(options, detail.first) << " is " << detail.second
          << ". rules_chronon never follows, replaces or removes it: move it away by hand.\n";
      break;
    }
    case Change::kOwnedElsewhere:
      out << "MANAGED BY ANOTHER TARGET: " << shown << " is listed for " << item.detail << " in "
          << Shown(options, kIndexName) << ", and " << options.owner
          << " builds it too. A file has one owner: take the definition out of one of the two targets.\n";
      break;
    default:
      break;
  }
}

int Diffs(const TreeOptions& options, const Item& item, int* shown_diffs, std::ostream& out) {
  if (*shown_diffs >= kMaxDiffs) return 0;
  ++*shown_diffs;
  const std::string shown = Shown(options, item.path);
  out << UnifiedDiff(item.old, item.built, absl::StrCat(shown, " (checked in)"), absl::StrCat(shown, " (built)"),
                     kMaxDiffLines);
  return 1;
}

int Refuse(const TreeOptions& options, const Plan& plan, std::ostream& err) {
  bool blocking = false, guarded = false;
  for (const Item& item : plan.items) {
    blocking |= Blocking(item.change);
    guarded |= Guarded(item.change);
    if (Blocking(item.change) || (Guarded(item.change) && !options.force_overwrite)) Explain(options, item, err);
  }
  err << "\nNothing was written.";
  if (blocking) {
    err << " Move the paths above out of the way, then run:\n  " << UpdateCommand(options, guarded) << "\n";
  } else {
    err << " If these changes are intended, acknowledge them (as compile.py --force-overwrite does):\n  "
        << UpdateCommand(options, true) << "\n";
  }
  return 1;
}

}  // namespace production_internal
}  // namespace chronon
