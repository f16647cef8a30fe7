#include "chronon/production/production_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "chronon/production/production_changes.h"
#include "chronon/production/production_files.h"
#include "chronon/production/production_index.h"
#include "chronon/production/production_report.h"

namespace chronon {

// The parts of an update and a check: production_files.h (safe file handling), production_index.h (the ownership
// index and the stat cache), production_changes.h (the plan of changes), production_report.h (the messages).
using production_internal::Blocking;
using production_internal::Change;
using production_internal::ClearStaging;
using production_internal::Diffs;
using production_internal::Dirs;
using production_internal::ErrnoText;
using production_internal::Explain;
using production_internal::Fd;
using production_internal::Guarded;
using production_internal::Index;
using production_internal::Item;
using production_internal::kConfMode;
using production_internal::kMaxListed;
using production_internal::ListPaths;
using production_internal::ModeText;
using production_internal::NearestDir;
using production_internal::Plan;
using production_internal::Refuse;
using production_internal::Removes;
using production_internal::RenderIndex;
using production_internal::ReportUnmanaged;
using production_internal::SaveSeen;
using production_internal::Shown;
using production_internal::SplitDir;
using production_internal::Staged;
using production_internal::StageFile;
using production_internal::Survey;
using production_internal::Surveyed;
using production_internal::UpdateCommand;
using production_internal::ValidConfPath;
using production_internal::Writes;

absl::StatusOr<std::vector<ManifestEntry>> ParseManifest(const std::string& text) {
  std::vector<ManifestEntry> entries;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++number;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 2 || !ValidConfPath(fields[0]) || fields[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("manifest line ", number, ": expected `<path>\\t<file>`"));
    }
    entries.push_back({fields[0], fields[1]});
  }
  return entries;
}

