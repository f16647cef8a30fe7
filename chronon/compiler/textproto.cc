#include "chronon/compiler/textproto.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
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

// A token of `text` as the tokenizer reads it: its text, type and byte offsets.
struct Token {
  std::string text;
  google::protobuf::io::Tokenizer::TokenType type;
  size_t begin, end;
};

// Every token of `text` (comments skipped), with byte offsets.
std::vector<Token> Tokens(std::string_view text) {
  class Quiet : public google::protobuf::io::ErrorCollector {
   public:
    void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  } quiet;
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  google::protobuf::io::Tokenizer tokenizer(&input, &quiet);
  tokenizer.set_comment_style(google::protobuf::io::Tokenizer::SH_COMMENT_STYLE);
  std::vector<Token> tokens;
  while (tokenizer.Next()) {
    const auto& t = tokenizer.current();
    const size_t begin = OffsetOf(text, t.line, t.column);
    const size_t end = OffsetOf(text, t.line, t.end_column);
    tokens.push_back({t.text, t.type, begin, end});
  }
  return tokens;
}

// The field whose value starts at byte `offset` (`additional_args` in `helper { additional_args: "--x" }`), found
// by following the blocks open there from `root`; nullptr when it cannot be told.
const FieldDescriptor* FieldAt(std::string_view text, size_t offset, const google::protobuf::Descriptor* root) {
  std::vector<std::string> open;
  std::string field;  // the identifier naming the field being written at this level
  std::string previous;
  for (const Token& token : Tokens(text)) {
    if (token.begin >= offset) break;
    if (token.text == "{" || token.text == "<") {
      open.push_back(previous);
      previous.clear();
      field.clear();
    } else if (token.text == "}" || token.text == ">") {
      if (!open.empty()) open.pop_back();
      previous.clear();
      field.clear();
    } else if (token.type == google::protobuf::io::Tokenizer::TYPE_IDENTIFIER && token.text != "true" &&
               token.text != "false") {
      previous = token.text;
      field = token.text;
    } else if (token.text != ":") {
      previous.clear();
    }
  }
  const google::protobuf::Descriptor* descriptor = root;
  for (const std::string& name : open) {
    const FieldDescriptor* f = descriptor->FindFieldByName(name);
    if (f == nullptr || f->message_type() == nullptr) return nullptr;
    descriptor = f->message_type();
  }
  return field.empty() ? nullptr : descriptor->FindFieldByName(field);
}

// The JSON-value kind a scalar token is written as: `"x"` string_value, `7` int_value, `2.5` float_value.
std::string KindOfToken(const Token& token) {
  switch (token.type) {
    case google::protobuf::io::Tokenizer::TYPE_STRING:
      return "string_value";
    case google::protobuf::io::Tokenizer::TYPE_INTEGER:
      return "int_value";
    case google::protobuf::io::Tokenizer::TYPE_FLOAT:
      return "float_value";
    default:
      return token.text == "true" || token.text == "false" ? "bool_value" : "";
  }
}

