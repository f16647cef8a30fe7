// Turns a parsed definition into the engine JSON tree, field for field, the way Chronon's thrift TSimpleJSON
// writer renders the same object: thrift field order, bools as 1/0, enums as ints, ordered maps as objects,
// absent fields omitted. Authoring-only fields (numbers >= 1000) are never written.
#ifndef CHRONON_PROTO_JSON_H_
#define CHRONON_PROTO_JSON_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chronon/common/diagnostics.h"
#include "chronon/common/json.h"
#include "chronon/compiler/textproto.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace chronon {

using Json = ::chronon::Json;

// Field numbers from here on are authoring-only (references and helper arguments).
inline constexpr int kFirstAuthoringField = 1000;

// Where each JSON node came from, keyed by JSON pointer ("/sources/0/events/query"), so that checks made on the
// JSON tree can point at the textproto line and column of the field at fault.
// A hash map over keys kept in large blocks (issue 26, finding 11): a std::map with one string per JSON node cost
// n log n comparisons of long common prefixes and about 100 bytes a node.
class LocationMap {
 public:
  LocationMap() = default;
  LocationMap(LocationMap&&) = default;
  LocationMap& operator=(LocationMap&&) = default;
  LocationMap(const LocationMap&) = delete;
  LocationMap& operator=(const LocationMap&) = delete;

  void Set(const std::string& pointer, Location location) {
    if (location.line <= 0) return;
    auto it = locations_.find(std::string_view(pointer));
    if (it != locations_.end()) {
      it->second = location;
    } else {
      locations_.emplace(Keep(pointer), location);
    }
  }
  // The location of `pointer`, or of its nearest recorded ancestor.
  Location Find(std::string pointer) const;

 private:
  // A copy of `key` in the blocks, which never move.
  std::string_view Keep(std::string_view key);

  std::unordered_map<std::string_view, Location> locations_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t left_ = 0;  // free bytes at the end of the last block
};

struct ToJsonOptions {
  std::string_view text;  // the textproto the ParseInfoTree refers to
  Diagnostics* diags = nullptr;
  LocationMap* locations = nullptr;
  // Called for every message below the root: returns the JSON to use for it (a resolved `ref`, an inline object
  // built by a helper), or nullopt for the plain field-for-field conversion.
  std::function<std::optional<Json>(const google::protobuf::Message& message, const ParseInfoTree* tree,
                                    const std::string& pointer)>
      nested;
};

// The engine JSON of `message` (nullptr tree: no locations). Errors (invalid strings, NaN, what `nested`
// reports) go to options.diags; the returned tree is then incomplete and must not be written.
Json ProtoToJson(const google::protobuf::Message& message, const ParseInfoTree* tree, const std::string& pointer,
                 const ToJsonOptions& options);

// Reorders the members of every object that mirrors a thrift struct to ascending thrift field id, recursively.
// Transformations may insert members anywhere; this restores the writer's order. Map-like objects keep theirs.
void SortByFieldNumber(Json* json, const google::protobuf::Descriptor* descriptor);

// The JSON name of `field_name` in `descriptor` (e.g. "key_columns" -> "keyColumns").
const std::string& JsonName(const google::protobuf::Descriptor* descriptor, const std::string& field_name);

// Appends a JSON pointer segment.
std::string PointerAppend(const std::string& pointer, std::string_view segment);
std::string PointerAppend(const std::string& pointer, size_t index);

}  // namespace chronon

#endif  // CHRONON_PROTO_JSON_H_
