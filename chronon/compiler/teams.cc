#include "chronon/compiler/teams.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "chronon/common/json_limits.h"
#include "chronon/common/utf8.h"

namespace chronon {

// Where a member's value is, three levels deep (a team's entry, its keys, the members of table_properties), as
// json_scan.bzl records it for the rules.
struct TeamJsonMember {
  int line = 0;
  int column = 0;
  std::map<std::string, TeamJsonMember> members;
};

namespace {

const char* JsonType(const Json& value) {
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

struct Token {
  char kind;  // one of {}[]:, or 's' (a string) or 'v' (a number, true, false, null)
  std::string text;
  int line;
  int column;
  std::string value;  // a string's decoded value
};

std::string Describe(const Token* token) {
  if (token == nullptr) return "end of file";
  if (token->kind == 's') return "a string";
  if (token->kind == 'v') return absl::StrCat("`", token->text, "`");
  return absl::StrCat("`", std::string(1, token->kind), "`");
}

const char* KindOf(const Token& token) {
  if (token.kind == '{') return "an object";
  if (token.kind == '[') return "an array";
  if (token.kind == 's') return "a string";
  if (token.text == "true" || token.text == "false") return "a boolean";
  if (token.text == "null") return "null";
  return "a number";
}

bool IsHex4(const std::string& text, size_t i) {
  if (i + 4 > text.size()) return false;
  for (size_t k = i; k < i + 4; ++k) {
    if (!std::isxdigit(static_cast<unsigned char>(text[k]))) return false;
  }
  return true;
}

void AppendUtf8(unsigned code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 + code / 64));
    out->push_back(static_cast<char>(0x80 + code % 64));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 + code / 4096));
    out->push_back(static_cast<char>(0x80 + code / 64 % 64));
    out->push_back(static_cast<char>(0x80 + code % 64));
  } else {
    out->push_back(static_cast<char>(0xF0 + code / 262144));
    out->push_back(static_cast<char>(0x80 + code / 4096 % 64));
    out->push_back(static_cast<char>(0x80 + code / 64 % 64));
    out->push_back(static_cast<char>(0x80 + code % 64));
  }
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool ValidNumber(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  auto digit = [&](size_t k) { return k < n && s[k] >= '0' && s[k] <= '9'; };
  auto digits = [&] {
    if (!digit(i)) return false;
    while (digit(i)) ++i;
    return true;
  };
  if (i < n && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    digits();
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

// The digits of 2^1024 - 2^970 (trailing zeros dropped): the least number that a double rounds to infinity.
constexpr char kDoubleLimit[] =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692"
    "887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842"
    "914819860834936475292719074168444365510704342711559699508093042880177904174497792";

// Whether the valid JSON number `number` is beyond a double's range: json_scan.bzl's _too_large. nlohmann refuses
// such a number (out_of_range) without saying where.
bool TooLarge(const std::string& number) {
  std::string s = number[0] == '-' ? number.substr(1) : number;
  long exponent = 0;
  const size_t e = s.find_first_of("eE");
  if (e != std::string::npos) {
    const std::string exponent_text = s.substr(e + 1);
    s = s.substr(0, e);
    std::string exponent_digits = exponent_text.substr(exponent_text.find_first_not_of("+-"));
    exponent_digits.erase(0, std::min(exponent_digits.find_first_not_of('0'), exponent_digits.size()));
    if (exponent_digits.empty()) {
      exponent = 0;
    } else if (exponent_digits.size() <= 6) {
      exponent = std::stol(exponent_digits);
    } else {
      exponent = 1000000;
    }
    if (exponent_text[0] == '-') exponent = -exponent;
  }
  const size_t dot = s.find('.');
  const size_t integer_digits = dot == std::string::npos ? s.size() : dot;
  std::string digits = s;
  if (dot != std::string::npos) digits.erase(dot, 1);
  const size_t leading = std::min(digits.find_first_not_of('0'), digits.size());
  std::string significant = digits.substr(leading);
  if (significant.empty()) return false;
  // The number is 0.<significant> * 10^magnitude.
  const long magnitude = static_cast<long>(integer_digits) - static_cast<long>(leading) + exponent;
  if (magnitude != 309) return magnitude > 309;
  significant.erase(significant.find_last_not_of('0') + 1);
  std::string limit = kDoubleLimit;
  const size_t width = std::max(significant.size(), limit.size());
  significant.resize(width, '0');
  limit.resize(width, '0');
  return significant >= limit;
}

constexpr char kNotUtf8[] = "bytes that are not UTF-8 in a string (teams.json is read as UTF-8)";
constexpr char kNotAscii[] = "a byte outside a string that is neither printable ASCII nor whitespace";

TeamConfigError SyntaxError(int line, int column, std::string message) {
  return {line, column, "teams-json-syntax", std::move(message)};
}

// The tokens of `text`, or its first error: json_scan.bzl's _tokenize.
std::optional<TeamConfigError> Tokenize(const std::string& text, std::vector<Token>* tokens) {
  const size_t n = text.size();
  size_t pos = 0;
  int line = 1;
  size_t line_start = 0;
  auto col = [&](size_t at) { return static_cast<int>(at - line_start) + 1; };
  while (pos < n) {
    const char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (c == '\n') {
        ++line;
        line_start = pos + 1;
      }
      ++pos;
      continue;
    }
    const int column = col(pos);
    if (std::strchr("{}[]:,", c) != nullptr && c != '\0') {
      tokens->push_back({c, std::string(1, c), line, column, ""});
      ++pos;
      continue;
    }
    if (c == '"') {
      std::string value;
      size_t j = pos + 1;
      for (; j < n && text[j] != '"'; ++j) {
        const unsigned char d = text[j];
        if (d == '\\') {
          const char e = j + 1 < n ? text[j + 1] : '\0';
          const long code = e == 'u' && IsHex4(text, j + 2) ? std::stol(text.substr(j + 2, 4), nullptr, 16) : -1;
          const long low = j + 8 <= n && text.compare(j + 6, 2, "\\u") == 0 && IsHex4(text, j + 8)
                               ? std::stol(text.substr(j + 8, 4), nullptr, 16)
                               : -1;
          static const std::map<char, char> kEscapes = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},  {'b', '\b'},
                                                        {'f', '\f'}, {'n', '\n'},  {'r', '\r'}, {'t', '\t'}};
          auto escape = kEscapes.find(e);
          if (j + 1 < n && escape != kEscapes.end()) {
            value.push_back(escape->second);
            j += 1;
          } else if (code >= 0 && (code < 0xD800 || code > 0xDFFF)) {
            AppendUtf8(static_cast<unsigned>(code), &value);
            j += 5;
          } else if (code >= 0xD800 && code <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
            AppendUtf8(static_cast<unsigned>(0x10000 + (code - 0xD800) * 1024 + low - 0xDC00), &value);
            j += 11;
          } else {
            return SyntaxError(line, col(j), "invalid escape sequence in a string");
          }
          continue;
        }
        if (d >= 0x80) {
          // One UTF-8 sequence, checked as the rest of the compiler checks text (overlongs, surrogates and code
          // points above U+10FFFF refused, as json_scan.bzl's _utf8_length refuses them).
          size_t end = j;
          char32_t code_point;
          if (DecodeUtf8(text, &end, &code_point) != nullptr) return SyntaxError(line, col(j), kNotUtf8);
          value.append(text, j, end - j);
          j = end - 1;
          continue;
        }
        if (d < 0x20) {
          return SyntaxError(line, col(j),
                             d == '\n' ? "a string must end on the line it starts on (write a line break as \\n)"
                                       : "a control character in a string (escape it)");
        }
        value.push_back(static_cast<char>(d));
      }
      if (j >= n) return SyntaxError(line, column, "this string is never closed");
      tokens->push_back({'s', text.substr(pos, j + 1 - pos), line, column, std::move(value)});
      pos = j + 1;
      continue;
    }
    if ((c >= '0' && c <= '9') || c == '-') {
      size_t end = pos;
      while (end < n && std::strchr("0123456789+-.eE", text[end]) != nullptr && text[end] != '\0') ++end;
      const std::string number = text.substr(pos, end - pos);
      if (!ValidNumber(number)) return SyntaxError(line, column, absl::StrCat("`", number, "` is not a JSON number"));
      if (TooLarge(number)) {
        return SyntaxError(
            line, column,
            absl::StrCat("`", number, "` is beyond the range of a double: JSON readers refuse it or make it infinite"));
      }
      tokens->push_back({'v', number, line, column, ""});
      pos = end;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return SyntaxError(line, column, kNotAscii);
    }
    size_t word_end = pos;
    while (word_end < n && (std::isalnum(static_cast<unsigned char>(text[word_end])) || text[word_end] == '_')) {
      ++word_end;
    }
    const std::string word = text.substr(pos, std::max(word_end, pos + 1) - pos);
    if (word == "true" || word == "false" || word == "null") {
      tokens->push_back({'v', word, line, column, ""});
      pos = word_end;
      continue;
    }
    std::string hint;
    if (word == "True") hint = " (JSON writes true)";
    if (word == "False") hint = " (JSON writes false)";
    if (word == "None") hint = " (JSON writes null)";
    if (hint.empty() && c == '\'') hint = " (JSON strings take double quotes)";
    if (hint.empty() && (c == '/' || c == '#')) hint = " (JSON has no comments)";
    return SyntaxError(line, column, absl::StrCat("unexpected `", word, "`", hint));
  }
  return std::nullopt;
}

