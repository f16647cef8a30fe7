#include "chronon/production_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "chronon/conf_tool.h"
#include "chronon/files.h"
#include "chronon/unified_diff.h"

namespace chronon {
namespace {

constexpr mode_t kConfMode = 0644;
// Group and other write bits come from the umask of whoever checked the tree out, and git does not record them: a
// fresh clone under umask 002 is not stale. Every other bit (executable, readable) must be as 0644 has it.
constexpr mode_t kIgnoredModeBits = 0022;
constexpr int kMaxDiffLines = 60;
constexpr int kMaxDiffs = 20;
constexpr size_t kMaxListed = 20;
constexpr char kIndexHeader[] =
    "# rules_chronon: the files in this directory that chronon_production targets manage, one\n"
    "# `<target>\\t<path>` per line. `bazel run <target>.update` writes and removes only its own files;\n"
    "# everything else here is left alone. Written by the update; keep it checked in.\n";

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

std::string ErrnoText(int error) { return std::strerror(error); }

std::pair<std::string, std::string> SplitDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : absl::StrCat(dir, "/", name);
}

// What `name` in `dirfd` is, without following it: for messages about something in the way.
std::string Describe(int dirfd, const std::string& name) {
  struct stat st;
  if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoText(errno);
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(dirfd, name.c_str(), target, sizeof(target));
    return n >= 0 ? absl::StrCat("a symlink (to ", absl::string_view(target, n), ")") : "a symlink";
  }
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISREG(st.st_mode)) return "a file";
  return "not a regular file (a device, socket or FIFO)";
}