// A scalar or a list written where a message is expected (`Expected "{"`): the form that field takes, with the
// value written. Empty when there is nothing better to say than protobuf's message.
std::string MessageFormHint(std::string_view text, size_t offset, const google::protobuf::Descriptor* root) {
  const FieldDescriptor* field = FieldAt(text, offset, root);
  if (field == nullptr || field->message_type() == nullptr) return "";
  // The value as written: one scalar, or the scalars of a `[...]` list.
  std::vector<Token> values;
  for (const Token& token : Tokens(text.substr(offset))) {
    if (values.empty() && token.text == "[") continue;
    if (token.text == ",") continue;
    if (token.text == "]" || KindOfToken(token).empty()) break;
    values.push_back(token);
    if (text[offset] != '[') break;
  }
  const std::string name = field->name();
  const std::string type = field->message_type()->full_name();
  const std::string first = values.empty() ? "\"...\"" : values[0].text;
  std::string form;
  if (type == "chronon.api.JsonValue") {
    if (name == "additional_args" || name == "additional_env") {
      form = absl::StrCat(name, " { list_value {");
      for (const Token& value : values) absl::StrAppend(&form, " values { string_value: ", value.text, " }");
      if (values.empty()) absl::StrAppend(&form, " values { string_value: \"...\" }");
      absl::StrAppend(&form, " } }` (a list of strings, as Python's ", name, "=[...])");
    } else if (values.size() > 1 || text[offset] == '[') {
      form = absl::StrCat(name, " { list_value {");
      for (const Token& value : values)
        absl::StrAppend(&form, " values { ", KindOfToken(value), ": ", value.text, " }");
      absl::StrAppend(&form, " } }`");
    } else {
      form = absl::StrCat(name, " { ", values.empty() ? "string_value" : KindOfToken(values[0]), ": ", first, " }`");
    }
    return absl::StrCat(": `", name, "` is a JSON value written as a block: write `", form);
  }
  if (type == "chronon.api.Source" || type == "chronon.api.GroupBy" || type == "chronon.api.Join") {
    return absl::StrCat(": `", name, "` is a block: write `", name, " { ref: ", first,
                        " }` to use a Bazel target, or the definition inside the braces");
  }
  if (type == "chronon.api.StringEntry" || type == "chronon.api.StringListEntry" ||
      type == "chronon.api.StringMapEntry") {
    return absl::StrCat(": `", name, "` is a map, one block per entry: write `", name, " { key: ", first,
                        " value: ... }`");
  }
  if (type == "chronon.api.JsonField") {
    return absl::StrCat(": `", name, "` is a dict, one block per member: write `", name, " { key: \"name\" ",
                        values.empty() ? "string_value" : KindOfToken(values[0]), ": ", first, " }`");
  }
  return absl::StrCat(": `", name, "` is a block (", field->message_type()->name(), "): write `", name,
                      " { ... }` with its fields inside");
}

