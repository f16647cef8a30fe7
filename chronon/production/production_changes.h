// The plan of changes of an update or a check (production_tree.h): what each built conf and each managed conf no
// longer built is to the checked-in tree (added, changed, guarded, in the way, ...), the index to be, the files no
// target manages; and the survey that opens, locks and plans the tree. Internal to //chronon:production_tree.
#ifndef CHRONON_PRODUCTION_CHANGES_H_
#define CHRONON_PRODUCTION_CHANGES_H_

#include <sys/types.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "chronon/production/production_files.h"
#include "chronon/production/production_index.h"
#include "chronon/production/tree_options.h"

namespace chronon {
namespace production_internal {

enum class Change {
  kUnchanged,
  kAdded,
  kChanged,
  kOnline,             // an online conf whose content changed: needs --force-overwrite
  kUnreadable,         // the old conf cannot be read as JSON: needs --force-overwrite
  kMode,               // same bytes, wrong mode
  kRemoved,            // managed by this target, no longer built
  kRemovedOnline,      // the same, and online: needs --force-overwrite
  kRemovedUnreadable,  // the same, unreadable: needs --force-overwrite
  kInTheWay,           // a symlink, directory or special file where a managed file or directory belongs
  kOwnedElsewhere,     // built here, but managed by another target
};

struct Item {
  std::string path;
  Change change = Change::kUnchanged;
  std::string built;  // the new bytes (not for removals)
  std::string old;    // the checked-in bytes, when readable
  mode_t mode = 0;    // of the checked-in file
  bool bad_mode = false;
  std::string detail;  // kUnreadable*: why; kInTheWay: the path in the way and what it is; kOwnedElsewhere: owner
};

// Whether an update writes, removes the file; whether the change needs --force-overwrite; whether it stops the
// update whatever the flags.
bool Writes(Change c);
bool Removes(Change c);
bool Guarded(Change c);
bool Blocking(Change c);

struct Plan {
  std::vector<Item> items;  // every built path and every managed path no longer built, by path
  int unchanged = 0;
  std::vector<std::string> unmanaged;  // files under the root that no target manages
  Owners index;                        // the index as it should be
  Owners widened;                      // the current index plus this target's new files
  bool index_stale = false;
  SeenCache seen;  // the stat cache to be: every path found identical to its built file
};

// Compares the built confs of `options` with the tree (read through `dirs`, nothing followed) and its index.
absl::StatusOr<Plan> MakePlan(const TreeOptions& options, Dirs& dirs, bool root_exists, const Index& index);

// `0644`.
std::string ModeText(mode_t mode);

// The checked-in tree as found, under its lock, and the plan for it.
struct Surveyed {
  bool root_exists = false;
  std::unique_ptr<Dirs> dirs;
  Index index;
  Plan plan;
};

// Opens the tree without following symlinks (an update creates it when it has something to write), takes its lock
// (exclusive for an update, which also clears what a killed run left staged; shared for a check), reads the index
// and plans. False, with the reason on `err`, when any of that fails; `root_exists` false when there is no tree.
bool Survey(const TreeOptions& options, bool update, std::ostream& err, Surveyed* tree);

}  // namespace production_internal
}  // namespace chronon

#endif  // CHRONON_PRODUCTION_CHANGES_H_
