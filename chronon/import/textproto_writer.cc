// Writes a definition the way a person would: one field per line, messages of scalars on one line when short.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chronon/common/json_writer.h"
#include "chronon/compiler/textproto.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr size_t kOneLineLimit = 100;

std::string Quote(const std::string& value) {
  std::string out;
  AppendTextprotoString(value, &out);
  return out;
}

// Receives each line of the text with its depth (two spaces of indentation a level).
using Emit = std::function<void(int depth, std::string line)>;

class Writer {
 public:
  explicit Writer(const IntegerDoubles& integers) : integers_(integers) {}

  // The fields of `message`, one line each at `depth`, to `emit`.
  void Fields(const Message& message, const std::string& path, int depth, const Emit& emit) {
    const Reflection* r = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(message, &fields);
    // The order of the Python helpers' arguments: what the object is, then its metadata, then helper arguments.
    std::stable_sort(fields.begin(), fields.end(), [](const FieldDescriptor* a, const FieldDescriptor* b) {
      auto rank = [](const FieldDescriptor* f) { return f->name() == "helper" ? 2 : f->name() == "meta_data" ? 1 : 0; };
      return rank(a) < rank(b);
    });
    for (const FieldDescriptor* field : fields) {
      const std::string field_path = PathAppend(path, field->name());
      if (!field->is_repeated()) {
        Field(message, field, -1, field_path, depth, emit);
        continue;
      }
      const int size = r->FieldSize(message, field);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE && size > 1) {
        std::vector<std::string> values;
        for (int i = 0; i < size; ++i) values.push_back(Scalar(message, field, i, absl::StrCat(field_path, "/", i)));
        // clang-format's TextProto style (tools/format.sh) puts spaces inside the brackets.
        emit(depth, absl::StrCat(field->name(), ": [ ", absl::StrJoin(values, ", "), " ]"));
        continue;
      }
      for (int i = 0; i < size; ++i) Field(message, field, i, absl::StrCat(field_path, "/", i), depth, emit);
    }
  }

 private:
  void Field(const Message& message, const FieldDescriptor* field, int index, const std::string& path, int depth,
             const Emit& emit) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      emit(depth, absl::StrCat(field->name(), ": ", Scalar(message, field, index, path)));
      return;
    }
    const Reflection* r = message.GetReflection();
    const Message& child = index < 0 ? r->GetMessage(message, field) : r->GetRepeatedMessage(message, field, index);
    if (!AllScalars(child)) {
      // Never on one line: its lines go out as they are made, not collected first (a large GroupBy's text is not
      // held twice, issue 26, finding 11).
      emit(depth, absl::StrCat(field->name(), " {"));
      Fields(child, path, depth + 1, emit);
      emit(depth, "}");
      return;
    }
    std::vector<std::string> inner;
    Fields(child, path, 0, [&inner](int, std::string line) { inner.push_back(std::move(line)); });
    if (inner.empty()) {
      emit(depth, absl::StrCat(field->name(), " {}"));
      return;
    }
    size_t width = field->name().size() + 4;
    for (const std::string& line : inner) width += line.size() + 1;
    // Only messages of scalars go on one line, and only short ones; a list goes on one line only alone, as
    // clang-format's TextProto style (tools/format.sh) would break `{ p: [ 1, 2 ] k: 3 }`.
    const bool has_list = std::any_of(inner.begin(), inner.end(),
                                      [](const std::string& line) { return line.find(": [ ") != std::string::npos; });
    if (width <= kOneLineLimit && (inner.size() == 1 || !has_list)) {
      emit(depth, absl::StrCat(field->name(), " { ", absl::StrJoin(inner, " "), " }"));
      return;
    }
    emit(depth, absl::StrCat(field->name(), " {"));
    for (std::string& line : inner) emit(depth + 1, std::move(line));
    emit(depth, "}");
  }

  static bool AllScalars(const Message& message) {
    std::vector<const FieldDescriptor*> fields;
    message.GetReflection()->ListFields(message, &fields);
    for (const FieldDescriptor* field : fields) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return false;
    }
    return true;
  }

  std::string Scalar(const Message& message, const FieldDescriptor* field, int index, const std::string& path) {
    const Reflection* r = message.GetReflection();
    const bool rep = index >= 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return Quote(rep ? r->GetRepeatedString(message, field, index) : r->GetString(message, field));
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double value = rep ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field);
        if (integers_.count(path) && value == static_cast<double>(static_cast<int64_t>(value))) {
          return absl::StrCat(static_cast<int64_t>(value));
        }
        return PythonFloatRepr(value);
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        return (rep ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field)) ? "true" : "false";
      case FieldDescriptor::CPPTYPE_ENUM:
        return (rep ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field))->name();
      case FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(rep ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field));
      case FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(rep ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field));
      default:
        return "";
    }
  }

  const IntegerDoubles& integers_;
};

}  // namespace

void AppendTextproto(const Message& message, const IntegerDoubles& integers, std::string* out) {
  Writer(integers).Fields(message, "", 0, [out](int depth, std::string line) {
    out->append(static_cast<size_t>(depth) * 2, ' ');
    out->append(line);
    out->push_back('\n');
  });
}

std::string WriteTextproto(const Message& message, const IntegerDoubles& integers) {
  std::string out;
  AppendTextproto(message, integers, &out);
  return out;
}

}  // namespace importer
}  // namespace chronon