bool ReadAll(int fd, std::string* out) {
  out->clear();
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buffer, n);
  }
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += n;
  }
  return true;
}

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

  Lookup Open(const std::string& rel) {
    Lookup result;
    auto it = open_.find(rel);
    if (it != open_.end()) {
      result.fd = it->second.get();
      return result;
    }
    const auto [parent_path, name] = SplitDir(rel);
    Lookup parent = Open(parent_path);
    if (parent.fd < 0) return parent;
    int fd = openat(parent.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      result.fd = fd;
      open_[rel] = Fd(fd);
      return result;
    }
    if (errno == ENOENT) {
      result.missing = true;
    } else {
      int error = errno;
      result.problem_path = rel;
      result.problem = (error == ENOTDIR || error == ELOOP)
                           ? absl::StrCat(Describe(parent.fd, name), " where a directory belongs")
                           : absl::StrCat("cannot be opened: ", ErrnoText(error));
    }
    return result;
  }

  // Creates what is missing of `rel` (mode 0755); an error names what is in the way.
  absl::StatusOr<int> Create(const std::string& rel) {
    Lookup found = Open(rel);
    if (found.fd >= 0) return found.fd;
    if (!found.missing) return absl::FailedPreconditionError(absl::StrCat(found.problem_path, ": ", found.problem));
    const auto [parent_path, name] = SplitDir(rel);
    absl::StatusOr<int> parent = Create(parent_path);
    if (!parent.ok()) return parent;
    if (mkdirat(*parent, name.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(absl::StrCat(rel, ": cannot create the directory: ", ErrnoText(errno)));
    }
    found = Open(rel);
    if (found.fd >= 0) return found.fd;
    return absl::FailedPreconditionError(absl::StrCat(rel, ": ", found.missing ? "vanished" : found.problem));
  }

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

FileStat FromStat(const struct stat& st) {
  FileStat stat;
  stat.dev = st.st_dev;
  stat.ino = st.st_ino;
  stat.size = st.st_size;
  stat.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  stat.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  stat.mode = st.st_mode;
  return stat;
}

// The stat cache: for each path found identical to its built file in an earlier run, the stat of both then. A
// path whose two stats are unchanged is not read again, so a no-op run costs a stat per file, not two reads.
struct Seen {
  FileStat checked_in, built;
};
using SeenCache = std::map<std::string, Seen>;

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
Existing Inspect(Dirs& dirs, const std::string& rel, const Seen* seen = nullptr, const FileStat* built = nullptr) {
  Existing found;
  const auto [dir, name] = SplitDir(rel);
  Dirs::Lookup parent = dirs.Open(dir);
  if (parent.missing) return found;
  if (parent.fd < 0) {
    found.kind = Existing::kInTheWay;
    found.where = parent.problem_path;
    found.what = parent.problem;
    return found;
  }
  struct stat st;
  if (fstatat(parent.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return found;
    found.kind = Existing::kUnreadable;
    found.where = ErrnoText(errno);
    return found;
  }
  if (!S_ISREG(st.st_mode)) {
    found.kind = Existing::kInTheWay;
    found.where = rel;
    found.what = absl::StrCat(Describe(parent.fd, name), " where a file belongs");
    return found;
  }
  found.mode = st.st_mode & 07777;
  found.stat = FromStat(st);
  if (seen != nullptr && built != nullptr && seen->checked_in == found.stat && seen->built == *built) {
    found.kind = Existing::kRegular;
    found.unchanged = true;
    return found;
  }
  Fd fd(openat(parent.fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.ok() || !ReadAll(fd.get(), &found.content)) {
    found.kind = Existing::kUnreadable;
    found.where = absl::StrCat("cannot be read: ", ErrnoText(errno));
    return found;
  }
  found.kind = Existing::kRegular;
  return found;
}

std::string ModeText(mode_t mode) { return absl::StrFormat("%04o", mode); }

bool ModeIsWrong(mode_t mode) { return (mode & ~kIgnoredModeBits) != (kConfMode & ~kIgnoredModeBits); }

// A manifest or index path: `<group_bys|joins|staging_queries>/<...>/<name>`, no empty, `.` or `..` component.
bool ValidConfPath(const std::string& path) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() < 2) return false;
  if (parts[0] != "group_bys" && parts[0] != "joins" && parts[0] != "staging_queries") return false;
  for (absl::string_view part : parts) {
    if (part.empty() || part == "." || part == ".." || part.find('\0') != absl::string_view::npos) return false;
  }
  return true;
}

// compile.py's names for the kind of a conf, from its first path component.
std::string KindOf(const std::string& path) {
  if (absl::StartsWith(path, "group_bys/")) return "group_by";
  if (absl::StartsWith(path, "joins/")) return "join";
  return "staging_query";
}

std::string ClassOf(const std::string& path) {
  std::string kind = KindOf(path);
  return kind == "group_by" ? "GroupBy" : kind == "join" ? "Join" : "StagingQuery";
}

// Whether compile.py's online guard applies to confs of this path's kind (it loads only group_bys/ and joins/).
bool Guardable(const std::string& path) { return KindOf(path) != "staging_query"; }

using Owners = std::map<std::string, std::string>;  // path -> owner label

struct Index {
  bool exists = false;
  std::string text;
  Owners owners;
};

bool IsConflictMarker(absl::string_view line) {
  for (const char* marker : {"<<<<<<<", "=======", ">>>>>>>", "|||||||"}) {
    if (absl::StartsWith(line, marker)) return true;
  }
  return false;
}

absl::StatusOr<Owners> ParseIndex(const std::string& text, const std::string& display) {
  Owners owners;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty() || line[0] == '#' || IsConflictMarker(line)) continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 2 || fields[0].empty() || !ValidConfPath(fields[1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          display, ":", number, ":1: error: expected `<target label><TAB><group_bys|joins|staging_queries>/...`",
          " (this file is written by the update; restore it from git, or delete it and rerun the update)"));
    }
    auto [it, inserted] = owners.emplace(fields[1], fields[0]);
    if (!inserted && it->second != fields[0]) {
      return absl::InvalidArgumentError(absl::StrCat(display, ":", number, ":1: error: ", fields[1],
                                                     " is listed for both ", it->second, " and ", fields[0],
                                                     "; a file has one owner: keep one of the lines"));
    }
  }
  return owners;
}

std::string RenderIndex(const Owners& owners) {
  if (owners.empty()) return "";
  std::string text = kIndexHeader;
  for (const auto& [path, owner] : owners) absl::StrAppend(&text, owner, "\t", path, "\n");
  return text;
}

