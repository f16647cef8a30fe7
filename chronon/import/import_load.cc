// Reading production/ and teams.json (import_session.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/common/json_limits.h"
#include "chronon/common/json_writer.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/import_session.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

namespace {

// Why `path` must not be read: it cannot be resolved (a symlink loop, a dangling symlink), or a symlink on the way
// leads out of `root` (--from, resolved). "" when it may be read. Nothing of the file is read or shown.
std::string Unreadable(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  if (ec) return absl::StrCat("cannot be resolved (", ec.message(), ")");
  if (std::mismatch(root.begin(), root.end(), real.begin(), real.end()).first != root.end()) {
    return "is a symlink that leads out of --from; the importer reads nothing outside the repo it imports";
  }
  return "";
}

// nlohmann's parse error without its `last read: '...'` part, which quotes the file.
std::string WithoutContent(const std::string& what) {
  const size_t at = what.find("; last read:");
  return at == std::string::npos ? what : what.substr(0, at);
}

}  // namespace

bool Importer::Load() {
  const fs::path root(from_);
  std::error_code root_ec;
  const fs::path real_root = fs::canonical(root, root_ec);
  if (root_ec) {
    result_.errors.push_back(
        absl::StrCat(root.string(), ": error: cannot open --from (", root_ec.message(), ") [import-bad-input]"));
    return false;
  }
  auto refuse = [&](const fs::path& path) {
    const std::string why = Unreadable(real_root, path);
    if (!why.empty()) result_.errors.push_back(absl::StrCat(path.string(), ": error: ", why, " [import-bad-input]"));
    return !why.empty();
  };
  if (refuse(root / "teams.json")) return false;
  if (!ReadFile(root / "teams.json", &teams_text_)) {
    result_.errors.push_back(
        absl::StrCat((root / "teams.json").string(), ": error: cannot read the team config [import-bad-input]"));
    return false;
  }
  // The checks of the build's team config (chronon_team_config, chronon/teams.cc), with its messages: a file that
  // `bazel build` would refuse (a duplicate key among them, which compile.py's json.load accepts) stops the import;
  // a broken entry of one team leaves out that team's files (LoadFile).
  teams_ = TeamConfig::Parse(teams_text_);
  for (const TeamConfigError& e : teams_.Errors("default")) {
    result_.errors.push_back(absl::StrCat((root / "teams.json").string(), ":", e.line, ":", e.column,
                                          ": error: ", e.message, " [", e.id, "]"));
  }
  if (!result_.errors.empty()) return false;
  const fs::path production = root / "production";
  std::error_code ec;
  if (fs::exists(fs::symlink_status(production, ec)) && refuse(production)) return false;
  if (!fs::is_directory(production, ec)) {
    result_.errors.push_back(
        absl::StrCat(production.string(), ": error: no production/ tree (what compile.py writes) [import-bad-input]"));
    return false;
  }
  for (const KindDir& kind : kKinds) {
    const fs::path dir = production / kind.dir;
    if (!fs::exists(fs::symlink_status(dir, ec))) continue;
    if (refuse(dir) || !fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> paths;
    // Error-code iteration throughout: a directory that cannot be listed is an error naming it, never an abort.
    auto list = [&](const fs::path& where, std::vector<fs::path>* names) {
      std::error_code list_ec;
      for (fs::directory_iterator it(where, list_ec), end; !list_ec && it != end; it.increment(list_ec)) {
        names->push_back(it->path());
      }
      if (list_ec) {
        result_.errors.push_back(
            absl::StrCat(where.string(), ": error: cannot list it (", list_ec.message(), ") [import-bad-input]"));
      }
    };
    std::vector<fs::path> team_dirs;
    list(dir, &team_dirs);
    std::sort(team_dirs.begin(), team_dirs.end());
    for (const fs::path& team_dir : team_dirs) {
      const std::string team = team_dir.filename().string();
      if (absl::StartsWith(team, ".")) continue;
      if (refuse(team_dir)) continue;
      if (!fs::is_directory(team_dir, ec)) {
        result_.errors.push_back(
            absl::StrCat(team_dir.string(), ": error: expected a team directory [import-bad-input]"));
        continue;
      }
      std::vector<fs::path> files;
      list(team_dir, &files);
      for (const fs::path& file : files) {
        if (absl::StartsWith(file.filename().string(), ".")) continue;
        if (refuse(file)) continue;
        paths.push_back(file);
      }
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& path : paths) LoadFile(path, kind);
  }
  if (objects_.empty() && left_out_.empty() && result_.errors.empty()) {
    result_.errors.push_back(
        absl::StrCat(production.string(), ": error: no GroupBy, Join or StagingQuery files found [import-bad-input]"));
  }
  return result_.errors.empty();
}

void Importer::LoadFile(const fs::path& path, const KindDir& kind) {
  const std::string team = path.parent_path().filename().string();
  const std::string file = path.filename().string();
  Object object;
  object.kind = kind.kind;
  object.rel = absl::StrCat(kind.dir, "/", team, "/", file);
  const std::string shown = absl::StrCat("production/", object.rel);
  auto error = [&](const std::string& pointer, const std::string& message) {
    LeaveOut(object.rel, "", Format({shown, pointer, message}));
  };
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return error("", "expected a file written by compile.py");
  std::string text;
  if (!ReadFile(path, &text)) return error("", "cannot read the file");
  object.path = path.string();
  result_.json_lines += CountLines(text);
  if (JsonTooDeep(text)) return error("", JsonTooDeepMessage());
  try {
    object.json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    LeaveOut(object.rel, "",
             absl::StrCat(shown, ":", line, ":", column, ": error: invalid JSON (", WithoutContent(e.what()),
                          ") [import-bad-input]"));
    return;
  }
  text = std::string();
  if (!object.json.is_object()) return error("", "expected a JSON object");
  const Json meta = object.json.value("metaData", Json());
  if (!meta.is_object() || !meta.contains("name") || !meta["name"].is_string()) {
    return error("/metaData/name", "missing: compile.py always writes the object's name");
  }
  object.name = meta["name"].get<std::string>();
  object.team = team;
  const std::string expected = absl::StrCat(team, ".", file);
  if (object.name != expected) {
    return error("/metaData/name",
                 absl::StrCat("\"", object.name, "\" does not match the file's path (compile.py names ", shown, " \"",
                              expected, "\")"));
  }
  std::vector<std::string> parts = absl::StrSplit(file, '.');
  if (parts.size() == 1 && !file.empty() && kind.kind == std::string("group_by")) {
    return error("/metaData/name",
                 absl::StrCat("\"", object.name,
                              "\" is a name given with GroupBy(name=...) (compile.py writes this "
                              "file for a GroupBy named so inside a Join module); a chronon_group_by's name is "
                              "<module>.<variable>, so it has no target of its own. The Joins that use it embed it "
                              "inline, and are imported."));
  }
  if (parts.size() < 2 || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    return error("/metaData/name",
                 absl::StrCat("\"", object.name, "\" is not team.[sub.]module.var, the name compile.py gives"));
  }
  object.package = absl::StrCat(kind.dir, "/", team);
  for (size_t i = 0; i + 2 < parts.size(); ++i) absl::StrAppend(&object.package, "/", parts[i]);
  object.target = absl::StrCat(parts[parts.size() - 2], ".", parts.back());
  for (char c : object.package + object.target) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != '/') {
      return error("/metaData/name",
                   absl::StrCat("\"", object.name, "\" has characters a Bazel target name cannot hold here"));
    }
  }
  std::vector<TeamConfigError> team_errors = teams_.Errors(team);
  if (!team_errors.empty()) {
    const TeamConfigError& e = team_errors.front();
    return error("", absl::StrCat("the entry of team ", team, " in teams.json is refused by the build: teams.json:",
                                  e.line, ":", e.column, ": error: ", e.message, " [", e.id, "]"));
  }
  if (!teams_.HasTeam(team)) {
    return error("", absl::StrCat("team ", team,
                                  " does not exist in teams.json, and the build refuses its "
                                  "definitions [unknown-team]"));
  }
  objects_.push_back(std::move(object));
}

