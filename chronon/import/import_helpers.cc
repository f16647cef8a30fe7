// Shared helpers of the per-concept un-derive files (import_internal.h).
#include <algorithm>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {

void AddError(const Context& ctx, const std::string& pointer, const std::string& message) {
  ctx.errors->push_back({ctx.file, pointer, message});
}

Json Without(const Json& json, std::initializer_list<const char*> drop) {
  if (!json.is_object()) return json;
  // Only the members kept are copied: the dropped ones are a large GroupBy's sources and aggregations.
  Json out = Json::object();
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (std::none_of(drop.begin(), drop.end(), [&](const char* key) { return it.key() == key; })) {
      out[it.key()] = it.value();
    }
  }
  return out;
}

Json ParseCustomJson(const Json& meta, const Context& ctx, const std::string& pointer) {
  auto it = meta.find("customJson");
  if (it == meta.end()) return Json::object();
  Json custom = it->is_string() ? Json::parse(it->get<std::string>(), nullptr, false) : Json();
  if (custom.is_object()) return custom;
  AddError(ctx, pointer + "/metaData/customJson", "customJson is not a JSON object in a string");
  return Json::object();
}

std::string PathAppend(const std::string& path, const std::string& field, int index) {
  std::string out = path.empty() ? field : absl::StrCat(path, "/", field);
  if (index >= 0) absl::StrAppend(&out, "/", index);
  return out;
}

void ToJsonValue(const Json& value, api::JsonValue* out) {
  if (value.is_null()) {
    out->set_null_value(true);
  } else if (value.is_boolean()) {
    out->set_bool_value(value.get<bool>());
  } else if (value.is_number_integer()) {
    out->set_int_value(value.get<int64_t>());
  } else if (value.is_number()) {
    out->set_float_value(value.get<double>());
  } else if (value.is_string()) {
    out->set_string_value(value.get<std::string>());
  } else if (value.is_array()) {
    api::JsonList* list = out->mutable_list_value();
    for (const Json& element : value) ToJsonValue(element, list->add_values());
  } else {
    api::JsonObject* object = out->mutable_object_value();
    for (const auto& [key, field] : value.items()) ToJsonField(key, field, object->add_fields());
  }
}

void ToJsonField(const std::string& key, const Json& value, api::JsonField* out) {
  api::JsonValue typed;
  ToJsonValue(value, &typed);
  out->set_key(key);
  // JsonValue and JsonField share the oneof's shape; copy it member by member.
  switch (typed.kind_case()) {
    case api::JsonValue::kNullValue:
      out->set_null_value(true);
      break;
    case api::JsonValue::kBoolValue:
      out->set_bool_value(typed.bool_value());
      break;
    case api::JsonValue::kIntValue:
      out->set_int_value(typed.int_value());
      break;
    case api::JsonValue::kFloatValue:
      out->set_float_value(typed.float_value());
      break;
    case api::JsonValue::kStringValue:
      out->set_string_value(typed.string_value());
      break;
    case api::JsonValue::kListValue:
      *out->mutable_list_value() = typed.list_value();
      break;
    case api::JsonValue::kObjectValue:
      *out->mutable_object_value() = typed.object_value();
      break;
    default:
      break;
  }
}

}  // namespace importer
}  // namespace chronon
