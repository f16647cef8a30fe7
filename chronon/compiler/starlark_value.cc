#include "chronon/compiler/starlark_value.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "chronon/compiler/textproto.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

struct Value {
  enum Kind { kNone, kBool, kInt, kFloat, kString, kList, kDict, kStruct };
  Kind kind = kNone;
  size_t offset = 0;               // where the value starts in the repr
  std::string text;                // kInt, kFloat: the literal as repr() wrote it; kString: the bytes; kBool
  std::vector<Value> items;        // kList (and tuples): the items; kDict: key, value, key, value...; kStruct: fields
  std::vector<std::string> names;  // kStruct: the field names, in items' order
};

const char* KindName(Value::Kind kind) {
  switch (kind) {
    case Value::kNone:
      return "None";
    case Value::kBool:
      return "a bool";
    case Value::kInt:
      return "an int";
    case Value::kFloat:
      return "a float";
    case Value::kString:
      return "a string";
    case Value::kList:
      return "a list";
    case Value::kDict:
      return "a dict";
    case Value::kStruct:
      return "a struct";
  }
  return "a value";
}

bool IsIdentifierChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Reads repr()'s syntax: struct(name = value, ...), [...], (...), {key: value, ...}, "string", numbers, True,
// False, None. Recursive, with the depth bounded by kMaxStarlarkValueDepth.
class Reader {
 public:
  explicit Reader(std::string_view repr) : s_(repr) {}

  bool Read(Value* value, std::string* error) {
    if (!ReadValue(value, 0)) {
      *error = error_;
      return false;
    }
    SkipSpaces();
    if (pos_ != s_.size()) {
      Fail("unexpected text after the value");
      *error = error_;
      return false;
    }
    return true;
  }