void Importer::Prepass() {
  for (const Object& object : objects_) ctx_.by_name[object.name] = &object;
  // A definition can only reference (`ref`) what some object's JSON mentions by name, below its own top level: the
  // summary of any other GroupBy or Join is never read, and not made (issue 26, finding 11).
  for (Object& object : objects_) {
    if (!object.json.is_object()) continue;
    for (const auto& [key, value] : object.json.items()) CollectNames(value, "", &object.names);
    mentioned_.insert(object.names.begin(), object.names.end());
    object.names.erase(object.name);
  }
  ctx_.teams = &teams_;
  for (const Object& object : objects_) {
    if (object.kind != "join") continue;
    try {
      PrepassJoin(object);
    } catch (const Json::exception& e) {
      LeaveOut(
          object.rel, object.name,
          Format({"production/" + object.rel, "", absl::StrCat("not the JSON compile.py writes (", e.what(), ")")}));
    }
  }
}

void Importer::PrepassJoin(const Object& object) {
  {
    const std::string shown = "production/" + object.rel;
    current_file_ = shown;
    auto check_part = [&](const Json& part, const std::string& pointer) {
      if (!part.is_object() || !part.contains("groupBy") || !part["groupBy"].is_object()) {
        if (!skipped_.count(object.name))
          LeaveOut(object.rel, object.name, Format({shown, pointer, "a join part needs its groupBy"}));
        return;
      }
      const Json& group_by = part["groupBy"];
      const std::string name = group_by.value("metaData", Json::object()).value("name", "");
      auto present = ctx_.by_name.find(name);
      if (!group_by.contains("sources") && (present == ctx_.by_name.end() || present->second->kind != "group_by")) {
        if (!skipped_.count(object.name)) {
          LeaveOut(object.rel, object.name,
                   Format({shown, pointer + "/groupBy",
                           absl::StrCat("refers to GroupBy \"", name,
                                        "\", which is neither inline (no sources) nor in production/group_bys/")}));
        }
        return;
      }
      if (!ctx_.embedded_group_bys.count(name)) ctx_.embedded_group_bys[name] = group_by;
    };
    const Json parts = object.json.value("joinParts", Json::array());
    for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
      check_part(parts[i], PointerAppend("/joinParts", i));
    }
    const Json labels = object.json.value("labelPart", Json::object()).value("labels", Json::array());
    for (size_t i = 0; labels.is_array() && i < labels.size(); ++i) {
      check_part(labels[i], PointerAppend("/labelPart/labels", i));
    }
  }
}

}  // namespace importer
}  // namespace chronon