// The first syntax error, duplicate key or nesting deeper than kMaxJsonDepth of `text`, else the kind of its value
// and where its members are: json_scan.bzl's json_scan, with the same messages at the same positions, so that the
// compiler and the importer refuse exactly what the build's repository rule refuses. No recursion.
struct Scan {
  std::optional<TeamConfigError> error;
  const char* kind = nullptr;
  TeamJsonMember root;
};

Scan ScanJson(const std::string& text) {
  Scan scan;
  std::vector<Token> tokens;
  if ((scan.error = Tokenize(text, &tokens))) return scan;
  if (tokens.empty()) {
    scan.error = SyntaxError(1, 1, "the file is empty; teams.json is a JSON object of teams");
    return scan;
  }
  auto error = [&](const Token& at, std::string message) {
    scan.error = SyntaxError(at.line, at.column, std::move(message));
    return scan;
  };
  struct Frame {
    char kind;
    int line;
    int column;
    std::map<std::string, const Token*> keys;
    TeamJsonMember* members;  // the record whose members this object's are (objects at depth < 3), or null
  };
  std::vector<Frame> stack;
  const Token* pending_key = nullptr;
  enum { kValue, kKeyOrClose, kKey, kColon, kCommaOrClose, kValueOrClose, kEnd } expect = kValue;
  const Token* last = nullptr;
  const Token* prev = nullptr;
  auto close = [&] {
    stack.pop_back();
    expect = stack.empty() ? kEnd : kCommaOrClose;
  };
  for (size_t index = 0; index <= tokens.size(); ++index) {
    const Token* token = index < tokens.size() ? &tokens[index] : nullptr;
    if (expect == kEnd) {
      if (token != nullptr) {
        return error(*token, absl::StrCat("unexpected ", Describe(token), " after the end of the document"));
      }
      break;
    }
    if (token == nullptr) {
      std::string message = "end of file: a value is missing";
      if (!stack.empty()) {
        const Frame& opener = stack.back();
        message = absl::StrCat("end of file: missing `", opener.kind == '{' ? "}" : "]", "` for the ",
                               opener.kind == '{' ? "object" : "array", " opened at ", opener.line, ":", opener.column);
      }
      scan.error = SyntaxError(last->line, last->column + static_cast<int>(last->text.size()), std::move(message));
      return scan;
    }
    prev = last;
    last = token;
    if (expect == kValue || expect == kValueOrClose) {
      if (expect == kValueOrClose && token->kind == ']') {
        close();
        continue;
      }
      if (token->kind == 's' || token->kind == 'v' || token->kind == '{' || token->kind == '[') {
        TeamJsonMember* members = nullptr;
        if (!stack.empty() && stack.back().kind == '{' && stack.back().members != nullptr && pending_key != nullptr) {
          TeamJsonMember& record = stack.back().members->members[pending_key->value];
          record = TeamJsonMember{token->line, token->column, {}};
          if (token->kind == '{' && stack.size() < 3) members = &record;
        }
        if (token->kind == '{' || token->kind == '[') {
          if (stack.size() >= static_cast<size_t>(kMaxJsonDepth)) {
            return error(*token, absl::StrCat("arrays and objects nested deeper than ", kMaxJsonDepth,
                                              " levels (a teams.json entry needs 3)"));
          }
          if (stack.empty() && token->kind == '{') members = &scan.root;
          stack.push_back({token->kind, token->line, token->column, {}, members});
          expect = token->kind == '{' ? kKeyOrClose : kValueOrClose;
        } else {
          expect = stack.empty() ? kEnd : kCommaOrClose;
        }
        pending_key = nullptr;
        continue;
      }
      if (token->kind == ']' && prev != nullptr && prev->kind == ',') {
        return error(*prev, "trailing comma before `]`: remove the comma after the last element");
      }
      if (token->kind == ']' || token->kind == '}') {
        return error(*token, absl::StrCat("a value is missing before `", std::string(1, token->kind), "`"));
      }
      return error(*token, absl::StrCat("expected a value, got ", Describe(token)));
    }
    if (expect == kKeyOrClose || expect == kKey) {
      if (token->kind == '}') {
        if (expect == kKey) return error(*prev, "trailing comma before `}`: remove the comma after the last member");
        close();
        continue;
      }
      if (token->kind != 's') {
        return error(*token, absl::StrCat("expected a member name in double quotes, got ", Describe(token)));
      }
      auto [seen, inserted] = stack.back().keys.emplace(token->value, token);
      if (!inserted) {
        return error(*token, absl::StrCat("duplicate key ", token->text, " (first at ", seen->second->line, ":",
                                          seen->second->column, "); JSON readers keep only one of them"));
      }
      pending_key = token;
      expect = kColon;
      continue;
    }
    if (expect == kColon) {
      if (token->kind != ':') {
        return error(*token,
                     absl::StrCat("expected `:` after the member name ", pending_key->text, ", got ", Describe(token)));
      }
      expect = kValue;
      continue;
    }
    // kCommaOrClose
    const char closer = stack.back().kind == '{' ? '}' : ']';
    if (token->kind == ',') {
      expect = stack.back().kind == '{' ? kKey : kValue;
      continue;
    }
    if (token->kind == closer) {
      close();
      continue;
    }
    return error(*token, absl::StrCat("expected `,` or `", std::string(1, closer), "`, got ", Describe(token),
                                      " (a missing comma?)"));
  }
  scan.kind = KindOf(tokens[0]);
  return scan;
}

