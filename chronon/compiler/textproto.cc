#include "chronon/compiler/textproto.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "chronon/common/utf8.h"
#include "chronon/compiler/validate.h"  // EditDistance
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace chronon {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

// Byte offset of a parser location. The tokenizer advances tabs to the next multiple of 8.
size_t OffsetOf(std::string_view text, int line, int column) {
  size_t i = 0;
  for (int l = 0; l < line && i < text.size(); ++i) {
    if (text[i] == '\n') ++l;
  }
  for (int c = 0; c < column && i < text.size() && text[i] != '\n'; ++i) {
    c = text[i] == '\t' ? c + 8 - c % 8 : c + 1;
  }
  return i;
}

// The tokenizer's column of byte `offset` on its line.
int ColumnOf(std::string_view text, size_t offset) {
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  int column = 0;
  for (size_t i = line_start == std::string_view::npos ? 0 : line_start + 1; i < offset; ++i) {
    column = text[i] == '\t' ? column + 8 - column % 8 : column + 1;
  }
  return column;
}

// Debian's Abseil is built without std::string_view, so trim here rather than convert at every call.
std::string_view Strip(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(text.front())) text.remove_prefix(1);
  while (!text.empty() && absl::ascii_isspace(text.back())) text.remove_suffix(1);
  return text;
}

// The definition kinds a textproto can be, and the rule that reads each: a field of another kind at the top level
// usually means the file was given to the wrong rule.
struct KindRule {
  const char* message;
  const char* rule;
};
constexpr KindRule kKindRules[] = {{"chronon.api.GroupBy", "chronon_group_by"},
                                   {"chronon.api.Join", "chronon_join"},
                                   {"chronon.api.StagingQuery", "chronon_staging_query"},
                                   {"chronon.api.Source", "chronon_source"}};

const google::protobuf::Descriptor* FindMessage(const std::string& name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(name);
}

// Python's and JSON's spelling (`timeUnit`, `snapshotTable`) in textproto's: `time_unit`.
std::string SnakeCase(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (absl::ascii_isupper(name[i]) && i > 0 && name[i - 1] != '_') out.push_back('_');
    out.push_back(absl::ascii_tolower(name[i]));
  }
  return out;
}

// What to add to protobuf's `Message type "X" has no field named "y".`: the field meant, or the rule the file
// belongs to. `root`: the message the whole file is.
std::string UnknownFieldHint(const std::string& message, const google::protobuf::Descriptor* root) {
  const std::string type_start = "Message type \"", name_start = "\" has no field named \"";
  const size_t t = message.find(type_start), n = message.find(name_start);
  if (t == std::string::npos || n == std::string::npos || n < t) return "";
  const std::string type = message.substr(t + type_start.size(), n - t - type_start.size());
  const size_t name_begin = n + name_start.size();
  const size_t name_end = message.find('"', name_begin);
  if (name_end == std::string::npos) return "";
  const std::string name = message.substr(name_begin, name_end - name_begin);
  const google::protobuf::Descriptor* descriptor = FindMessage(type);
  if (descriptor == nullptr) return "";
  const std::string snake = SnakeCase(name);
  if (snake != name && descriptor->FindFieldByName(snake) != nullptr) {
    return absl::StrCat(" Did you mean \"", snake, "\"? Textproto takes the snake_case names of Chronon's thrift API",
                        " (compiled JSON shows them in camelCase).");
  }
  if (descriptor == root) {
    for (const KindRule& kind : kKindRules) {
      const google::protobuf::Descriptor* other = FindMessage(kind.message);
      if (other != nullptr && other != root && other->FindFieldByName(snake) != nullptr &&
          root->FindFieldByName(snake) == nullptr) {
        const KindRule* own = nullptr;
        for (const KindRule& k : kKindRules) {
          if (root->full_name() == k.message) own = &k;
        }
        return absl::StrCat(" \"", name, "\" is a field of ", kind.message, ": is this the textproto of a ", kind.rule,
                            " given to a ", own != nullptr ? own->rule : root->full_name(), "?");
      }
    }
  }
  std::string best;
  size_t best_distance = 0;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const std::string& candidate = descriptor->field(i)->name();
    const size_t distance = EditDistance(snake, candidate);
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!best.empty() && best_distance <= std::max<size_t>(2, snake.size() / 3)) {
    return absl::StrCat(" Did you mean \"", best, "\"?");
  }
  return "";
}