SeenCache LoadSeen(const std::string& path) {
  SeenCache seen;
  std::string text;
  if (path.empty() || !ReadFile(path, &text)) return seen;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 13) return {};  // not ours, or from another version: start over
    std::vector<int64_t> numbers;
    for (size_t i = 1; i < fields.size(); ++i) {
      int64_t number;
      if (!absl::SimpleAtoi(fields[i], &number)) return {};
      numbers.push_back(number);
    }
    auto stat_at = [&](size_t i) {
      FileStat stat;
      stat.dev = numbers[i];
      stat.ino = numbers[i + 1];
      stat.size = numbers[i + 2];
      stat.mtime_ns = numbers[i + 3];
      stat.ctime_ns = numbers[i + 4];
      stat.mode = numbers[i + 5];
      return stat;
    };
    seen[fields[0]] = {stat_at(0), stat_at(6)};
  }
  return seen;
}

// Writes the stat cache (a temporary file, then a rename). Files changed in the last two seconds are left out, as
// git leaves out "racily clean" entries: a change within the same timestamp tick would not show in their stat.
void SaveSeen(const std::string& path, const SeenCache& seen) {
  if (path.empty()) return;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t settled = (int64_t{now.tv_sec} - 2) * 1000000000 + now.tv_nsec;
  std::string text;
  for (const auto& [file, entry] : seen) {
    const FileStat& a = entry.checked_in;
    const FileStat& b = entry.built;
    if (std::max({a.mtime_ns, a.ctime_ns, b.mtime_ns, b.ctime_ns}) >= settled) continue;
    absl::StrAppend(&text, file);
    for (const FileStat* stat : {&a, &b}) {
      absl::StrAppend(&text, "\t", stat->dev, "\t", stat->ino, "\t", stat->size, "\t", stat->mtime_ns, "\t",
                      stat->ctime_ns, "\t", stat->mode);
    }
    absl::StrAppend(&text, "\n");
  }
  const std::string temporary = absl::StrCat(path, ".", getpid());
  Fd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.ok()) return;
  bool written = WriteAll(fd.get(), text);
  fd.Reset(-1);
  if (!written || rename(temporary.c_str(), path.c_str()) != 0) unlink(temporary.c_str());
}

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

struct Plan {
  std::vector<Item> items;  // every built path and every managed path no longer built, by path
  int unchanged = 0;
  std::vector<std::string> unmanaged;  // files under the root that no target manages
  Owners index;                        // the index as it should be
  Owners widened;                      // the current index plus this target's new files
  bool index_stale = false;
  SeenCache seen;  // the stat cache to be: every path found identical to its built file
};

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

// The options' tree as display text: `production/joins/team/x`.
std::string Shown(const TreeOptions& options, const std::string& path) {
  return path.empty() ? options.dir : absl::StrCat(options.dir, "/", path);
}

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

// The explanation of one item that needs attention (a refused update, or a failing check).
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