int UpdateTree(const TreeOptions& options, std::ostream& out, std::ostream& err) {
  Surveyed tree;
  if (!Survey(options, /*update=*/true, err, &tree)) {
    err << "Nothing was written.\n";
    return 1;
  }
  if (!tree.root_exists) {
    out << options.dir << "/: nothing to write (no definitions, no directory)\n";
    return 0;
  }
  Dirs& dirs = *tree.dirs;
  const int root_fd = dirs.Open("").fd;
  const Index& index = tree.index;
  const Plan& plan = tree.plan;
  for (const Item& item : plan.items) {
    if (Blocking(item.change) || (Guarded(item.change) && !options.force_overwrite)) return Refuse(options, plan, err);
  }

  // Every directory that a file is renamed into or removed from must be writable before anything is touched.
  std::set<std::string> dirs_to_write;
  for (const Item& item : plan.items) dirs_to_write.insert(SplitDir(item.path).first);
  for (const std::string& dir : dirs_to_write) {
    int fd = NearestDir(dirs, dir);
    if (fd >= 0 && faccessat(fd, ".", W_OK | X_OK, 0) != 0) {
      err << Shown(options, dir) << ": error: the directory is not writable (" << ErrnoText(errno)
          << ").\nNothing was written.\n";
      return 1;
    }
  }

  const bool index_changes = plan.index_stale;
  if (plan.items.empty() && !index_changes) {
    SaveSeen(options.cache, plan.seen);
    out << options.dir << "/: up to date (" << plan.unchanged << " file(s))\n";
    ReportUnmanaged(options, plan, out);
    return 0;
  }

  // Stage: every new file, then the widened and the final index, in <root>/.chronon_staging, flushed once.
  if (mkdirat(root_fd, kStagingName, 0755) != 0) {
    err << Shown(options, kStagingName) << ": error: cannot create it: " << ErrnoText(errno)
        << "\nNothing was written.\n";
    return 1;
  }
  Fd staging(openat(root_fd, kStagingName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  std::vector<Staged> staged;
  std::string error;
  auto fail_staging = [&](const std::string& what) {
    err << Shown(options, what) << ": error: cannot stage it: " << error << "\n";
    ClearStaging(options, root_fd, err);
    err << "Nothing was written.\n";
    return 1;
  };
  if (!staging.ok()) return fail_staging(kStagingName);
  for (const Item& item : plan.items) {
    if (!Writes(item.change)) continue;
    const auto [dir, name] = SplitDir(item.path);
    absl::StatusOr<int> dirfd = dirs.Create(dir);
    if (!dirfd.ok()) {
      error = std::string(dirfd.status().message());
      return fail_staging(item.path);
    }
    std::string staged_name = std::to_string(staged.size());
    if (!StageFile(staging.get(), staged_name, item.built, &error)) return fail_staging(item.path);
    staged.push_back({staged_name, *dirfd, name});
  }
  const std::string widened = RenderIndex(plan.widened), final_index = RenderIndex(plan.index);
  const bool widen = widened != (index.exists ? index.text : "") && widened != final_index;
  if (widen && !StageFile(staging.get(), "index.widened", widened, &error)) return fail_staging(kIndexName);
  if (!final_index.empty() && !StageFile(staging.get(), "index", final_index, &error)) {
    return fail_staging(kIndexName);
  }
  if (syncfs(root_fd) != 0) {
    error = ErrnoText(errno);
    return fail_staging(kStagingName);
  }

  // Commit: widen the index, rename every file into place, remove what is gone, narrow the index.
  size_t done = 0;
  const size_t total = staged.size() + std::count_if(plan.items.begin(), plan.items.end(),
                                                     [](const Item& item) { return Removes(item.change); });
  auto fail_commit = [&](const std::string& path, const std::string& what) {
    err << Shown(options, path) << ": error: cannot " << what << ": " << ErrnoText(errno) << "\n"
        << done << " of " << total << " changes were made; each file is either its old or its new version. "
        << "Fix the cause, then run `" << UpdateCommand(options, options.force_overwrite) << "` to finish.\n";
    return 1;
  };
  if (widen && renameat(staging.get(), "index.widened", root_fd, kIndexName) != 0) {
    return fail_commit(kIndexName, "write it");
  }
  std::vector<std::string> written, removed;
  size_t next = 0;
  for (const Item& item : plan.items) {
    if (!Writes(item.change)) continue;
    const Staged& file = staged[next++];
    if (renameat(staging.get(), file.name.c_str(), file.dirfd, file.target.c_str()) != 0) {
      return fail_commit(item.path, "write it");
    }
    ++done;
    written.push_back(item.path);
  }
  std::set<std::string> emptied;
  for (const Item& item : plan.items) {
    if (!Removes(item.change)) continue;
    const auto [dir, name] = SplitDir(item.path);
    if (unlinkat(dirs.Open(dir).fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      return fail_commit(item.path, "remove it");
    }
    ++done;
    removed.push_back(item.path);
    emptied.insert(dir);
  }
  if (final_index.empty()) {
    if (index.exists && unlinkat(root_fd, kIndexName, 0) != 0 && errno != ENOENT) {
      return fail_commit(kIndexName, "remove it");
    }
  } else if (renameat(staging.get(), "index", root_fd, kIndexName) != 0) {
    return fail_commit(kIndexName, "write it");
  }
  // Directories left empty by removals go too, deepest first; a directory with anything else in it stays.
  for (auto it = emptied.rbegin(); it != emptied.rend(); ++it) {
    for (std::string dir = *it; !dir.empty(); dir = SplitDir(dir).first) {
      const auto [parent, name] = SplitDir(dir);
      int parent_fd = dirs.Open(parent).fd;
      if (parent_fd < 0 || unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0) break;
    }
  }
  syncfs(root_fd);
  unlinkat(root_fd, kStagingName, AT_REMOVEDIR);
  SaveSeen(options.cache, plan.seen);

  for (size_t i = 0; i < written.size() && i < kMaxListed; ++i) out << "wrote " << Shown(options, written[i]) << "\n";
  if (written.size() > kMaxListed) out << "... and " << written.size() - kMaxListed << " more written\n";
  for (size_t i = 0; i < removed.size() && i < kMaxListed; ++i) {
    out << "removed " << Shown(options, removed[i]) << "\n";
  }
  if (removed.size() > kMaxListed) out << "... and " << removed.size() - kMaxListed << " more removed\n";
  int acknowledged =
      std::count_if(plan.items.begin(), plan.items.end(), [](const Item& item) { return Guarded(item.change); });
  out << options.dir << "/: " << written.size() << " written";
  if (acknowledged > 0) out << " (" << acknowledged << " guarded, acknowledged with --force-overwrite)";
  out << ", " << removed.size() << " removed, " << plan.unchanged << " unchanged\n";
  ReportUnmanaged(options, plan, out);
  return 0;
}

int CheckTree(const TreeOptions& options, std::ostream& out) {
  Surveyed tree;
  if (!Survey(options, /*update=*/false, out, &tree)) return 1;
  const bool root_exists = tree.root_exists;
  Dirs& dirs = *tree.dirs;
  const Index& index = tree.index;
  const Plan& plan = tree.plan;
  SaveSeen(options.cache, plan.seen);
  struct stat staging;
  if (root_exists && fstatat(dirs.Open("").fd, kStagingName, &staging, AT_SYMLINK_NOFOLLOW) == 0) {
    out << Shown(options, kStagingName) << ": left by an update that was stopped; every file is either its old or "
        << "its new version, and the next update removes it (do not check it in)\n";
  }
  std::map<std::string, int> counts;
  bool guarded = false, blocking = false;
  for (const Item& item : plan.items) {
    guarded |= Guarded(item.change);
    blocking |= Blocking(item.change);
    switch (item.change) {
      case Change::kAdded:
        ++counts["missing"];
        break;
      case Change::kChanged:
      case Change::kOnline:
      case Change::kUnreadable:
        ++counts["changed"];
        break;
      case Change::kRemoved:
      case Change::kRemovedOnline:
      case Change::kRemovedUnreadable:
        ++counts["gone"];
        break;
      case Change::kMode:
        ++counts["mode"];
        break;
      default:
        ++counts["in the way"];
        break;
    }
    if (item.bad_mode && item.change != Change::kMode) ++counts["mode"];
  }
  if (plan.items.empty() && !plan.index_stale) {
    out << options.dir << "/ is up to date (" << plan.unchanged << " file(s), " << options.owner << ")\n";
    ReportUnmanaged(options, plan, out);
    return 0;
  }
  std::vector<std::string> summary;
  for (const auto& [what, count] : counts) summary.push_back(absl::StrCat(count, " ", what));
  if (plan.index_stale) summary.push_back("the index is out of date");
  out << options.dir << "/ is stale (" << options.owner << "): " << absl::StrJoin(summary, ", ") << "\n";

  int shown_diffs = 0, hidden_diffs = 0;
  for (const Item& item : plan.items) {
    out << "\n";
    const std::string shown = Shown(options, item.path);
    switch (item.change) {
      case Change::kAdded:
        out << "MISSING: " << shown << " (built, not in the checked-in tree)\n";
        break;
      case Change::kChanged:
        out << "CHANGED: " << shown << "\n";
        if (!Diffs(options, item, &shown_diffs, out)) ++hidden_diffs;
        break;
      case Change::kOnline:
      case Change::kUnreadable:
        Explain(options, item, out);
        if (!Diffs(options, item, &shown_diffs, out)) ++hidden_diffs;
        break;
      case Change::kRemoved:
        out << "GONE: " << shown << " (managed by " << options.owner << "; no definition builds it any more)\n";
        break;
      case Change::kMode:
        break;
      default:
        Explain(options, item, out);
        break;
    }
    if (item.bad_mode) {
      out << "MODE: " << shown << " is " << ModeText(item.mode) << ", expected " << ModeText(kConfMode) << "\n";
    }
  }
  if (hidden_diffs > 0) out << "\n(" << hidden_diffs << " more changed files; their diffs are not shown)\n";
  if (plan.index_stale) {
    std::vector<std::string> added, dropped;
    for (const auto& [path, owner] : plan.index) {
      auto it = index.owners.find(path);
      if (it == index.owners.end() || it->second != owner) added.push_back(path);
    }
    for (const auto& [path, owner] : index.owners) {
      if (!plan.index.count(path)) dropped.push_back(path);
    }
    out << "\nINDEX: " << Shown(options, kIndexName) << " is out of date";
    if (!added.empty()) out << "; it does not list " << added.size() << " file(s) that " << options.owner << " writes";
    if (!dropped.empty()) out << "; it lists " << dropped.size() << " file(s) that are no longer managed";
    out << "\n";
    ListPaths(options, added.empty() ? dropped : added, out);
  }
  out << "\n";
  ReportUnmanaged(options, plan, out);
  if (blocking) {
    out << "Move the paths that are in the way, then update " << options.dir << "/ with:\n  "
        << UpdateCommand(options, guarded) << "\n";
  } else if (guarded) {
    out << "If the guarded changes are intended, acknowledge them (as compile.py --force-overwrite does) and update "
           "with:\n  "
        << UpdateCommand(options, true) << "\n";
  } else {
    out << "To update " << options.dir << "/, run:\n  " << UpdateCommand(options, false) << "\n";
  }
  return 1;
}

absl::StatusOr<std::vector<ConfChange>> ChangedConfs(const TreeOptions& options) {
  Surveyed tree;
  std::ostringstream err;
  if (!Survey(options, /*update=*/false, err, &tree)) {
    return absl::FailedPreconditionError(absl::StripTrailingAsciiWhitespace(err.str()));
  }
  SaveSeen(options.cache, tree.plan.seen);
  std::vector<ConfChange> changes;
  for (const Item& item : tree.plan.items) {
    if (item.change == Change::kMode) continue;
    ConfChange change;
    change.path = item.path;
    change.built = !Removes(item.change);
    change.new_conf = item.built;
    switch (item.change) {
      case Change::kAdded:
        break;
      case Change::kInTheWay: {
        change.checked_in = true;
        std::pair<std::string, std::string> detail = absl::StrSplit(item.detail, absl::MaxSplits('\t', 1));
        change.problem = absl::StrCat(Shown(options, detail.first), " is ", detail.second);
        break;
      }
      case Change::kOwnedElsewhere:
        change.problem = absl::StrCat("managed by ", item.detail, " in ", Shown(options, kIndexName));
        break;
      default:
        change.checked_in = true;
        change.old_conf = item.old;
        if (item.old.empty() && !item.detail.empty()) change.problem = item.detail;
        break;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace chronon
