#include "chronon/production/production_changes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "chronon/common/files.h"
#include "chronon/production/confs.h"

namespace chronon {
namespace production_internal {
namespace {

// Group and other write bits come from the umask of whoever checked the tree out, and git does not record them: a
// fresh clone under umask 002 is not stale. Every other bit (executable, readable) must be as 0644 has it.
constexpr mode_t kIgnoredModeBits = 0022;

bool ModeIsWrong(mode_t mode) { return (mode & ~kIgnoredModeBits) != (kConfMode & ~kIgnoredModeBits); }

// Files under the root that are neither built here nor listed in the index: reported, never touched.
void FindUnmanaged(int dirfd, const std::string& rel, const std::set<std::string>& known,
                   std::vector<std::string>* unmanaged) {
  int copy = dup(dirfd);
  if (copy < 0) return;
  DIR* dir = fdopendir(copy);
  if (dir == nullptr) {
    close(copy);
    return;
  }
  std::vector<std::pair<std::string, bool>> entries;  // name, is a directory (not a symlink to one)
  while (struct dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (rel.empty() && (name == kIndexName || name == kStagingName)) continue;
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st;
      is_dir = fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    entries.emplace_back(name, is_dir);
  }
  closedir(dir);
  std::sort(entries.begin(), entries.end());
  for (const auto& [name, is_dir] : entries) {
    std::string path = Join(rel, name);
    if (is_dir) {
      Fd child(openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (child.ok()) FindUnmanaged(child.get(), path, known, unmanaged);
    } else if (!known.count(path)) {
      unmanaged->push_back(path);
    }
  }
}

}  // namespace

std::string ModeText(mode_t mode) { return absl::StrFormat("%04o", mode); }

bool Writes(Change c) {
  return c == Change::kAdded || c == Change::kChanged || c == Change::kOnline || c == Change::kUnreadable ||
         c == Change::kMode;
}
bool Removes(Change c) {
  return c == Change::kRemoved || c == Change::kRemovedOnline || c == Change::kRemovedUnreadable;
}
bool Guarded(Change c) {
  return c == Change::kOnline || c == Change::kUnreadable || c == Change::kRemovedOnline ||
         c == Change::kRemovedUnreadable;
}
bool Blocking(Change c) { return c == Change::kInTheWay || c == Change::kOwnedElsewhere; }

absl::StatusOr<Plan> MakePlan(const TreeOptions& options, Dirs& dirs, bool root_exists, const Index& index) {
  Plan plan;
  const SeenCache seen = LoadSeen(options.cache);
  std::set<std::string> built_paths;
  for (const ManifestEntry& entry : options.entries) {
    if (!built_paths.insert(entry.path).second) {
      return absl::InternalError(absl::StrCat("the manifest lists ", entry.path, " twice"));
    }
  }
  // The index to be: other targets' lines as they are, and this target's built files (set below).
  for (const auto& [path, owner] : index.owners) {
    if (owner != options.owner) plan.index.emplace(path, owner);
  }

  for (const ManifestEntry& entry : options.entries) {
    Item item;
    item.path = entry.path;
    auto other = index.owners.find(entry.path);
    if (other != index.owners.end() && other->second != options.owner) {
      item.change = Change::kOwnedElsewhere;
      item.detail = other->second;
      plan.items.push_back(std::move(item));
      continue;
    }
    plan.index[entry.path] = options.owner;
    struct stat built_st;
    if (stat(entry.built.c_str(), &built_st) != 0) {
      return absl::InternalError(absl::StrCat("cannot read the built conf ", entry.built));
    }
    const FileStat built_stat = FromStat(built_st);
    auto cached = seen.find(entry.path);
    Existing found = root_exists
                         ? Inspect(dirs, entry.path, cached == seen.end() ? nullptr : &cached->second, &built_stat)
                         : Existing();
    if (found.kind == Existing::kRegular && found.unchanged) {
      ++plan.unchanged;
      plan.seen[entry.path] = cached->second;
      continue;
    }
    if (!ReadFile(entry.built, &item.built)) {
      return absl::InternalError(absl::StrCat("cannot read the built conf ", entry.built));
    }
    switch (found.kind) {
      case Existing::kMissing:
        item.change = Change::kAdded;
        break;
      case Existing::kInTheWay:
        item.change = Change::kInTheWay;
        item.detail = absl::StrCat(found.where, "\t", found.what);
        break;
      case Existing::kUnreadable:
        item.change = Guardable(entry.path) ? Change::kUnreadable : Change::kChanged;
        item.detail = found.where;
        break;
      case Existing::kRegular: {
        item.old = std::move(found.content);
        item.mode = found.mode;
        item.bad_mode = ModeIsWrong(found.mode);
        if (item.old == item.built) {
          item.change = item.bad_mode ? Change::kMode : Change::kUnchanged;
          if (!item.bad_mode) plan.seen[entry.path] = {found.stat, built_stat};
          break;
        }
        absl::StatusOr<bool> guarded = IsGuardedOnlineChange(KindOf(entry.path), item.old, item.built);
        if (absl::IsInvalidArgument(guarded.status())) {
          item.change = Guardable(entry.path) ? Change::kUnreadable : Change::kChanged;
          item.detail = "not a JSON object";
          break;
        }
        if (!guarded.ok()) return absl::InternalError(absl::StrCat(entry.built, ": ", guarded.status().message()));
        item.change = *guarded ? Change::kOnline : Change::kChanged;
        break;
      }
    }
    if (item.change == Change::kUnchanged) {
      ++plan.unchanged;
    } else {
      plan.items.push_back(std::move(item));
    }
  }

  for (const auto& [path, owner] : index.owners) {
    if (owner != options.owner || built_paths.count(path)) continue;
    Existing found = root_exists ? Inspect(dirs, path) : Existing();
    Item item;
    item.path = path;
    switch (found.kind) {
      case Existing::kMissing:
        continue;  // already gone: only the index line goes
      case Existing::kInTheWay:
        item.change = Change::kInTheWay;
        item.detail = absl::StrCat(found.where, "\t", found.what);
        break;
      case Existing::kUnreadable:
        item.change = Guardable(path) ? Change::kRemovedUnreadable : Change::kRemoved;
        item.detail = found.where;
        break;
      case Existing::kRegular: {
        item.old = std::move(found.content);
        absl::StatusOr<bool> online = IsOnlineConf(item.old);
        if (!Guardable(path)) {
          item.change = Change::kRemoved;
        } else if (!online.ok()) {
          item.change = Change::kRemovedUnreadable;
          item.detail = "not a JSON object";
        } else {
          item.change = *online ? Change::kRemovedOnline : Change::kRemoved;
        }
        break;
      }
    }
    plan.items.push_back(std::move(item));
  }
  std::sort(plan.items.begin(), plan.items.end(), [](const Item& a, const Item& b) { return a.path < b.path; });

  plan.widened = index.owners;
  for (const auto& [path, owner] : plan.index) plan.widened.emplace(path, owner);
  plan.index_stale = RenderIndex(plan.index) != (index.exists ? index.text : "");

  if (root_exists) {
    std::set<std::string> known = built_paths;
    for (const auto& [path, owner] : index.owners) known.insert(path);
    Dirs::Lookup root = dirs.Open("");
    FindUnmanaged(root.fd, "", known, &plan.unmanaged);
  }
  return plan;
}

bool Survey(const TreeOptions& options, bool update, std::ostream& err, Surveyed* tree) {
  absl::StatusOr<Fd> root = OpenRoot(options, update && !options.entries.empty(), &tree->root_exists);
  if (!root.ok()) {
    err << root.status().message() << "\n";
    return false;
  }
  if (tree->root_exists) {
    const int root_fd = root->get();
    if (!Lock(options, root_fd, update ? LOCK_EX : LOCK_SH, err)) return false;
    if (update && !ClearStaging(options, root_fd, err)) return false;
  }
  tree->dirs = std::make_unique<Dirs>(*std::move(root));
  if (update && !tree->root_exists) return true;
  absl::StatusOr<Index> index = ReadIndex(options, *tree->dirs, tree->root_exists);
  if (!index.ok()) {
    err << index.status().message() << "\n";
    return false;
  }
  tree->index = *std::move(index);
  absl::StatusOr<Plan> plan = MakePlan(options, *tree->dirs, tree->root_exists, tree->index);
  if (!plan.ok()) {
    err << "error: " << plan.status().message() << "\n";
    return false;
  }
  tree->plan = *std::move(plan);
  return true;
}

}  // namespace production_internal
}  // namespace chronon
