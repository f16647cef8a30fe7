// The types every part of the production/ tree sync shares: the manifest entries and the options of one update or
// check. Owned here, at the bottom of the group, so that production_files, production_index, production_changes and
// production_report need not include production_tree.h, the group's top (its public API).
#ifndef CHRONON_PRODUCTION_TREE_OPTIONS_H_
#define CHRONON_PRODUCTION_TREE_OPTIONS_H_

#include <string>
#include <vector>

namespace chronon {

inline constexpr char kIndexName[] = ".chronon_managed";
inline constexpr char kStagingName[] = ".chronon_staging";

// One line of chronon_production's manifest: a path under <dir> (`joins/team/name`) and its built file.
struct ManifestEntry {
  std::string path;
  std::string built;
};

struct TreeOptions {
  std::string workspace;      // absolute path of the workspace root
  std::string dir;            // the checked-in tree, relative to the workspace (`production`, `sub/production`)
  std::string owner;          // label of the chronon_production target, as recorded in the index
  std::string update_target;  // label of its update target, for the commands the messages print
  bool force_overwrite = false;
  std::vector<ManifestEntry> entries;
  // The stat cache, a file outside the tree ("" for none): files whose stat and whose built file's stat are as
  // they were when an earlier run found them identical are not read again (git's index does the same).
  std::string cache;
};

}  // namespace chronon

#endif  // CHRONON_PRODUCTION_TREE_OPTIONS_H_