// The same checks as chronon_team_config's (team_config.bzl), at the same positions (`at`: where json_scan found
// the entry and its members; line 0 where it has none).
void CheckEntry(const std::string& team, const Json& entry, const TeamJsonMember* at,
                std::vector<TeamConfigError>* errors) {
  auto where = [](const TeamJsonMember* m, const std::string& key) -> const TeamJsonMember* {
    if (m == nullptr) return nullptr;
    auto it = m->members.find(key);
    return it == m->members.end() ? nullptr : &it->second;
  };
  auto error = [&](const TeamJsonMember* m, std::string message) {
    errors->push_back({m ? m->line : 0, m ? m->column : 0, "invalid-team-config", std::move(message)});
  };
  if (!entry.is_object()) {
    error(at, absl::StrCat("the entry of team \"", team, "\" must be a JSON object, not ", JsonType(entry)));
    return;
  }
  auto ns = entry.find("namespace");
  if (ns != entry.end() && !ns->is_string()) {
    error(where(at, "namespace"), absl::StrCat("the \"namespace\" of team \"", team,
                                               "\" must be a string (a Hive database), not ", JsonType(*ns)));
  }
  auto properties = entry.find("table_properties");
  if (properties == entry.end()) return;
  const TeamJsonMember* properties_at = where(at, "table_properties");
  if (!properties->is_object()) {
    error(properties_at, absl::StrCat("the \"table_properties\" of team \"", team,
                                      "\" must be a JSON object of strings, not ", JsonType(*properties)));
    return;
  }
  for (const auto& [key, value] : properties->items()) {
    if (!value.is_string()) {
      error(where(properties_at, key),
            absl::StrCat("the \"table_properties\" of team \"", team, "\": the value of \"", key,
                         "\" must be a string (a Hive table property), not ", JsonType(value)));
    }
  }
}

}  // namespace

