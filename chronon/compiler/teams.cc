#include "chronon/compiler/teams.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace chronon {
namespace {

const char* JsonType(const Json& value) {
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

// The 1-based line and column of byte `offset` (0-based) of `text`.
TeamConfigError At(const std::string& text, size_t offset, std::string id, std::string message) {
  TeamConfigError error{1, 1, std::move(id), std::move(message)};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++error.line;
      error.column = 1;
    } else {
      ++error.column;
    }
  }
  return error;
}

// The same checks as chronon_team_config's (which knows positions) for a teams.json given to a target directly.
void CheckEntry(const std::string& team, const Json& entry, std::vector<TeamConfigError>* errors) {
  auto error = [&](std::string message) { errors->push_back({0, 0, "invalid-team-config", std::move(message)}); };
  if (!entry.is_object()) {
    error(absl::StrCat("the entry of team \"", team, "\" must be a JSON object, not ", JsonType(entry)));
    return;
  }
  auto ns = entry.find("namespace");
  if (ns != entry.end() && !ns->is_string()) {
    error(absl::StrCat("the \"namespace\" of team \"", team, "\" must be a string (a Hive database), not ",
                       JsonType(*ns)));
  }
  auto properties = entry.find("table_properties");
  if (properties == entry.end()) return;
  if (!properties->is_object()) {
    error(absl::StrCat("the \"table_properties\" of team \"", team, "\" must be a JSON object of strings, not ",
                       JsonType(*properties)));
    return;
  }
  for (const auto& [key, value] : properties->items()) {
    if (!value.is_string()) {
      error(absl::StrCat("the \"table_properties\" of team \"", team, "\": the value of \"", key,
                         "\" must be a string (a Hive table property), not ", JsonType(value)));
    }
  }
}

// The first key that repeats a key of its object, in a text that is valid JSON. nlohmann keeps one of them without a
// word, as Python's json.load does (the last); chronon_team_config (json_scan.bzl) refuses the file, and so does
// this, with the same message, so that the importer and a target given teams.json directly agree with the build.
// Keys are compared after unescaping ("a\u005fb" is "a_b"). Hand-written: nlohmann's parser reports neither
// duplicates nor where a key is.
std::optional<TeamConfigError> FindDuplicateKey(const std::string& text) {
  struct Frame {
    bool object;
    std::map<std::string, std::pair<int, int>> keys;  // unescaped key -> line, column
  };
  std::vector<Frame> stack;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    } else if (c == '{' || c == '[') {
      stack.push_back({c == '{', {}});
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == '"') {
      size_t end = i + 1;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      if (end >= text.size()) return std::nullopt;
      const std::string token = text.substr(i, end - i + 1);
      const int column = static_cast<int>(i - line_start) + 1;
      const int token_line = line;
      size_t next = end + 1;
      while (next < text.size() &&
             (text[next] == ' ' || text[next] == '\t' || text[next] == '\r' || text[next] == '\n')) {
        if (text[next] == '\n') {
          ++line;
          line_start = next + 1;
        }
        ++next;
      }
      if (!stack.empty() && stack.back().object && next < text.size() && text[next] == ':') {
        // nlohmann stops reading at a NUL byte, so text after one is not known to be valid JSON: a token that does
        // not decode is not a key it kept.
        const Json decoded = Json::parse(token, nullptr, false);
        if (!decoded.is_string()) return std::nullopt;
        const std::string key = decoded.get<std::string>();
        auto [it, inserted] = stack.back().keys.emplace(key, std::make_pair(token_line, column));
        if (!inserted) {
          return TeamConfigError{token_line, column, "teams-json-syntax",
                                 absl::StrCat("duplicate key ", token, " (first at ", it->second.first, ":",
                                              it->second.second, "); JSON readers keep only one of them")};
        }
      }
      i = next - 1;
    }
  }
  return std::nullopt;
}

}  // namespace

TeamConfig TeamConfig::Parse(const std::string& text) {
  TeamConfig config;
  try {
    config.root_ = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based: the byte the parser stopped at. Its message after "column N: " says what it expected.
    std::string what = e.what();
    size_t column = what.find("column ");
    size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    config.errors_.push_back(
        At(text, e.byte > 0 ? e.byte - 1 : 0, "teams-json-syntax", absl::StrCat("not valid JSON: ", detail)));
    config.root_ = Json::object();
    return config;
  } catch (const Json::exception& e) {
    // out_of_range: a number too large for a double (`1e999`); nlohmann does not say where.
    config.errors_.push_back({0, 0, "teams-json-syntax", "not valid JSON: a number is out of range"});
    config.root_ = Json::object();
    return config;
  }
  if (std::optional<TeamConfigError> duplicate = FindDuplicateKey(text)) {
    config.errors_.push_back(*std::move(duplicate));
    config.root_ = Json::object();
    return config;
  }
  if (!config.root_.is_object()) {
    config.errors_.push_back({1, 1, "invalid-team-config",
                              absl::StrCat("teams.json must be a JSON object of teams, not ", JsonType(config.root_))});
    config.root_ = Json::object();
    return config;
  }
  auto source = config.root_.find("$source");
  if (source != config.root_.end()) {
    if (source->is_string()) config.source_ = source->get<std::string>();
    config.root_.erase(source);
  }
  auto errors = config.root_.find("$errors");
  if (errors != config.root_.end()) {
    // Written by the rules, so well-formed; still read defensively: a member of the wrong type is left out.
    for (const auto& e : errors->is_array() ? *errors : Json::array()) {
      if (!e.is_object()) continue;
      auto integer = [&](const char* key) {
        auto it = e.find(key);
        return it != e.end() && it->is_number_integer() ? it->get<int>() : 0;
      };
      auto text = [&](const char* key, const char* fallback) {
        auto it = e.find(key);
        return it != e.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
      };
      config.errors_.push_back(
          {integer("line"), integer("column"), text("id", "invalid-team-config"), text("message", "")});
    }
    config.root_.erase(errors);
  }
  return config;
}

std::vector<TeamConfigError> TeamConfig::Errors(const std::string& team) const {
  if (!errors_.empty()) return errors_;
  std::vector<TeamConfigError> errors;
  std::vector<std::string> names = {"default"};
  if (team != "default") names.push_back(team);
  for (const std::string& name : names) {
    auto entry = root_.find(name);
    if (entry != root_.end()) CheckEntry(name, *entry, &errors);
  }
  return errors;
}

bool TeamConfig::HasTeam(const std::string& team) const { return root_.contains(team); }

std::optional<Json> TeamConfig::Get(const std::string& team, const std::string& key) const {
  for (const std::string& name : {team, std::string("default")}) {
    auto it = root_.find(name);
    if (it != root_.end() && it->is_object() && it->contains(key)) return it->at(key);
  }
  return std::nullopt;
}

}  // namespace chronon