// The value written after the field name that starts at byte `offset`: `"a"` for `string_value: "a"`.
std::string ValueAfter(std::string_view text, size_t offset) {
  const std::vector<Token> tokens = Tokens(text.substr(offset));
  size_t i = 1;
  if (i < tokens.size() && tokens[i].text == ":") ++i;
  if (i < tokens.size() && !KindOfToken(tokens[i]).empty()) return tokens[i].text;
  return "...";
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

// Chronon's Python helpers (api/py/ai/chronon/{group_by,join,query,...}.py at 5edd4fc9) take arguments whose name is
// not the thrift field's, or that are no thrift field at all: what each is written as. A Python argument that is a
// field of the message under the same name (`aggregations`, `left`, `row_ids`, `accuracy`) needs no entry; a
// camelCase thrift name is handled by SnakeCase.
struct PythonArgument {
  const char* message;   // the message the Python function builds
  const char* function;  // the Python call, as the user wrote it
  const char* argument;
  const char* form;  // textproto, or a sentence
};
#define GB "chronon.api.GroupBy"
#define JN "chronon.api.Join"
constexpr PythonArgument kPythonArguments[] = {
    {GB, "GroupBy", "keys", "`key_columns: \"user_id\"`, one line per key"},
    {GB, "GroupBy", "source",
     "`sources { ref: \":my_source\" }` (or `sources { events { ... } }`), one block per source"},
    {GB, "GroupBy", "events", "`sources { events { ... } }`: a GroupBy's sources are `Source` blocks"},
    {GB, "GroupBy", "entities", "`sources { entities { ... } }`: a GroupBy's sources are `Source` blocks"},
    {GB, "GroupBy", "join_source", "`sources { join_source { ... } }`: a GroupBy's sources are `Source` blocks"},
    {GB, "GroupBy", "name",
     "not written: the name comes from the Bazel target and its package (docs/rules.md, Names); a GroupBy written "
     "inline in a Join may take `meta_data { name: \"team.module.var\" }`"},
    {GB, "GroupBy", "team", "not written: the team is the package's folder under group_bys/ (docs/rules.md, Names)"},
    {JN, "Join", "right_parts", "`join_parts { group_by { ref: \"//group_bys/team:module.v1\" } }`, one per JoinPart"},
    {JN, "Join", "events", "`left { events { ... } }`: the left of a Join is a `Source` block"},
    {JN, "Join", "entities", "`left { entities { ... } }`: the left of a Join is a `Source` block"},
    {JN, "Join", "check_consistency", "`helper { check_consistency: true }`"},
    {JN, "Join", "additional_args",
     "`helper { additional_args { list_value { values { string_value: \"--step-days=7\" } } } }`"},
    {JN, "Join", "additional_env",
     "`helper { additional_env { list_value { values { string_value: \"KEY=value\" } } } }`"},
    {JN, "Join", "consistency_sample_percent", "`helper { consistency_sample_percent: 5.0 }`"},
    {JN, "Join", "bootstrap_from_log", "`helper { bootstrap_from_log: true }`"},
    {JN, "Join", "sample_percent", "`meta_data { sample_percent: 100 }`"},
    {JN, "Join", "name", "not written: the name comes from the Bazel target and its package (docs/rules.md, Names)"},
    {JN, "Join", "team", "not written: the team is the package's folder under joins/ (docs/rules.md, Names)"},
    {JN, "Join", "external_parts", "`online_external_parts { source { helper { name: \"...\" } } }`"},
    {"chronon.api.JoinPart", "JoinPart", "tags", "`helper { tags { key: \"k\" string_value: \"v\" } }`"},
    {"chronon.api.Aggregation", "Aggregation", "tags", "`helper { tags { key: \"k\" string_value: \"v\" } }`"},
    {"chronon.api.Aggregation", "LAST_K", "k", "`helper { k: 10 }` (the argument of LAST_K(10), TOP_K(10), ...)"},
    {"chronon.api.Aggregation", "APPROX_PERCENTILE", "percentiles", "`helper { percentiles: [0.5, 0.99] }`"},
    {"chronon.api.Aggregation", "Aggregation", "window", "`windows { length: 7 time_unit: DAYS }`, one per window"},
    {"chronon.api.LabelPart", "LabelPart", "label_offline_schedule", "`meta_data { offline_schedule: \"@daily\" }`"},
    {"chronon.api.ExternalSource", "ExternalSource", "name", "`helper { name: \"...\" }`"},
    {"chronon.api.ExternalSource", "ExternalSource", "team", "`helper { team: \"...\" }`"},
    {"chronon.api.ExternalSource", "ExternalSource", "key_fields",
     "`helper { key_fields { name: \"key\" data_type { kind: LONG } } }`"},
    {"chronon.api.ExternalSource", "ExternalSource", "value_fields",
     "`helper { value_fields { name: \"value\" data_type { kind: STRING } } }`"},
    {"chronon.api.ExternalSource", "ExternalSource", "custom_json", "`helper { custom_json: \"...\" }`"},
    {"chronon.api.ExternalSource", "ContextualSource", "fields",
     "`contextual { fields { name: \"key\" data_type { kind: LONG } } }`"},
    {"chronon.api.StagingQuery", "StagingQuery", "name",
     "not written: the name comes from the Bazel target and its package (docs/rules.md, Names)"},
    {"chronon.api.StagingQuery", "StagingQuery", "output_namespace", "`meta_data { output_namespace: \"my_db\" }`"},
    {"chronon.api.StagingQuery", "StagingQuery", "table_properties",
     "`meta_data { table_properties { key: \"k\" value: \"v\" } }`"},
    {"chronon.api.StagingQuery", "StagingQuery", "dependencies", "`meta_data { dependencies: \"...\" }`"},
    {"chronon.api.Query", "Query", "select", "`selects { key: \"user\" value: \"user_id\" }`, one per column"},
    {"chronon.api.Query", "Query", "where", "`wheres: \"amount > 0\"`, one line per condition"},
    {"chronon.api.EventSource", "EventSource", "snapshot_table",
     "`table: \"...\"`: an EventSource reads `table`; `snapshot_table` is an EntitySource's"},
    {"chronon.api.EntitySource", "EntitySource", "table",
     "`snapshot_table: \"...\"`: an EntitySource reads `snapshot_table`; `table` is an EventSource's"},
};
#undef GB
#undef JN

// What GroupBy() and Join() both take for the object's MetaData or helper, written the same way in both.
constexpr struct {
  const char* argument;
  const char* form;
} kGroupByAndJoinArguments[] = {
    {"online", "`meta_data { online: true }`"},
    {"production", "`meta_data { production: true }`"},
    {"dependencies", "`helper { dependencies: \"db.table/ds={{ ds }}\" }`"},
    {"env", "`meta_data { mode_to_env_map { key: \"backfill\" value { key: \"EXECUTOR_MEMORY\" value: \"9G\" } } }`"},
    {"table_properties", "`meta_data { table_properties { key: \"k\" value: \"v\" } }`"},
    {"output_namespace", "`meta_data { output_namespace: \"my_db\" }`"},
    {"lag", "`helper { lag: 1 }`"},
    {"offline_schedule", "`meta_data { offline_schedule: \"@daily\" }`"},
    {"tags", "`helper { tags { key: \"k\" string_value: \"v\" } }`"},
    {"historical_backfill", "`meta_data { historical_backfill: true }`"},
    {"deprecation_date", "`meta_data { deprecation_date: \"2025-01-01\" }`"},
    {"description", "`meta_data { description: \"...\" }`"},
};

// What to add to protobuf's `Message type "X" has no field named "y".`: the field meant, or the rule the file
// belongs to. `root`: the message the whole file is.
std::string UnknownFieldHint(const std::string& message, const google::protobuf::Descriptor* root,
                             std::string_view text, size_t offset) {
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
  const std::string python = PythonArgumentForm(type, snake);
  if (!python.empty()) return absl::StrCat(" ", python);
  // `list_value { string_value: "a" }`: a list's elements are each a `values` block.
  if (type == "chronon.api.JsonList" && FindMessage("chronon.api.JsonValue")->FindFieldByName(snake) != nullptr) {
    return absl::StrCat(" Each element of a list is a `values` block: write `values { ", snake, ": ",
                        ValueAfter(text, offset), " }`.");
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
  // What stopped the parser: where, and whether parsing can go on after skipping the statement at fault.
  struct Fatal {
    int line = -1, column = -1;
    size_t offset = 0;
    std::string message;
    bool resumable = false;
  };
  // `skip_line`/`skip_column`: an earlier pass reported everything up to this parser position (0-based).
  CollectorAdapter(Diagnostics* diags, std::string_view text, const google::protobuf::Descriptor* root,
                   int skip_line = -1, int skip_column = -1)
      : diags_(diags), text_(text), root_(root), skip_line_(skip_line), skip_column_(skip_column) {}
  const Fatal& fatal() const { return fatal_; }
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (!After(line, column)) return;
    if (absl::StrContains(message, "has no field named")) return UnknownField(line, column, message);
    size_t offset = OffsetOf(text_, line, column);
    // protobuf reports an unknown enum value at the token after it (often the next line): point at the value.
    if (absl::StartsWith(message, "Unknown enumeration value of")) {
      size_t value = std::string_view::npos;
      for (const Token& token : Tokens(text_)) {
        if (token.end > offset) break;
        value = token.begin;
      }
      if (value != std::string_view::npos) {
        offset = value;
        line = static_cast<int>(std::count(text_.begin(), text_.begin() + value, '\n'));
        column = ColumnOf(text_, value);
      }
    }
    std::string text = message;
    fatal_ = {line, column, offset, message, true};
    if (FirstTokenIsJson() && offset == FirstTokenOffset()) {
      text =
          "this is JSON, not textproto: a definition is written `field: value` and `field { ... }` with the "
          "snake_case field names (`key_columns: \"user\"`), as in the README";
      fatal_.resumable = false;
    } else if (absl::StartsWith(message, "Expected identifier, got: (") ||
               absl::StartsWith(message, "Expected \"}\", found \"(\"")) {
      const std::string hint = CallSyntaxHint(text_, offset);
      if (!hint.empty()) text = absl::StrCat("`(`", hint);
    } else if (AtEnd(text_, offset)) {
      const std::string block = UnclosedBlock(text_);
      if (!block.empty()) text = block;
      fatal_.resumable = false;
    } else if (absl::StartsWith(message, "Expected \"{\", found")) {
      absl::StrAppend(&text, MessageFormHint(text_, offset, root_));
    }
    diags_->Error({line + 1, column + 1}, "parse-error", text);
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (!After(line, column)) return;
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
                  absl::StrCat(message, UnknownFieldHint(message, root_, text_, i)));
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

  bool After(int line, int column) const { return line > skip_line_ || (line == skip_line_ && column > skip_column_); }

  Diagnostics* diags_;
  std::string_view text_;
  const google::protobuf::Descriptor* root_;
  int skip_line_, skip_column_;
  Fatal fatal_;
};

// The bytes to skip so that parsing can go on after the error at byte `offset`: the whole statement at fault
// (`length: "seven"`, `additional_args: "--x"`, `key_columns "u"`, `operation: MEDIAN`, a repeated `helper { }`) or a
// call (`(10)`). protobuf reports some errors at the value and some at the token after it (an unknown enum value),
// so the statement is found from the tokens around the error. {0, 0} when no statement can be told apart: parsing
// does not go on rather than report a cascade.
std::pair<size_t, size_t> SkipSpan(std::string_view text, size_t offset, const std::string& message) {
  const std::vector<Token> tokens = Tokens(text);
  size_t k = 0;
  while (k < tokens.size() && tokens[k].begin < offset) ++k;
  if (k >= tokens.size() || tokens[k].begin != offset) return {0, 0};
  auto is_name = [&](size_t i) { return tokens[i].type == google::protobuf::io::Tokenizer::TYPE_IDENTIFIER; };
  auto is_scalar = [&](size_t i) {
    return tokens[i].text != "{" && tokens[i].text != "}" && tokens[i].text != "<" && tokens[i].text != ">" &&
           tokens[i].text != "[" && tokens[i].text != "]" && tokens[i].text != ":" && tokens[i].text != "(" &&
           tokens[i].text != ")" && tokens[i].text != "," && tokens[i].text != ";";
  };
  // The end of the value that starts at token i: a block, list or call ends at its matching close.
  auto value_end = [&](size_t i) {
    const std::string& open = tokens[i].text;
    if (open != "{" && open != "<" && open != "[" && open != "(") return tokens[i].end;
    int depth = 0;
    for (size_t j = i; j < tokens.size(); ++j) {
      const std::string& t = tokens[j].text;
      if (t == "{" || t == "<" || t == "[" || t == "(") ++depth;
      if (t == "}" || t == ">" || t == "]" || t == ")") --depth;
      if (depth == 0) return tokens[j].end;
    }
    return text.size();
  };
  if (tokens[k].text == "(") return {tokens[k].begin, value_end(k)};
  // `name: value` with the error at the value.
  if (k >= 2 && tokens[k - 1].text == ":" && is_name(k - 2)) return {tokens[k - 2].begin, value_end(k)};
  // `name value` / `name "x"` where protobuf wanted the `:` or the `{`.
  if (k >= 1 && is_name(k - 1) &&
      (absl::StartsWith(message, "Expected \":\"") || absl::StartsWith(message, "Expected \"{\""))) {
    return {tokens[k - 1].begin, value_end(k)};
  }
  // `name: value` with the error at the token after it (unknown enum value, out of range).
  if (k >= 3 && is_scalar(k - 1) && tokens[k - 2].text == ":" && is_name(k - 3) &&
      !absl::StartsWith(message, "Expected")) {
    return {tokens[k - 3].begin, tokens[k - 1].end};
  }
  // `name { ... }` or `name: value` refused as a whole (a non-repeated field given twice), at the token after name.
  if (k >= 1 && is_name(k - 1) && absl::StrContains(message, "specified multiple times")) {
    size_t v = k;
    if (tokens[v].text == ":" && v + 1 < tokens.size()) ++v;
    return {tokens[k - 1].begin, value_end(v)};
  }
  return {0, 0};
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
  // A UTF-8 byte order mark (some Windows editors write one) is not textproto; blank it, keeping byte offsets.
  std::string unmarked;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    unmarked = std::string(text);
    unmarked.replace(0, 3, "   ");
    text = unmarked;
  }
  const int errors_before = diags->error_count();
  // protobuf's parser stops at the first syntax error. To report every independent problem of the file in one run,
  // the statement at fault is blanked out (offsets and tabs kept, so positions stay the same) and the file parsed
  // again, reporting only what lies after the previous stop; at most kMaxParsePasses times, and never after an
  // error that leaves nothing sensible to resume from (a block left open, JSON).
  constexpr int kMaxParsePasses = 20;
  // The first pass reads `text` itself; a copy to blank statements in is made only for a further pass (a copy of a
  // large definition for every parse doubled its text during the parse, issue 26, finding 11).
  std::string blanked;
  std::string_view work = text;
  int skip_line = -1, skip_column = -1;
  bool ok = false;
  for (int pass = 0; pass < kMaxParsePasses; ++pass) {
    CollectorAdapter collector(diags, work, message->GetDescriptor(), skip_line, skip_column);
    TextFormat::Parser parser;
    parser.RecordErrorsTo(&collector);
    // Unknown fields are skipped with a warning, which the collector reports as an error: so every misspelled field
    // of a file is reported in one run, not only the first.
    parser.AllowUnknownField(true);
    // Later passes only look for more errors: the definition and its locations are the first pass's.
    ParseInfoTree scratch_tree;
    std::unique_ptr<google::protobuf::Message> scratch(pass == 0 ? nullptr : message->New());
    parser.WriteLocationsTo(pass == 0 ? tree : &scratch_tree);
    // protobuf's text parser has no depth limit by default; the compiler's work grows with the cube of the nesting
    // of JoinSource joins (a 400-deep file took a minute), so bound it as protobuf bounds binary parsing.
    parser.SetRecursionLimit(kMaxNesting);
    google::protobuf::io::ArrayInputStream input(work.data(), static_cast<int>(work.size()));
    const bool parsed = parser.Parse(&input, pass == 0 ? message : scratch.get());
    if (pass == 0) ok = parsed;
    if (parsed) break;
    const CollectorAdapter::Fatal& fatal = collector.fatal();
    if (!fatal.resumable || fatal.line < 0) break;
    const auto [begin, end] = SkipSpan(work, fatal.offset, fatal.message);
    if (end <= begin) break;
    if (blanked.empty()) {
      blanked = std::string(text);
      work = blanked;
    }
    for (size_t i = begin; i < end; ++i) {
      if (blanked[i] != '\n' && blanked[i] != '\t') blanked[i] = ' ';
    }
    skip_line = fatal.line;
    skip_column = fatal.column;
  }
  if (!ok && diags->error_count() == errors_before) {
    diags->Error({1, 1}, "parse-error", "the file could not be parsed as a textproto");
  }
  return ok && diags->error_count() == errors_before;
}

std::string PythonArgumentForm(const std::string& message, const std::string& argument) {
  for (const PythonArgument& entry : kPythonArguments) {
    if (message != entry.message || argument != entry.argument) continue;
    const std::string form = entry.form;
    if (absl::StartsWith(form, "not written")) {
      return absl::StrCat(entry.function, "(", argument, "=...) is ", form, ".");
    }
    return absl::StrCat(entry.function, "(", argument, "=...) is written ", form, ".");
  }
  const char* function = message == "chronon.api.GroupBy" ? "GroupBy"
                         : message == "chronon.api.Join"  ? "Join"
                                                          : nullptr;
  if (function == nullptr) return "";
  for (const auto& entry : kGroupByAndJoinArguments) {
    if (argument == entry.argument) return absl::StrCat(function, "(", argument, "=...) is written ", entry.form, ".");
  }
  return "";
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

void AppendTextprotoString(std::string_view value, std::string* out) {
  out->push_back('"');
  for (const char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          absl::StrAppend(out, "\\", u >> 6, (u >> 3) & 7, u & 7);
        } else {
          out->push_back(c);  // UTF-8 bytes stay as they are
        }
    }
  }
  out->push_back('"');
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
