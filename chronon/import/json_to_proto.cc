// The engine JSON -> the thrift mirror (chronon/api.proto), the inverse of proto_json.cc's ProtoToJson.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const char* TypeName(const Json& json) {
  if (json.is_null()) return "null";
  if (json.is_boolean()) return "a boolean";
  if (json.is_number()) return "a number";
  if (json.is_string()) return "a string";
  if (json.is_array()) return "an array";
  return "an object";
}

class Reader {
 public:
  // `consume`: the JSON read is the caller's to give up; its strings are moved into the message, not copied.
  Reader(const std::string& file, IntegerDoubles* integers, std::vector<InputError>* errors, bool consume)
      : file_(file), integers_(integers), errors_(errors), consume_(consume) {}

  bool Read(const Json& json, const std::string& pointer, const std::string& path, Message* message) {
    if (!json.is_object()) return Fail(pointer, absl::StrCat("expected an object, found ", TypeName(json)));
    const Descriptor* descriptor = message->GetDescriptor();
    bool ok = true;
    for (const auto& [key, value] : json.items()) {
      const std::string child = PointerAppend(pointer, key);
      const FieldDescriptor* field = nullptr;
      for (int i = 0; i < descriptor->field_count(); ++i) {
        const FieldDescriptor* f = descriptor->field(i);
        if (f->number() < kFirstAuthoringField && f->json_name() == key) field = f;
      }
      if (field == nullptr) {
        ok = Fail(child, absl::StrCat("unknown member \"", key, "\" of ", descriptor->name(),
                                      " (not a field of Chronon's thrift API)"));
        continue;
      }
      const std::string child_path = PathAppend(path, field->name());
      ok = (field->is_repeated() ? Repeated(value, child, child_path, field, message)
                                 : Singular(value, child, child_path, field, message)) &&
           ok;
    }
    return ok;
  }

 private:
  bool Fail(const std::string& pointer, const std::string& message) {
    errors_->push_back({file_, pointer, message});
    return false;
  }

  bool Repeated(const Json& value, const std::string& pointer, const std::string& path, const FieldDescriptor* field,
                Message* message) {
    const Reflection* reflection = message->GetReflection();
    const bool is_map =
        field->type() == FieldDescriptor::TYPE_MESSAGE && (field->message_type() == api::StringEntry::descriptor() ||
                                                           field->message_type() == api::StringMapEntry::descriptor() ||
                                                           field->message_type() == api::StringListEntry::descriptor());
    if (is_map) {
      if (!value.is_object()) return Fail(pointer, absl::StrCat("expected an object, found ", TypeName(value)));
      bool ok = true;
      for (const auto& [key, entry_value] : value.items()) {
        const std::string child = PointerAppend(pointer, key);
        Message* entry = reflection->AddMessage(message, field);
        const Descriptor* d = entry->GetDescriptor();
        const Reflection* er = entry->GetReflection();
        er->SetString(entry, d->FindFieldByName("key"), key);
        const FieldDescriptor* value_field = d->FindFieldByName("value");
        if (d == api::StringEntry::descriptor()) {
          if (!entry_value.is_string()) {
            ok = Fail(child, absl::StrCat("expected a string, found ", TypeName(entry_value)));
            continue;
          }
          er->SetString(entry, value_field, Take(entry_value));
        } else {
          ok = Repeated(entry_value, child, PathAppend(path, "value"), value_field, entry) && ok;
        }
      }
      return ok;
    }
    if (!value.is_array()) return Fail(pointer, absl::StrCat("expected an array, found ", TypeName(value)));
    bool ok = true;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string child = PointerAppend(pointer, i);
      ok = Element(value[i], child, absl::StrCat(path, "/", i), field, message) && ok;
    }
    return ok;
  }

  // One value of a field (singular, or appended to a repeated one).
  bool Element(const Json& value, const std::string& pointer, const std::string& path, const FieldDescriptor* field,
               Message* message) {
    const Reflection* r = message->GetReflection();
    const bool repeated = field->is_repeated();
    auto wrong = [&](const char* expected) {
      return Fail(pointer, absl::StrCat("expected ", expected, ", found ", TypeName(value)));
    };
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* child = repeated ? r->AddMessage(message, field) : r->MutableMessage(message, field);
        return Read(value, pointer, path, child);
      }
      case FieldDescriptor::CPPTYPE_STRING:
        if (!value.is_string()) return wrong("a string");
        repeated ? r->AddString(message, field, Take(value)) : r->SetString(message, field, Take(value));
        return true;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        if (!value.is_number()) return wrong("a number");
        if (value.is_number_integer()) integers_->insert(path);
        repeated ? r->AddDouble(message, field, value.get<double>())
                 : r->SetDouble(message, field, value.get<double>());
        return true;
      case FieldDescriptor::CPPTYPE_BOOL: {
        // Thrift's TSimpleJSON writes booleans as 1 and 0.
        if (!value.is_number_integer() || (value.get<int64_t>() != 0 && value.get<int64_t>() != 1)) {
          return wrong("0 or 1 (a thrift boolean)");
        }
        const bool b = value.get<int64_t>() == 1;
        repeated ? r->AddBool(message, field, b) : r->SetBool(message, field, b);
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        if (!value.is_number_integer()) return wrong("an enum number");
        const std::optional<int> number = IntegerOf<int>(value);
        if (!number || field->enum_type()->FindValueByNumber(*number) == nullptr) {
          return Fail(pointer, absl::StrCat(value.dump(), " is not a value of ", field->enum_type()->name()));
        }
        repeated ? r->AddEnumValue(message, field, *number) : r->SetEnumValue(message, field, *number);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        if (!value.is_number_integer()) return wrong("an integer");
        const std::optional<int32_t> number = IntegerOf<int32_t>(value);
        if (!number) return wrong("a 32-bit integer");
        repeated ? r->AddInt32(message, field, *number) : r->SetInt32(message, field, *number);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        if (!value.is_number_integer()) return wrong("an integer");
        const std::optional<int64_t> number = IntegerOf<int64_t>(value);
        if (!number) return wrong("a 64-bit integer");
        repeated ? r->AddInt64(message, field, *number) : r->SetInt64(message, field, *number);
        return true;
      }
      default:
        return Fail(pointer, absl::StrCat("unsupported field type of ", field->name()));
    }
  }

  // A string value: moved out of the JSON when it is consumed (then non-const: JsonToProto's Json&& overload).
  std::string Take(const Json& value) {
    if (!consume_) return value.get<std::string>();
    return std::move(const_cast<Json&>(value).get_ref<std::string&>());
  }

  bool Singular(const Json& value, const std::string& pointer, const std::string& path, const FieldDescriptor* field,
                Message* message) {
    return Element(value, pointer, path, field, message);
  }

  const std::string& file_;
  IntegerDoubles* integers_;
  std::vector<InputError>* errors_;
  const bool consume_;
};

}  // namespace

bool JsonToProto(const Json& json, const std::string& pointer, const std::string& path, Message* message,
                 IntegerDoubles* integers, std::vector<InputError>* errors, const std::string& file) {
  return Reader(file, integers, errors, /*consume=*/false).Read(json, pointer, path, message);
}

bool JsonToProto(Json&& json, const std::string& pointer, const std::string& path, Message* message,
                 IntegerDoubles* integers, std::vector<InputError>* errors, const std::string& file) {
  return Reader(file, integers, errors, /*consume=*/true).Read(json, pointer, path, message);
}

}  // namespace importer
}  // namespace chronon
