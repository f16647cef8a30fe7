#include "chronon/compiler/proto_json.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "chronon/common/json_pointer.h"
#include "chronon/common/utf8.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Thrift maps are repeated entry messages here so that the user's order survives.
enum class MapKind { kNone, kStringToString, kStringToMap, kStringToList };

MapKind MapKindOf(const FieldDescriptor* field) {
  if (!field->is_repeated() || field->type() != FieldDescriptor::TYPE_MESSAGE) return MapKind::kNone;
  const std::string& name = field->message_type()->full_name();
  if (name == "chronon.api.StringEntry") return MapKind::kStringToString;
  if (name == "chronon.api.StringMapEntry") return MapKind::kStringToMap;
  if (name == "chronon.api.StringListEntry") return MapKind::kStringToList;
  return MapKind::kNone;
}

// Lists that Chronon's Python always writes, even when empty: Query.setups has the thrift default [], and
// Join() always passes its right_parts.
bool AlwaysWritten(const FieldDescriptor* field) {
  const std::string& name = field->full_name();
  return name == "chronon.api.Query.setups" || name == "chronon.api.Join.join_parts";
}

// A message type's fields by number, and the place in that order of each written field's JSON name (authoring-only
// fields have none). Made once per type and thread, not for every object converted or sorted (issue 26, finding 11).
struct FieldOrder {
  std::vector<const FieldDescriptor*> by_number;
  std::unordered_map<std::string_view, size_t> place;
  bool unique_names = true;  // no two written fields share a JSON name
};

const FieldOrder& FieldOrderOf(const Descriptor* descriptor) {
  thread_local std::unordered_map<const Descriptor*, std::unique_ptr<FieldOrder>> orders;
  std::unique_ptr<FieldOrder>& order = orders[descriptor];
  if (order == nullptr) {
    order = std::make_unique<FieldOrder>();
    std::vector<const FieldDescriptor*>& fields = order->by_number;
    for (int i = 0; i < descriptor->field_count(); ++i) fields.push_back(descriptor->field(i));
    std::sort(fields.begin(), fields.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) { return a->number() < b->number(); });
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i]->number() >= kFirstAuthoringField) continue;
      if (!order->place.emplace(fields[i]->json_name(), i).second) order->unique_names = false;
    }
  }
  return *order;
}

const std::vector<const FieldDescriptor*>& FieldsByNumber(const Descriptor* descriptor) {
  return FieldOrderOf(descriptor).by_number;
}

// SortByFieldNumber of a member's value: a message's fields, each element of a list of messages.
void SortFieldValue(const FieldDescriptor* field, Json* value) {
  if (field->type() != FieldDescriptor::TYPE_MESSAGE || MapKindOf(field) != MapKind::kNone) return;
  if (field->is_repeated() && value->is_array()) {
    for (Json& element : *value) SortByFieldNumber(&element, field->message_type());
  } else {
    SortByFieldNumber(value, field->message_type());
  }
}

class Converter {
 public:
  explicit Converter(const ToJsonOptions& options) : options_(options) {}

  Json Message(const google::protobuf::Message& message, const ParseInfoTree* tree, const std::string& pointer,
               bool root = false) {
    if (!root && options_.nested) {
      std::optional<Json> replaced = options_.nested(message, tree, pointer);
      if (replaced.has_value()) return *std::move(replaced);
    }
    const Descriptor* descriptor = message.GetDescriptor();
    const Reflection* reflection = message.GetReflection();
    Json out = Json::object();
    for (const FieldDescriptor* field : FieldsByNumber(descriptor)) {
      if (field->number() >= kFirstAuthoringField) continue;
      const std::string child = PointerAppend(pointer, field->json_name());
      if (field->is_repeated()) {
        const int size = reflection->FieldSize(message, field);
        if (size == 0 && !AlwaysWritten(field)) continue;
        options_.locations->Set(child, FieldLocation(tree, field, 0));
        out[field->json_name()] = Repeated(message, field, tree, child);
      } else if (reflection->HasField(message, field)) {
        options_.locations->Set(child, FieldLocation(tree, field, -1));
        out[field->json_name()] = Singular(message, field, tree, child);
      }
    }
    return out;
  }

