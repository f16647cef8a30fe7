// Safe file handling for the checked-in production/ tree (production_tree.h): every path is opened from its
// directory's file descriptor with O_NOFOLLOW, so a symlink, a directory or a special file where a managed file or
// directory belongs is found and named, never followed; the lock, the staging directory and the writes of an update.
// Internal to //chronon:production_tree.
#ifndef CHRONON_PRODUCTION_FILES_H_
#define CHRONON_PRODUCTION_FILES_H_

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "chronon/production/tree_options.h"

namespace chronon {
namespace production_internal {

// The mode of a conf as the update writes it (and the check expects it).
constexpr mode_t kConfMode = 0644;

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset(other.Release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(-1); }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// strerror(3) of `error`.
std::string ErrnoText(int error);

// `dir/name` -> {`dir`, `name`}; {"", `name`} when there is no slash.
std::pair<std::string, std::string> SplitDir(const std::string& path);

// `dir/name`, or `name` when `dir` is "".
std::string Join(const std::string& dir, const std::string& name);

// What `name` in `dirfd` is, without following it: for messages about something in the way.
std::string Describe(int dirfd, const std::string& name);

// The rest of `fd` into *out; false on a read error.
bool ReadAll(int fd, std::string* out);

// All of `data` to `fd`; false on a write error.
bool WriteAll(int fd, const std::string& data);

// The directories under the tree's root, opened one component at a time with O_NOFOLLOW, so that nothing outside
// the tree is ever reached through a symlink. Paths are relative to the root ("" is the root).
class Dirs {
 public:
  struct Lookup {
    int fd = -1;               // the open directory, when it exists
    bool missing = false;      // a component does not exist
    std::string problem_path;  // else: the component that is in the way
    std::string problem;       // and what it is
  };

  explicit Dirs(Fd root) { open_[""] = std::move(root); }

  Lookup Open(const std::string& rel);

  // Creates what is missing of `rel` (mode 0755); an error names what is in the way.
  absl::StatusOr<int> Create(const std::string& rel);

 private:
  std::map<std::string, Fd> open_;
};

// What stat(2) says of a file, as far as telling whether it changed goes (git's index keeps the same).
struct FileStat {
  uint64_t dev = 0, ino = 0;
  int64_t size = 0, mtime_ns = 0, ctime_ns = 0;
  uint32_t mode = 0;
  bool operator==(const FileStat& other) const {
    return dev == other.dev && ino == other.ino && size == other.size && mtime_ns == other.mtime_ns &&
           ctime_ns == other.ctime_ns && mode == other.mode;
  }
};

FileStat FromStat(const struct stat& st);

// A stat cache entry (production_index.h): the stats of a checked-in file and of its built file when both were
// found identical.
struct Seen {
  FileStat checked_in, built;
};

// A file of the checked-in tree as found.
struct Existing {
  enum Kind { kMissing, kRegular, kUnreadable, kInTheWay } kind = kMissing;
  std::string content;     // kRegular, unless `unchanged`
  bool unchanged = false;  // kRegular: its stat and the built file's are as the stat cache has them
  FileStat stat;           // kRegular, kUnreadable
  mode_t mode = 0;         // kRegular, kUnreadable
  std::string where;       // kInTheWay: the path in the way; kUnreadable: the reason
  std::string what;        // kInTheWay: what it is
};

// The file at `rel`, read unless `seen` (the stat cache's entry, with `built` the built file's stat now) shows
// that neither it nor its built file changed since both were found identical.
Existing Inspect(Dirs& dirs, const std::string& rel, const Seen* seen = nullptr, const FileStat* built = nullptr);

// The options' tree as display text: `production/joins/team/x`.
std::string Shown(const TreeOptions& options, const std::string& path);

// Opens <workspace>/<dir> component by component without following symlinks; creates it when `create`.
// Returns the root's Dirs, or an error naming what is in the way. *exists is false when it does not exist.
absl::StatusOr<Fd> OpenRoot(const TreeOptions& options, bool create, bool* exists);

// Takes the lock on the root directory, waiting (with a message) while another run holds it.
bool Lock(const TreeOptions& options, int root, int operation, std::ostream& err);

// Removes what a killed run left in the staging directory (only regular files are ever put there).
bool ClearStaging(const TreeOptions& options, int root, std::ostream& err);

// The nearest existing directory of `rel` (itself or an ancestor), for checking that it is writable.
int NearestDir(Dirs& dirs, std::string rel);

// A file written to the staging directory, to be renamed into place.
struct Staged {
  std::string name;    // in the staging directory
  int dirfd;           // where it goes
  std::string target;  // its name there
};

// Writes `content` to a new file `name` of the staging directory, mode 0644; *error says why not.
bool StageFile(int staging, const std::string& name, const std::string& content, std::string* error);

}  // namespace production_internal
}  // namespace chronon

#endif  // CHRONON_PRODUCTION_FILES_H_
