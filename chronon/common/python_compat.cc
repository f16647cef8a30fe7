#include "chronon/common/python_compat.h"

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "chronon/common/json_writer.h"

namespace chronon {
namespace {

// JsonValue and JsonField share their `kind` oneof.
template <typename M>
Json HelperValueOf(const M& value) {
  switch (value.kind_case()) {
    case M::kBoolValue:
      return value.bool_value();
    case M::kIntValue:
      return value.int_value();
    case M::kFloatValue:
      return value.float_value();
    case M::kStringValue:
      return value.string_value();
    case M::kListValue: {
      Json list = Json::array();
      for (const api::JsonValue& element : value.list_value().values()) list.push_back(HelperValueOf(element));
      return list;
    }
    case M::kObjectValue: {
      Json object = Json::object();
      for (const api::JsonField& field : value.object_value().fields()) object[field.key()] = HelperValueOf(field);
      return object;
    }
    default:
      return nullptr;
  }
}

}  // namespace

std::string Dumps(const Json& value) {
  absl::StatusOr<std::string> text = WritePythonJson(value, -1);
  return text.ok() ? *text : "null";
}

std::string PyStr(const Json& number) {
  if (number.is_number_float()) return PythonFloatRepr(number.get<double>());
  return number.dump();
}

std::string Sanitize(const std::string& text) {
  std::string out(text);
  for (char& c : out) {
    if (!absl::ascii_isalnum(c) && c != '_') c = '_';
  }
  return out;
}

std::string WaitForName(const std::string& dep) {
  std::string out;
  for (char c : absl::StrCat("wait_for_", dep)) {
    const char mapped = absl::ascii_isalnum(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(mapped);
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

Json HelperValue(const api::JsonValue& value) { return HelperValueOf(value); }
Json HelperValue(const api::JsonField& value) { return HelperValueOf(value); }

Json HelperObject(const google::protobuf::RepeatedPtrField<api::JsonField>& fields) {
  Json object = Json::object();
  for (const api::JsonField& field : fields) object[field.key()] = HelperValueOf(field);
  return object;
}

Json StringOrNull(const Json& object, const std::string& key) {
  if (object.is_object() && object.contains(key)) return object[key];
  return nullptr;
}

const Json* Find(const Json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const Json& MemberOr(const Json& object, const std::string& key, const Json& absent) {
  const Json* value = Find(object, key);
  return value != nullptr ? *value : absent;
}

std::string GetString(const Json& object, const std::string& key) {
  const Json* value = Find(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

bool IsTrue(const Json& object, const std::string& key) {
  const Json* value = Find(object, key);
  return value != nullptr && value->is_number_integer() && value->get<int64_t>() == 1;
}

}  // namespace chronon