// Python's call syntax on an enum value (`operation: LAST_K(10)`): where the argument goes instead.
std::string CallSyntaxHint(std::string_view text, size_t offset) {
  size_t end = offset;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  size_t begin = end;
  while (begin > 0 && (absl::ascii_isalnum(text[begin - 1]) || text[begin - 1] == '_')) --begin;
  const std::string word(text.substr(begin, end - begin));
  const google::protobuf::EnumDescriptor* operation =
      FindMessage("chronon.api.Aggregation") != nullptr
          ? FindMessage("chronon.api.Aggregation")->FindFieldByName("operation")->enum_type()
          : nullptr;
  if (word.empty() || operation == nullptr || operation->FindValueByName(word) == nullptr) return "";
  const size_t close = text.find(')', offset);
  std::string argument;
  if (close != std::string_view::npos) argument = std::string(Strip(text.substr(offset + 1, close - offset - 1)));
  const bool percentiles = word == "APPROX_PERCENTILE";
  return absl::StrCat(": textproto has no calls. Write `operation: ", word, "` and put the argument in the ",
                      "aggregation's helper block: `helper { ", percentiles ? "percentiles: " : "k: ",
                      argument.empty() ? (percentiles ? "[0.5]" : "10") : argument, " }`");
}

// The `{` or `<` still open at the end of `text`, as "line:column" (1-based) and the field name before it; empty
// when every block is closed.
std::string UnclosedBlock(std::string_view text) {
  class Quiet : public google::protobuf::io::ErrorCollector {
   public:
    void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  } quiet;
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  google::protobuf::io::Tokenizer tokenizer(&input, &quiet);
  tokenizer.set_comment_style(google::protobuf::io::Tokenizer::SH_COMMENT_STYLE);
  struct Open {
    int line, column;
    std::string field;
  };
  std::vector<Open> open;
  std::string previous_identifier;
  while (tokenizer.Next()) {
    const auto& token = tokenizer.current();
    if (token.text == "{" || token.text == "<") {
      open.push_back({token.line + 1, token.column + 1, previous_identifier});
    } else if ((token.text == "}" || token.text == ">") && !open.empty()) {
      open.pop_back();
    }
    if (token.type == google::protobuf::io::Tokenizer::TYPE_IDENTIFIER) {
      previous_identifier = token.text;
    } else if (token.text != ":" && token.text != "{" && token.text != "<") {
      previous_identifier.clear();
    }
  }
  if (open.empty()) return "";
  const Open& block = open.back();
  return absl::StrCat("end of file: missing `}` for the block ",
                      block.field.empty() ? "" : absl::StrCat("`", block.field, " {` "), "opened at ", block.line, ":",
                      block.column);
}

// Whether the parser stopped at the end of `text` (only whitespace and comments after it).
bool AtEnd(std::string_view text, size_t offset) {
  for (size_t i = offset; i < text.size(); ++i) {
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (!absl::ascii_isspace(text[i])) {
      return false;
    }
  }
  return true;
}

// Adapts protobuf's parser errors to our diagnostics, with what protoc's messages leave out: the field meant, the
// rule a file belongs to, Python call syntax, a block left open, JSON given as textproto. Unknown fields get their
// own id because the fix differs, and point at the start of the field name rather than where the parser noticed
// (after it); they arrive as warnings (the parser skips them and goes on, so every one is reported) and are errors.
class CollectorAdapter : public google::protobuf::io::ErrorCollector {
 public:
  CollectorAdapter(Diagnostics* diags, std::string_view text, const google::protobuf::Descriptor* root)
      : diags_(diags), text_(text), root_(root) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (absl::StrContains(message, "has no field named")) return UnknownField(line, column, message);
    const size_t offset = OffsetOf(text_, line, column);
    std::string text = message;
    if (FirstTokenIsJson() && offset == FirstTokenOffset()) {
      text =
          "this is JSON, not textproto: a definition is written `field: value` and `field { ... }` with the "
          "snake_case field names (`key_columns: \"user\"`), as in the README";
    } else if (absl::StartsWith(message, "Expected identifier, got: (") ||
               absl::StartsWith(message, "Expected \"}\", found \"(\"")) {
      const std::string hint = CallSyntaxHint(text_, offset);
      if (!hint.empty()) text = absl::StrCat("`(`", hint);
    } else if (AtEnd(text_, offset)) {
      const std::string block = UnclosedBlock(text_);
      if (!block.empty()) text = block;
    }
    diags_->Error({line + 1, column + 1}, "parse-error", text);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    // Allowing unknown fields also turns an unknown extension (`[foo.bar]: 1`) into a warning: it is an error too.
    if (absl::StrContains(message, "has no field named")) return UnknownField(line, column, message);
    const std::string ignoring = "Ignoring extension";
    if (absl::StartsWith(message, ignoring)) {
      return UnknownField(line, column, absl::StrCat("Unknown extension", message.substr(ignoring.size())));
    }
    diags_->Warning({line + 1, column + 1}, "parse-warning", message);
  }

 private:
  void UnknownField(int line, google::protobuf::io::ColumnNumber column, const std::string& message) {
    size_t i = OffsetOf(text_, line, column);
    while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) --i;
    while (i > 0 && (absl::ascii_isalnum(text_[i - 1]) || text_[i - 1] == '_')) --i;
    diags_->Error({line + 1, ColumnOf(text_, i) + 1}, "unknown-field",
                  absl::StrCat(message, UnknownFieldHint(message, root_)));
  }
  size_t FirstTokenOffset() const {
    size_t i = 0;
    while (i < text_.size()) {
      if (text_[i] == '#') {
        while (i < text_.size() && text_[i] != '\n') ++i;
      } else if (absl::ascii_isspace(text_[i])) {
        ++i;
      } else {
        break;
      }
    }
    return i;
  }
  bool FirstTokenIsJson() const {
    const size_t i = FirstTokenOffset();
    return i < text_.size() && (text_[i] == '{' || text_[i] == '[');
  }

  Diagnostics* diags_;
  std::string_view text_;
  const google::protobuf::Descriptor* root_;
};

}  // namespace

