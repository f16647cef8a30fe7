#include "chronon/textproto.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "chronon/utf8.h"
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

// Adapts protobuf's parser errors to our diagnostics. Unknown fields get their own id because the fix differs,
// and point at the start of the field name rather than where the parser noticed (after it).
class CollectorAdapter : public google::protobuf::io::ErrorCollector {
 public:
  CollectorAdapter(Diagnostics* diags, std::string_view text) : diags_(diags), text_(text) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    const bool unknown = absl::StrContains(message, "has no field named");
    if (unknown) {
      size_t i = OffsetOf(text_, line, column);
      while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) --i;
      while (i > 0 && (absl::ascii_isalnum(text_[i - 1]) || text_[i - 1] == '_')) --i;
      column = ColumnOf(text_, i);
    }
    diags_->Error({line + 1, column + 1}, unknown ? "unknown-field" : "parse-error", message);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    diags_->Warning({line + 1, column + 1}, "parse-warning", message);
  }

 private:
  Diagnostics* diags_;
  std::string_view text_;
};

// Debian's Abseil is built without std::string_view, so trim here rather than convert at every call.
std::string_view Strip(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(text.front())) text.remove_prefix(1);
  while (!text.empty() && absl::ascii_isspace(text.back())) text.remove_suffix(1);
  return text;
}

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
  CollectorAdapter collector(diags, text);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
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
