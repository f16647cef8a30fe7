// What the checked-in production/ tree records of itself (production_tree.h): the paths of confs, the ownership
// index `<dir>/.chronon_managed` (which target manages which file), and the stat cache (which files were found
// identical to their built files, and their stats then). Internal to //chronon:production_tree.
#ifndef CHRONON_PRODUCTION_INDEX_H_
#define CHRONON_PRODUCTION_INDEX_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "chronon/common/sha256.h"
#include "chronon/production/production_files.h"
#include "chronon/production/tree_options.h"

namespace chronon {
namespace production_internal {

// A manifest or index path: `<group_bys|joins|staging_queries>/<team>/<name>` (the only paths compile.py writes),
// no empty, `.` or `..` component.
bool ValidConfPath(const std::string& path);

// compile.py's names for the kind of a conf, from its first path component.
std::string KindOf(const std::string& path);

// The class of a conf's kind, as compile.py's messages name it: `GroupBy`, `Join`, `StagingQuery`.
std::string ClassOf(const std::string& path);

// Whether compile.py's online guard applies to confs of this path's kind (it loads only group_bys/ and joins/).
bool Guardable(const std::string& path);

// Who manages a path, and the SHA-256 (lowercase hex) of each content it wrote there. A file is removed only when
// its bytes have one of these digests: a file the owner never wrote (one placed or edited by hand, or one that a
// killed update claimed but had not yet replaced) is never removed without --force-overwrite. No digest: a line
// written by hand or by a rules_chronon before digests, which proves nothing. Several digests: a merge conflict's
// two sides, or an update's widened index (the old and the new content) while it runs.
struct Claim {
  std::string owner;
  std::set<std::string> digests;
  bool operator==(const Claim& other) const { return owner == other.owner && digests == other.digests; }
  bool operator!=(const Claim& other) const { return !(*this == other); }
};
using Owners = std::map<std::string, Claim>;  // path -> its claim

struct Index {
  bool exists = false;
  std::string text;
  Owners owners;
};

// The index's text -> its owners; an error in compiler format names the line of `display`.
absl::StatusOr<Owners> ParseIndex(const std::string& text, const std::string& display);

// The index file for `owners` ("" when there are none: the file goes).
std::string RenderIndex(const Owners& owners);

// Reads and parses <dir>/.chronon_managed; an empty index when it, or the tree, does not exist.
absl::StatusOr<Index> ReadIndex(const TreeOptions& options, Dirs& dirs, bool root_exists);

// The stat cache: for each path found identical to its built file in an earlier run, the stat of both then. A
// path whose two stats are unchanged is not read again, so a no-op run costs a stat per file, not two reads.
using SeenCache = std::map<std::string, Seen>;

// Reads the stat cache at `path`; empty when there is none or it is not ours.
SeenCache LoadSeen(const std::string& path);

// Writes the stat cache (a temporary file, then a rename). Files changed in the last two seconds are left out, as
// git leaves out "racily clean" entries: a change within the same timestamp tick would not show in their stat.
void SaveSeen(const std::string& path, const SeenCache& seen);

}  // namespace production_internal
}  // namespace chronon

#endif  // CHRONON_PRODUCTION_INDEX_H_