 private:
  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = absl::StrCat("at byte ", pos_, ": ", what);
    return false;
  }

  void SkipSpaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }

  bool Consume(char c) {
    SkipSpaces();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool Expect(char c) { return Consume(c) || Fail(absl::StrCat("expected '", std::string(1, c), "'")); }

  std::string_view Word() {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsIdentifierChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // Items up to `close`, separated by commas (a trailing comma allowed, as in the tuple `(1,)`).
  template <typename ReadItem>
  bool ReadItems(char close, ReadItem read_item) {
    if (Consume(close)) return true;
    while (true) {
      if (!read_item()) return false;
      if (Consume(close)) return true;
      if (!Expect(',')) return false;
      if (Consume(close)) return true;
    }
  }

  bool ReadValue(Value* value, int depth) {
    if (depth > kMaxStarlarkValueDepth) {
      return Fail(absl::StrCat("the value nests deeper than ", kMaxStarlarkValueDepth, " levels"));
    }
    SkipSpaces();
    if (pos_ == s_.size()) return Fail("expected a value, found the end");
    value->offset = pos_;
    const char c = s_[pos_];
    if (c == '"') return ReadString(&value->text) && (value->kind = Value::kString, true);
    if (c == '[' || c == '(') {
      ++pos_;
      value->kind = Value::kList;
      return ReadItems(c == '[' ? ']' : ')', [&] {
        value->items.emplace_back();
        return ReadValue(&value->items.back(), depth + 1);
      });
    }
    if (c == '{') {
      ++pos_;
      value->kind = Value::kDict;
      return ReadItems('}', [&] {
        value->items.emplace_back();
        if (!ReadValue(&value->items.back(), depth + 1) || !Expect(':')) return false;
        value->items.emplace_back();
        return ReadValue(&value->items.back(), depth + 1);
      });
    }
    if (c == '-' || c == '+' || absl::ascii_isdigit(static_cast<unsigned char>(c))) return ReadNumber(value);
    const std::string_view word = Word();
    if (word == "True" || word == "False") {
      value->kind = Value::kBool;
      value->text = word == "True" ? "true" : "false";
      return true;
    }
    if (word == "None") return true;
    if (word == "inf" || word == "nan") {
      value->kind = Value::kFloat;
      value->text = std::string(word);
      return true;
    }
    if (word == "struct" && Consume('(')) {
      value->kind = Value::kStruct;
      return ReadItems(')', [&] {
        SkipSpaces();
        const size_t at = pos_;
        const std::string_view name = Word();
        if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) {
          pos_ = at;
          return Fail("expected a field name");
        }
        value->names.emplace_back(name);
        if (!Expect('=')) return false;
        value->items.emplace_back();
        return ReadValue(&value->items.back(), depth + 1);
      });
    }
    pos_ = value->offset;
    return Fail("not a value python.bzl's helpers make (a struct, list, tuple, dict, string, number, bool or None)");
  }

  // repr()'s numbers: -5, 123456789012345678901234567890, 1.0, -0.0, 1e-07, 1e+100, +inf, -inf, nan.
  bool ReadNumber(Value* value) {
    const size_t start = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    bool is_float = false;
    if (s_.substr(pos_, 3) == "inf" || s_.substr(pos_, 3) == "nan") {
      pos_ += 3;
      is_float = true;
    } else {
      if (Digits() == 0) return FailAt(start, "expected a number");
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        is_float = true;
        if (Digits() == 0) return FailAt(start, "expected a number");
      }
      if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
        ++pos_;
        is_float = true;
        if (pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '+')) ++pos_;
        if (Digits() == 0) return FailAt(start, "expected a number");
      }
    }
    if (pos_ < s_.size() && (IsIdentifierChar(s_[pos_]) || s_[pos_] == '.')) return FailAt(start, "expected a number");
    value->kind = is_float ? Value::kFloat : Value::kInt;
    value->text = std::string(s_.substr(start, pos_ - start));
    if (!is_float && value->text[0] == '+') value->text.erase(0, 1);
    return true;
  }

  size_t Digits() {
    const size_t start = pos_;
    while (pos_ < s_.size() && absl::ascii_isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ - start;
  }

  bool FailAt(size_t at, const std::string& what) {
    pos_ = at;
    return Fail(what);
  }

  // A double-quoted string with Starlark's escapes; other bytes (0x80 and above too) are taken as they are.
  bool ReadString(std::string* out) {
    ++pos_;  // the opening quote
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ == s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'a':
          out->push_back('\a');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'v':
          out->push_back('\v');
          break;
        case '\\':
        case '"':
        case '\'':
          out->push_back(e);
          break;
        case 'x': {
          int byte = 0;
          for (int k = 0; k < 2; ++k) {
            if (pos_ == s_.size() || !absl::ascii_isxdigit(static_cast<unsigned char>(s_[pos_]))) {
              return Fail("a \\x escape needs two hex digits");
            }
            const char h = s_[pos_++];
            byte = byte * 16 +
                   (absl::ascii_isdigit(static_cast<unsigned char>(h)) ? h - '0' : absl::ascii_tolower(h) - 'a' + 10);
          }
          out->push_back(static_cast<char>(byte));
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int byte = e - '0';
            for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k) {
              byte = byte * 8 + (s_[pos_++] - '0');
            }
            if (byte > 0xFF) return Fail("an octal escape above \\377");
            out->push_back(static_cast<char>(byte));
            break;
          }
          --pos_;
          return Fail(absl::StrCat("unknown escape \\", std::string(1, e)));
      }
    }
    return Fail("a string without its closing quote");
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

// How a field is written (the Starlark encoder's field types, docs/starlark.md): scalars on their line, messages as
// blocks, thrift maps (repeated entry messages, written as dicts) one entry a line, JSON-like helper arguments as
// JsonField / JsonValue trees.
enum class Code { kMessage, kLabel, kMap, kMapMap, kMapList, kJsonFields, kJsonValue, kString, kBool, kNumber, kEnum };