 private:
  Json Repeated(const google::protobuf::Message& message, const FieldDescriptor* field, const ParseInfoTree* tree,
                const std::string& pointer) {
    const Reflection* reflection = message.GetReflection();
    const int size = reflection->FieldSize(message, field);
    const MapKind map_kind = MapKindOf(field);
    if (map_kind != MapKind::kNone) {
      Json out = Json::object();
      for (int i = 0; i < size; ++i) {
        const google::protobuf::Message& entry = reflection->GetRepeatedMessage(message, field, i);
        const ParseInfoTree* entry_tree = tree ? tree->GetTreeForNested(field, i) : nullptr;
        const Location location = FieldLocation(tree, field, i);
        MapEntry(entry, entry_tree, location, map_kind, pointer, &out);
      }
      return out;
    }
    Json out = Json::array();
    std::vector<std::string_view> tokens;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) tokens = ScalarTokens(options_.text, tree, field);
    for (int i = 0; i < size; ++i) {
      const std::string child = PointerAppend(pointer, i);
      const Location location = FieldLocation(tree, field, i);
      options_.locations->Set(child, location.line > 0 ? location : FieldLocation(tree, field, 0));
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          out.push_back(Message(reflection->GetRepeatedMessage(message, field, i),
                                tree ? tree->GetTreeForNested(field, i) : nullptr, child));
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          out.push_back(String(reflection->GetRepeatedString(message, field, i), child));
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          out.push_back(Double(reflection->GetRepeatedDouble(message, field, i),
                               i < static_cast<int>(tokens.size()) ? tokens[i] : std::string_view(), child));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          out.push_back(reflection->GetRepeatedBool(message, field, i) ? 1 : 0);
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          out.push_back(reflection->GetRepeatedEnumValue(message, field, i));
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          out.push_back(reflection->GetRepeatedInt32(message, field, i));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          out.push_back(reflection->GetRepeatedInt64(message, field, i));
          break;
        default:
          options_.diags->Error(location, "internal-error", absl::StrCat("unsupported field type ", field->name()));
      }
    }
    return out;
  }

  void MapEntry(const google::protobuf::Message& entry, const ParseInfoTree* tree, Location location, MapKind kind,
                const std::string& pointer, Json* out) {
    const Descriptor* descriptor = entry.GetDescriptor();
    const Reflection* reflection = entry.GetReflection();
    const FieldDescriptor* key_field = descriptor->FindFieldByName("key");
    const FieldDescriptor* value_field = descriptor->FindFieldByName("value");
    const std::string key = reflection->GetString(entry, key_field);
    const std::string child = PointerAppend(pointer, key);
    if (!reflection->HasField(entry, key_field)) {
      options_.diags->Error(location, "missing-map-key", "a map entry needs a `key`");
      return;
    }
    if (out->contains(key)) {
      options_.diags->Error(location, "duplicate-map-key",
                            absl::StrCat("the key \"", key, "\" is given twice; each key may appear once"));
      return;
    }
    String(key, child);  // validates the key
    options_.locations->Set(child, location);
    switch (kind) {
      case MapKind::kStringToString:
        (*out)[key] = String(reflection->GetString(entry, value_field), child);
        break;
      case MapKind::kStringToMap:
        (*out)[key] = Repeated(entry, value_field, tree, child);
        break;
      case MapKind::kStringToList:
        (*out)[key] = Repeated(entry, value_field, tree, child);
        break;
      case MapKind::kNone:
        break;
    }
  }

  Json Singular(const google::protobuf::Message& message, const FieldDescriptor* field, const ParseInfoTree* tree,
                const std::string& pointer) {
    const Reflection* reflection = message.GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Message(reflection->GetMessage(message, field), tree ? tree->GetTreeForNested(field, -1) : nullptr,
                       pointer);
      case FieldDescriptor::CPPTYPE_STRING:
        return String(reflection->GetString(message, field), pointer);
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const std::vector<std::string_view> tokens = ScalarTokens(options_.text, tree, field);
        return Double(reflection->GetDouble(message, field), tokens.empty() ? std::string_view() : tokens[0], pointer);
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        // Thrift's TSimpleJSON writes booleans as 1 and 0.
        return reflection->GetBool(message, field) ? 1 : 0;
      case FieldDescriptor::CPPTYPE_ENUM:
        return reflection->GetEnumValue(message, field);
      case FieldDescriptor::CPPTYPE_INT32:
        return reflection->GetInt32(message, field);
      case FieldDescriptor::CPPTYPE_INT64:
        return reflection->GetInt64(message, field);
      default:
        options_.diags->Error(options_.locations->Find(pointer), "internal-error",
                              absl::StrCat("unsupported field type ", field->name()));
        return nullptr;
    }
  }

  // Strings must survive Chronon's JSON round trip: valid UTF-8 and no raw control characters other than the
  // ones JSON has short escapes for (compile.py crashes on those).
  Json String(const std::string& value, const std::string& pointer) {
    if (!IsValidUtf8(value)) {
      options_.diags->Error(options_.locations->Find(pointer), "invalid-utf8",
                            "string is not valid UTF-8 (check its \\x escapes)");
      return value;
    }
    for (char c : value) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
        options_.diags->Error(options_.locations->Find(pointer), "control-character",
                              absl::StrCat("string contains the control character 0x", absl::Hex(u, absl::kZeroPad2),
                                           ", which Chronon's JSON reader rejects"));
        break;
      }
    }
    return value;
  }

  // A double written as an integer literal stays an integer, as a Python int in a double field does.
  Json Double(double value, std::string_view token, const std::string& pointer) {
    if (!std::isfinite(value)) {
      options_.diags->Error(options_.locations->Find(pointer), "non-finite-number",
                            "NaN and infinity cannot be written to Chronon's JSON");
      return nullptr;
    }
    if (IsIntegerLiteral(token) && std::fabs(value) < 9.2e18) return static_cast<int64_t>(value);
    return value;
  }

  const ToJsonOptions& options_;
};

}  // namespace