// Opens <workspace>/<dir> component by component without following symlinks; creates it when `create`.
// Returns the root's Dirs, or an error naming what is in the way. *exists is false when it does not exist.
absl::StatusOr<Fd> OpenRoot(const TreeOptions& options, bool create, bool* exists) {
  *exists = false;
  Fd current(open(options.workspace.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!current.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(options.workspace, ": error: cannot open the workspace: ", ErrnoText(errno)));
  }
  std::string so_far;
  for (absl::string_view part : absl::StrSplit(options.dir, '/')) {
    std::string name(part);
    so_far = Join(so_far, name);
    Fd next(openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.ok() && errno == ENOENT) {
      if (!create) return Fd();
      if (mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::FailedPreconditionError(
            absl::StrCat(so_far, ": error: cannot create the directory: ", ErrnoText(errno)));
      }
      next.Reset(openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!next.ok()) {
      int error = errno;
      return absl::FailedPreconditionError(absl::StrCat(
          so_far, ": error: ",
          (error == ENOTDIR || error == ELOOP) ? absl::StrCat("is ", Describe(current.get(), name),
                                                              " where the checked-in tree's directory belongs; "
                                                              "rules_chronon never writes through it")
                                               : absl::StrCat("cannot open: ", ErrnoText(error))));
    }
    current = std::move(next);
  }
  *exists = true;
  return current;
}

absl::StatusOr<Index> ReadIndex(const TreeOptions& options, Dirs& dirs, bool root_exists) {
  Index index;
  if (!root_exists) return index;
  Existing found = Inspect(dirs, kIndexName);
  const std::string shown = Shown(options, kIndexName);
  if (found.kind == Existing::kMissing) return index;
  if (found.kind != Existing::kRegular) {
    return absl::FailedPreconditionError(absl::StrCat(
        shown, ": error: ", found.kind == Existing::kInTheWay ? absl::StrCat("is ", found.what) : found.where,
        "; it must be the regular file the update writes"));
  }
  absl::StatusOr<Owners> owners = ParseIndex(found.content, shown);
  if (!owners.ok()) return owners.status();
  index.exists = true;
  index.text = std::move(found.content);
  index.owners = *std::move(owners);
  return index;
}

// Takes the lock on the root directory, waiting (with a message) while another run holds it.
bool Lock(const TreeOptions& options, int root, int operation, std::ostream& err) {
  if (flock(root, operation | LOCK_NB) == 0) return true;
  if (errno != EWOULDBLOCK) {
    err << Shown(options, "") << ": error: cannot lock the directory: " << ErrnoText(errno) << "\n";
    return false;
  }
  err << Shown(options, "") << ": waiting for another update of this directory to finish...\n";
  while (flock(root, operation) != 0) {
    if (errno != EINTR) {
      err << Shown(options, "") << ": error: cannot lock the directory: " << ErrnoText(errno) << "\n";
      return false;
    }
  }
  return true;
}

// Removes what a killed run left in the staging directory (only regular files are ever put there).
bool ClearStaging(const TreeOptions& options, int root, std::ostream& err) {
  Fd staging(openat(root, kStagingName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!staging.ok()) {
    if (errno == ENOENT) return true;
    err << Shown(options, kStagingName) << ": error: is " << Describe(root, kStagingName)
        << "; it is the update's staging directory: remove it by hand\n";
    return false;
  }
  int copy = dup(staging.get());
  DIR* dir = copy < 0 ? nullptr : fdopendir(copy);
  if (dir == nullptr) {
    if (copy >= 0) close(copy);
    err << Shown(options, kStagingName) << ": error: cannot list it: " << ErrnoText(errno) << "\n";
    return false;
  }
  std::vector<std::string> names;
  while (struct dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  for (const std::string& name : names) {
    if (unlinkat(staging.get(), name.c_str(), 0) != 0) {
      err << Shown(options, Join(kStagingName, name)) << ": error: cannot remove it: " << ErrnoText(errno) << "\n";
      return false;
    }
  }
  if (unlinkat(root, kStagingName, AT_REMOVEDIR) != 0) {
    err << Shown(options, kStagingName) << ": error: cannot remove it: " << ErrnoText(errno) << "\n";
    return false;
  }
  return true;
}

// The nearest existing directory of `rel` (itself or an ancestor), for checking that it is writable.
int NearestDir(Dirs& dirs, std::string rel) {
  for (;;) {
    Dirs::Lookup found = dirs.Open(rel);
    if (found.fd >= 0 || !found.missing || rel.empty()) return found.fd;
    rel = SplitDir(rel).first;
  }
}

struct Staged {
  std::string name;    // in the staging directory
  int dirfd;           // where it goes
  std::string target;  // its name there
};

bool StageFile(int staging, const std::string& name, const std::string& content, std::string* error) {
  Fd fd(openat(staging, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kConfMode));
  if (!fd.ok() || fchmod(fd.get(), kConfMode) != 0 || !WriteAll(fd.get(), content)) {
    *error = ErrnoText(errno);
    return false;
  }
  if (close(fd.Release()) != 0) {
    *error = ErrnoText(errno);
    return false;
  }
  return true;
}

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

// Explains why an update writes nothing: paths in the way, and guarded changes not acknowledged.
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

}  // namespace

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
