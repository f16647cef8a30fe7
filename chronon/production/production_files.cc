#include "chronon/production/production_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace chronon {
namespace production_internal {

std::string ErrnoText(int error) { return std::strerror(error); }

std::pair<std::string, std::string> SplitDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : absl::StrCat(dir, "/", name);
}

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

Dirs::Lookup Dirs::Open(const std::string& rel) {
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

absl::StatusOr<int> Dirs::Create(const std::string& rel) {
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

Existing Inspect(Dirs& dirs, const std::string& rel, const Seen* seen, const FileStat* built) {
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

std::string Shown(const TreeOptions& options, const std::string& path) {
  return path.empty() ? options.dir : absl::StrCat(options.dir, "/", path);
}

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

int NearestDir(Dirs& dirs, std::string rel) {
  for (;;) {
    Dirs::Lookup found = dirs.Open(rel);
    if (found.fd >= 0 || !found.missing || rel.empty()) return found.fd;
    rel = SplitDir(rel).first;
  }
}

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

}  // namespace production_internal
}  // namespace chronon
