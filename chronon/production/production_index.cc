#include "chronon/production/production_index.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "chronon/common/files.h"

namespace chronon {
namespace production_internal {
namespace {

constexpr char kIndexHeader[] =
    "# rules_chronon: the files in this directory that chronon_production targets manage, one\n"
    "# `<target>\\t<path>` per line. `bazel run <target>.update` writes and removes only its own files;\n"
    "# everything else here is left alone. Written by the update; keep it checked in.\n";

bool IsConflictMarker(absl::string_view line) {
  for (const char* marker : {"<<<<<<<", "=======", ">>>>>>>", "|||||||"}) {
    if (absl::StartsWith(line, marker)) return true;
  }
  return false;
}

}  // namespace

bool ValidConfPath(const std::string& path) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() < 2) return false;
  if (parts[0] != "group_bys" && parts[0] != "joins" && parts[0] != "staging_queries") return false;
  for (absl::string_view part : parts) {
    if (part.empty() || part == "." || part == ".." || part.find('\0') != absl::string_view::npos) return false;
  }
  return true;
}

std::string KindOf(const std::string& path) {
  if (absl::StartsWith(path, "group_bys/")) return "group_by";
  if (absl::StartsWith(path, "joins/")) return "join";
  return "staging_query";
}

std::string ClassOf(const std::string& path) {
  std::string kind = KindOf(path);
  return kind == "group_by" ? "GroupBy" : kind == "join" ? "Join" : "StagingQuery";
}

bool Guardable(const std::string& path) { return KindOf(path) != "staging_query"; }

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

}  // namespace production_internal
}  // namespace chronon