std::string_view LocationMap::Keep(std::string_view key) {
  constexpr size_t kBlock = 1 << 16;
  char* at;
  if (key.size() > kBlock / 4) {
    // A long key gets a block of its own, kept first so that the last block is still the one being filled.
    blocks_.insert(blocks_.begin(), std::unique_ptr<char[]>(new char[key.size()]));
    at = blocks_.front().get();
  } else {
    if (key.size() > left_) {
      // Not zeroed (make_unique would): every byte used is copied in first.
      blocks_.push_back(std::unique_ptr<char[]>(new char[kBlock]));
      left_ = kBlock;
    }
    at = blocks_.back().get() + (kBlock - left_);
    left_ -= key.size();
  }
  std::copy(key.begin(), key.end(), at);
  return std::string_view(at, key.size());
}

Location LocationMap::Find(std::string pointer) const {
  while (true) {
    auto it = locations_.find(std::string_view(pointer));
    if (it != locations_.end()) return it->second;
    const size_t slash = pointer.rfind('/');
    if (slash == std::string::npos || pointer.empty()) return {};
    pointer.resize(slash);
  }
}

Json ProtoToJson(const google::protobuf::Message& message, const ParseInfoTree* tree, const std::string& pointer,
                 const ToJsonOptions& options) {
  return Converter(options).Message(message, tree, pointer, /*root=*/true);
}

void SortByFieldNumber(Json* json, const Descriptor* descriptor) {
  if (!json->is_object()) return;
  const FieldOrder& order = FieldOrderOf(descriptor);
  // An object that holds only written fields, already in order (a tree sorted before, as most are when sorted
  // again), is sorted in place: the same result as the rebuild below, without a new object for every node.
  Json::object_t& members = json->get_ref<Json::object_t&>();
  bool in_order = order.unique_names;
  size_t next = 0;
  for (auto member = members.begin(); in_order && member != members.end(); ++member) {
    auto place = order.place.find(member->first);
    in_order = place != order.place.end() && place->second >= next;
    if (in_order) next = place->second + 1;
  }
  if (in_order) {
    for (auto& member : members)
      SortFieldValue(order.by_number[order.place.find(member.first)->second], &member.second);
    return;
  }
  Json sorted = Json::object();
  for (const FieldDescriptor* field : order.by_number) {
    if (field->number() >= kFirstAuthoringField) continue;
    auto it = json->find(field->json_name());
    if (it == json->end()) continue;
    Json value = std::move(it.value());
    SortFieldValue(field, &value);
    sorted[field->json_name()] = std::move(value);
  }
  *json = std::move(sorted);
}

const std::string& JsonName(const Descriptor* descriptor, const std::string& field_name) {
  return descriptor->FindFieldByName(field_name)->json_name();
}

std::string PointerAppend(const std::string& pointer, std::string_view segment) {
  return pointer + "/" + JsonPointerToken(segment);
}

std::string PointerAppend(const std::string& pointer, size_t index) { return absl::StrCat(pointer, "/", index); }

}  // namespace chronon
