// The checked-in production/ tree against the built one: what `bazel run :<name>.update` writes and what
// `bazel test :<name>_test` checks (chronon_production, rules/private/production.bzl).
//
// Ownership. `<dir>/.chronon_managed` (checked in) lists, one `<owner label>\t<path>` per line, the files each
// chronon_production target manages. A target writes the files it builds and removes only files listed under its
// own label; everything else under <dir> (OWNERS, README.md, a BUILD file, confs that compile.py or another target
// wrote) is left alone and reported once as not managed. Two targets may share a directory: each owns its lines,
// and a path that another target manages is an error. Git merge-conflict markers in the index are tolerated: the
// union of both sides counts as managed, and the next update writes a clean index.
//
// Safety. Every path is opened from the directory's file descriptor with O_NOFOLLOW: a symlink or a non-regular
// file where a managed file or directory belongs is an error naming it, never followed. An update plans first and
// writes nothing if any problem is found. It holds an flock(2) on <dir> (a second run waits; the check takes a
// shared lock), stages every new file in `<dir>/.chronon_staging/`, flushes them with one syncfs(2), and then
// renames them into place; the index is widened before and narrowed after. A kill at any moment leaves each file
// fully old or fully new, and the next run removes the staging directory and finishes the job.
#ifndef CHRONON_PRODUCTION_TREE_H_
#define CHRONON_PRODUCTION_TREE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "chronon/production/tree_options.h"

namespace chronon {

// Parses manifest lines `<path>\t<built file>`; an error names the line.
absl::StatusOr<std::vector<ManifestEntry>> ParseManifest(const std::string& text);

// Writes the built tree into <workspace>/<dir>: exit status 0 when done (or nothing to do), 1 when refused or
// failed (with the reason on `err`, and nothing changed unless the message says otherwise).
int UpdateTree(const TreeOptions& options, std::ostream& out, std::ostream& err);

// Compares <workspace>/<dir> with the built tree without writing: 0 when up to date, 1 with a report (changed,
// missing, gone, mode, symlink, index), unified diffs of changed confs, and the command that fixes it.
int CheckTree(const TreeOptions& options, std::ostream& out);

// One managed conf whose content differs between the checked-in tree and the built one: what `plan` reads.
struct ConfChange {
  std::string path;         // under <dir>: `joins/team/name`
  bool checked_in = false;  // the tree has it (old)
  bool built = false;       // the build has it (new)
  std::string old_conf;     // the checked-in bytes, when checked in and readable
  std::string new_conf;     // the built bytes, when built
  std::string problem;      // why the checked-in file cannot be compared (unreadable, not a file, another owner)
};

// Surveys the tree as CheckTree does (shared lock, nothing followed, the index, the stat cache) and returns the
// confs that are added, removed or changed, by path; a mode-only difference is no change. An error (with the
// message CheckTree would print) when the tree cannot be surveyed.
absl::StatusOr<std::vector<ConfChange>> ChangedConfs(const TreeOptions& options);

}  // namespace chronon

#endif  // CHRONON_PRODUCTION_TREE_H_