bool ParseTextproto(std::string_view text, google::protobuf::Message* message, ParseInfoTree* tree,
                    Diagnostics* diags) {
  // The parser would reject invalid UTF-8 only in string fields of proto3 messages; check the whole file so the
  // error points at the offending byte whatever field it is in.
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    char32_t code_point;
    size_t next = i;
    if (const char* problem = DecodeUtf8(text, &next, &code_point)) {
      diags->Error({line, column}, "invalid-utf8",
                   absl::StrCat("the file is not valid UTF-8 (", problem, " at byte 0x",
                                absl::Hex(static_cast<unsigned char>(text[i]), absl::kZeroPad2), ")"));
      return false;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i = next;
  }
  // A UTF-8 byte order mark (some Windows editors write one) is not textproto; blank it, keeping byte offsets.
  std::string unmarked;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    unmarked = std::string(text);
    unmarked.replace(0, 3, "   ");
    text = unmarked;
  }
  CollectorAdapter collector(diags, text, message->GetDescriptor());
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  // Unknown fields are skipped with a warning, which the collector reports as an error: so every misspelled field
  // of a file is reported in one run, not only the first.
  parser.AllowUnknownField(true);
  parser.WriteLocationsTo(tree);
  // protobuf's text parser has no depth limit by default; the compiler's work grows with the cube of the nesting of
  // JoinSource joins (a 400-deep file took a minute), so bound it as protobuf bounds binary parsing.
  parser.SetRecursionLimit(kMaxNesting);
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  const int errors_before = diags->error_count();
  const bool ok = parser.Parse(&input, message);
  if (!ok && diags->error_count() == errors_before) {
    diags->Error({1, 1}, "parse-error", "the file could not be parsed as a textproto");
  }
  return ok && diags->error_count() == errors_before;
}

Location ToLocation(const TextFormat::ParseLocation& location) {
  if (location.line < 0) return {};
  return {location.line + 1, location.column + 1};
}

Location FieldLocation(const ParseInfoTree* tree, const FieldDescriptor* field, int index) {
  if (tree == nullptr) return {};
  return ToLocation(tree->GetLocation(field, index));
}

std::vector<std::string_view> ScalarTokens(std::string_view text, const ParseInfoTree* tree,
                                           const FieldDescriptor* field) {
  std::vector<std::string_view> tokens;
  if (tree == nullptr) return tokens;
  for (int index = field->is_repeated() ? 0 : -1;; ++index) {
    const TextFormat::ParseLocationRange range = tree->GetLocationRange(field, index);
    if (range.start.line < 0) break;
    const size_t begin = OffsetOf(text, range.start.line, range.start.column);
    const size_t end = OffsetOf(text, range.end.line, range.end.column);
    std::string_view value = text.substr(begin, end > begin ? end - begin : 0);
    const size_t colon = value.find(':');
    if (colon == std::string_view::npos) break;
    value = Strip(value.substr(colon + 1));
    // `field: [a, b]` is recorded once for all its values.
    if (!value.empty() && value.front() == '[') {
      value = value.substr(1, value.size() >= 2 ? value.size() - 2 : 0);
      while (!value.empty()) {
        const size_t comma = value.find(',');
        tokens.push_back(Strip(value.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        value = value.substr(comma + 1);
      }
    } else {
      tokens.push_back(value);
    }
    if (index < 0) break;
  }
  return tokens;
}

bool IsIntegerLiteral(std::string_view token) {
  if (!token.empty() && token.front() == '-') token.remove_prefix(1);
  if (token.empty()) return false;
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) return true;
  for (char c : token) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace chronon