Code CodeOf(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& type = field.message_type()->full_name();
      if (type == "chronon.api.StringEntry") return Code::kMap;
      if (type == "chronon.api.StringMapEntry") return Code::kMapMap;
      if (type == "chronon.api.StringListEntry") return Code::kMapList;
      if (type == "chronon.api.JsonField") return Code::kJsonFields;
      if (type == "chronon.api.JsonValue") return Code::kJsonValue;
      return Code::kMessage;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      // api.proto: fields numbered 1000 and above are authoring-only; its strings there are Bazel labels (`ref`,
      // `staging_query`), written like strings but never on one line with other fields.
      return field.number() >= 1000 ? Code::kLabel : Code::kString;
    case FieldDescriptor::CPPTYPE_BOOL:
      return Code::kBool;
    case FieldDescriptor::CPPTYPE_ENUM:
      return Code::kEnum;
    default:
      return Code::kNumber;
  }
}

bool IsScalar(Code code) {
  return code == Code::kString || code == Code::kBool || code == Code::kNumber || code == Code::kEnum;
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendTextprotoString(s, &out);
  return out;
}

// One set field of a message, a repeated field's items one each.
struct Item {
  const FieldDescriptor* field;
  Code code;
  const Value* value;
};

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  const std::string& error() const { return error_; }

  bool WriteMessage(const Value& value, const Descriptor& descriptor, const std::string& pad) {
    std::vector<Item> items;
    if (!ItemsOf(value, descriptor, &items)) return false;
    for (const Item& item : items) {
      const std::string& name = item.field->name();
      const Value& v = *item.value;
      switch (item.code) {
        case Code::kString:
        case Code::kBool:
        case Code::kNumber:
        case Code::kEnum:
        case Code::kLabel:
          absl::StrAppend(out_, pad, name, ": ");
          AppendScalar(item.code, v, out_);
          out_->push_back('\n');
          break;
        case Code::kMessage: {
          const Descriptor& child_type = *item.field->message_type();
          std::vector<Item> child;
          if (!ItemsOf(v, child_type, &child)) return false;
          std::string line;
          if (OneLine(child, &line)) {
            absl::StrAppend(out_, pad, name, line, "\n");
          } else {
            absl::StrAppend(out_, pad, name, " {\n");
            if (!WriteMessage(v, child_type, pad + "  ")) return false;
            absl::StrAppend(out_, pad, "}\n");
          }
          break;
        }
        case Code::kMap:
          if (!IsStringDict(v, "a dict of strings to strings", nullptr)) return false;
          for (size_t i = 0; i < v.items.size(); i += 2) {
            absl::StrAppend(out_, pad, name, " { key: ", Quoted(v.items[i].text),
                            " value: ", Quoted(v.items[i + 1].text), " }\n");
          }
          break;
        case Code::kMapMap:
          if (!IsStringDict(v, "a dict of strings to dicts of strings to strings", [&](const Value& inner) {
                return IsStringDict(inner, "a dict of strings to dicts of strings to strings", nullptr);
              })) {
            return false;
          }
          for (size_t i = 0; i < v.items.size(); i += 2) {
            absl::StrAppend(out_, pad, name, " {\n", pad, "  key: ", Quoted(v.items[i].text), "\n");
            const Value& inner = v.items[i + 1];
            for (size_t j = 0; j < inner.items.size(); j += 2) {
              absl::StrAppend(out_, pad, "  value { key: ", Quoted(inner.items[j].text),
                              " value: ", Quoted(inner.items[j + 1].text), " }\n");
            }
            absl::StrAppend(out_, pad, "}\n");
          }
          break;
        case Code::kMapList:
          if (!IsStringDict(v, "a dict of strings to lists of strings", [&](const Value& inner) {
                if (inner.kind != Value::kList) return false;
                for (const Value& x : inner.items) {
                  if (x.kind != Value::kString) return false;
                }
                return true;
              })) {
            return false;
          }
          for (size_t i = 0; i < v.items.size(); i += 2) {
            absl::StrAppend(out_, pad, name, " { key: ", Quoted(v.items[i].text));
            for (const Value& x : v.items[i + 1].items) absl::StrAppend(out_, " value: ", Quoted(x.text));
            absl::StrAppend(out_, " }\n");
          }
          break;
        case Code::kJsonFields:
          if (v.kind != Value::kDict) return Wrong(v, name, "a dict with string keys");
          for (size_t i = 0; i < v.items.size(); i += 2) {
            if (v.items[i].kind != Value::kString) return Wrong(v.items[i], name, "a dict with string keys");
            absl::StrAppend(out_, pad, name, " {\n");
            if (!WriteJson(v.items[i + 1], pad.size() / 2 + 1, "key: " + Quoted(v.items[i].text))) return false;
            absl::StrAppend(out_, pad, "}\n");
          }
          break;
        case Code::kJsonValue:
          absl::StrAppend(out_, pad, name, " {\n");
          if (!WriteJson(v, pad.size() / 2 + 1, "")) return false;
          absl::StrAppend(out_, pad, "}\n");
          break;
      }
    }
    return true;
  }

 private:
  bool Error(const Value& at, const std::string& what) {
    if (error_.empty()) error_ = absl::StrCat("at byte ", at.offset, ": ", what);
    return false;
  }

  bool Wrong(const Value& at, const std::string& field, const std::string& expected) {
    return Error(at, absl::StrCat("field `", field, "` must be ", expected, ", got ", KindName(at.kind)));
  }

  template <typename InnerOk>
  bool IsStringDict(const Value& v, const char* expected, InnerOk inner_ok) {
    if (v.kind != Value::kDict) return Error(v, absl::StrCat("expected ", expected, ", got ", KindName(v.kind)));
    for (size_t i = 0; i < v.items.size(); i += 2) {
      const Value& value = v.items[i + 1];
      bool ok = v.items[i].kind == Value::kString;
      if constexpr (std::is_same_v<InnerOk, std::nullptr_t>) {
        ok = ok && value.kind == Value::kString;
      } else {
        ok = ok && inner_ok(value);
      }
      if (!ok) return Error(v.items[i], absl::StrCat("expected ", expected));
    }
    return true;
  }

  // The set fields of `value`, a struct(_chronon_type = "<Message>", ...), in the order of api.proto.
  bool ItemsOf(const Value& value, const Descriptor& descriptor, std::vector<Item>* items) {
    if (value.kind != Value::kStruct) {
      return Error(value, absl::StrCat("expected a ", descriptor.name(), " value, got ", KindName(value.kind)));
    }
    std::vector<const Value*> by_field(descriptor.field_count(), nullptr);
    bool typed = false;
    for (size_t i = 0; i < value.names.size(); ++i) {
      const std::string& name = value.names[i];
      const Value& v = value.items[i];
      if (name == "_chronon_type") {
        if (v.kind != Value::kString || v.text != descriptor.name()) {
          return Error(v, absl::StrCat("expected a ", descriptor.name(), " value, got ",
                                       v.kind == Value::kString ? v.text : KindName(v.kind)));
        }
        typed = true;
        continue;
      }
      const FieldDescriptor* field = descriptor.FindFieldByName(name);
      if (field == nullptr) return Error(v, absl::StrCat(descriptor.name(), " has no field `", name, "`"));
      if (v.kind != Value::kNone) by_field[field->index()] = &v;
    }
    if (!typed)
      return Error(value, absl::StrCat("expected a ", descriptor.name(), " value, got a struct without _chronon_type"));
    for (int f = 0; f < descriptor.field_count(); ++f) {
      const Value* v = by_field[f];
      if (v == nullptr) continue;
      const FieldDescriptor* field = descriptor.field(f);
      const Code code = CodeOf(*field);
      if (field->is_repeated() && (code == Code::kMessage || IsScalar(code) || code == Code::kLabel)) {
        if (v->kind != Value::kList) return Wrong(*v, field->name(), "a list");
        for (const Value& x : v->items) {
          if (!Fits(code, *field, x)) return false;
          items->push_back({field, code, &x});
        }
      } else {
        if (!Fits(code, *field, *v)) return false;
        items->push_back({field, code, v});
      }
    }
    return true;
  }

  // Whether a scalar value fits its field (messages and maps are checked as they are written).
  bool Fits(Code code, const FieldDescriptor& field, const Value& v) {
    switch (code) {
      case Code::kString:
      case Code::kLabel:
        return v.kind == Value::kString || Wrong(v, field.name(), "a string");
      case Code::kBool:
        return v.kind == Value::kBool || Wrong(v, field.name(), "a bool");
      case Code::kNumber: {
        const bool integral =
            field.cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE && field.cpp_type() != FieldDescriptor::CPPTYPE_FLOAT;
        if (v.kind == Value::kInt || (!integral && v.kind == Value::kFloat)) return true;
        return Wrong(v, field.name(), integral ? "an int" : "a number");
      }
      case Code::kEnum:
        if (v.kind == Value::kString && field.enum_type()->FindValueByName(v.text) != nullptr) return true;
        return Wrong(v, field.name(), absl::StrCat("a value of ", field.enum_type()->name()));
      default:
        return true;
    }
  }

  static void AppendScalar(Code code, const Value& v, std::string* out) {
    if (code == Code::kString || code == Code::kLabel) {
      AppendTextprotoString(v.text, out);
    } else {
      out->append(v.text);  // an enum's name, true / false, a number as written
    }
  }

  // ` { a: 1 b: "x" }` for at most three scalar items, ` {}` for none; false otherwise.
  bool OneLine(const std::vector<Item>& items, std::string* line) {
    if (items.empty()) {
      *line = " {}";
      return true;
    }
    if (items.size() > 3) return false;
    std::string text = " {";
    for (const Item& item : items) {
      if (!IsScalar(item.code)) return false;
      absl::StrAppend(&text, " ", item.field->name(), ": ");
      AppendScalar(item.code, *item.value, &text);
    }
    *line = text + " }";
    return true;
  }

  // A JsonField (key_line "key: \"k\"") or JsonValue body for `v`, at `indent` levels.
  bool WriteJson(const Value& v, size_t indent, const std::string& key_line) {
    const std::string pad(2 * indent, ' ');
    const std::string prefix = key_line.empty() ? pad : pad + key_line + " ";
    switch (v.kind) {
      case Value::kNone:
        absl::StrAppend(out_, prefix, "null_value: true\n");
        return true;
      case Value::kBool:
        absl::StrAppend(out_, prefix, "bool_value: ", v.text, "\n");
        return true;
      case Value::kInt:
        absl::StrAppend(out_, prefix, "int_value: ", v.text, "\n");
        return true;
      case Value::kFloat:
        absl::StrAppend(out_, prefix, "float_value: ", v.text, "\n");
        return true;
      case Value::kString:
        absl::StrAppend(out_, prefix, "string_value: ", Quoted(v.text), "\n");
        return true;
      case Value::kList:
        absl::StrAppend(out_, prefix, "list_value {\n");
        for (const Value& item : v.items) {
          absl::StrAppend(out_, pad, "  values {\n");
          if (!WriteJson(item, indent + 2, "")) return false;
          absl::StrAppend(out_, pad, "  }\n");
        }
        absl::StrAppend(out_, pad, "}\n");
        return true;
      case Value::kDict:
        absl::StrAppend(out_, prefix, "object_value {\n");
        for (size_t i = 0; i < v.items.size(); i += 2) {
          if (v.items[i].kind != Value::kString) return Error(v.items[i], "a JSON object key must be a string");
          absl::StrAppend(out_, pad, "  fields {\n");
          if (!WriteJson(v.items[i + 1], indent + 2, "key: " + Quoted(v.items[i].text))) return false;
          absl::StrAppend(out_, pad, "  }\n");
        }
        absl::StrAppend(out_, pad, "}\n");
        return true;
      case Value::kStruct:
        return Error(v, "a struct is not a JSON value (dict, list, string, number, bool or None)");
    }
    return true;
  }

  std::string* out_;
  std::string error_;
};

}  // namespace

bool TextprotoOfStarlarkValue(std::string_view repr, const Descriptor& descriptor, std::string* text,
                              std::string* error) {
  Value value;
  if (!Reader(repr).Read(&value, error)) return false;
  std::string out;
  Writer writer(&out);
  if (!writer.WriteMessage(value, descriptor, "")) {
    *error = writer.error();
    return false;
  }
  text->append(out);
  return true;
}

}  // namespace chronon
