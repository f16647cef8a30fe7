// Reading textproto definitions with the location of every field, for compiler-format diagnostics.
#ifndef CHRONON_TEXTPROTO_H_
#define CHRONON_TEXTPROTO_H_

#include <string>
#include <string_view>
#include <vector>

#include "chronon/common/diagnostics.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace chronon {

using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

// How deeply messages may nest in a definition (protobuf's limit for binary parsing); deeper is a parse-error.
constexpr int kMaxNesting = 100;

// Parses `text` into `message`, recording field locations in `tree` (none when nullptr). Invalid UTF-8, syntax errors,
// unknown fields and values of the wrong type are reported to `diags` at their line and column. Returns false on error.
// Parsing never evaluates anything: a textproto is data.
bool ParseTextproto(std::string_view text, google::protobuf::Message* message, ParseInfoTree* tree, Diagnostics* diags);

// How a Python argument of Chronon's helpers whose name is not a field of `message` (full name, e.g.
// "chronon.api.GroupBy") is written in textproto, as a sentence: "GroupBy(keys=[...]) is written `key_columns:
// \"user_id\"`, one line per key." Empty when `argument` is not such an argument.
std::string PythonArgumentForm(const std::string& message, const std::string& argument);

// Converts the parser's 0-based location to a 1-based one (line 0 when unknown).
Location ToLocation(const google::protobuf::TextFormat::ParseLocation& location);

// Location of `field` (index -1 for a singular field) in `tree`, or an unknown location.
Location FieldLocation(const ParseInfoTree* tree, const google::protobuf::FieldDescriptor* field, int index);

// The literal value tokens of a scalar `field` as written in `text`, one per element in order, e.g. {"0.1", "1"}
// for `percentiles: [0.1, 1]`. Empty when the tree does not cover the field (values not from this text).
std::vector<std::string_view> ScalarTokens(std::string_view text, const ParseInfoTree* tree,
                                           const google::protobuf::FieldDescriptor* field);

// Appends `value` as a textproto string literal: `"` and `\` escaped, line breaks and tabs as `\n` `\r` `\t`, other
// control bytes and DEL as octal escapes, every other byte (UTF-8 included) as it is. What the importer and
// chronon_module's values (starlark_value.h) write strings with.
void AppendTextprotoString(std::string_view value, std::string* out);

// True when a numeric literal is written as an integer (`100`, `-3`, `0x10`), the way Python would keep an
// int: `sample_percent: 100` is written `100` while `100.0` is written `100.0`.
bool IsIntegerLiteral(std::string_view token);

}  // namespace chronon

#endif  // CHRONON_TEXTPROTO_H_