TeamConfig TeamConfig::Parse(const std::string& text) {
  TeamConfig config;
  Scan scan = ScanJson(text);
  if (scan.error) {
    config.errors_.push_back(*std::move(scan.error));
    return config;
  }
  if (std::string(scan.kind) != "an object") {
    config.errors_.push_back(
        {1, 1, "invalid-team-config", absl::StrCat("teams.json must be a JSON object of teams, not ", scan.kind)});
    return config;
  }
  try {
    config.root_ = Json::parse(text);
  } catch (const Json::exception& e) {
    // Nothing the scan accepts, as far as known (a number too large for a double is refused by the scan, with its
    // position); kept so that no input can throw.
    config.errors_.push_back({0, 0, "teams-json-syntax", "not valid JSON: a number is out of range"});
    config.root_ = Json::object();
    return config;
  }
  config.positions_ = std::make_shared<const TeamJsonMember>(std::move(scan.root));
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
        return it != e.end() && it->is_number_integer() ? IntegerOf<int>(*it).value_or(0) : 0;
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
    if (entry == root_.end()) continue;
    const TeamJsonMember* at = nullptr;
    if (positions_ != nullptr) {
      auto it = positions_->members.find(name);
      if (it != positions_->members.end()) at = &it->second;
    }
    CheckEntry(name, *entry, at, &errors);
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
