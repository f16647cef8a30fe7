// Checks chronon/api.proto against the thrift schema of spec §1, listed in testdata/thrift_fields.txt: every
// thrift field must exist with its id as field number, its thrift name as JSON name and a matching type, and every
// enum value must exist. A missing, renamed, renumbered or retyped field fails here.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

const google::protobuf::FileDescriptor* File() { return api::Query::descriptor()->file(); }

// "" when `field` has the proto shape thrift type `type` needs, else what is wrong.
std::string CheckType(const FieldDescriptor* field, const std::string& type) {
  if (absl::StartsWith(type, "map<")) {
    static const std::pair<const char*, const char*> kMaps[] = {
        {"map<string,string>", "chronon.api.StringEntry"},
        {"map<string,map<string,string>>", "chronon.api.StringMapEntry"},
        {"map<string,list<string>>", "chronon.api.StringListEntry"},
    };
    for (const auto& [thrift, entry] : kMaps) {
      if (type != thrift) continue;
      if (!field->is_repeated() || field->message_type() == nullptr || field->message_type()->full_name() != entry) {
        return absl::StrCat("a ", thrift, " must be `repeated ", entry, "` (ordered entries)");
      }
      return "";
    }
    return absl::StrCat("unknown map type ", type);
  }
  const bool repeated = absl::StartsWith(type, "list<");
  const std::string element = repeated ? type.substr(5, type.size() - 6) : type;
  if (field->is_repeated() != repeated) return repeated ? "must be repeated" : "must not be repeated";
  if (element == "string") return field->type() == FieldDescriptor::TYPE_STRING ? "" : "must be a string";
  if (element == "bool") return field->type() == FieldDescriptor::TYPE_BOOL ? "" : "must be a bool";
  if (element == "i32") return field->type() == FieldDescriptor::TYPE_INT32 ? "" : "must be an int32";
  if (element == "double") return field->type() == FieldDescriptor::TYPE_DOUBLE ? "" : "must be a double";
  if (absl::StartsWith(element, "enum:")) {
    const std::string name = absl::StrCat("chronon.api.", element.substr(5));
    return field->enum_type() != nullptr && field->enum_type()->full_name() == name ? "" : "must be enum " + name;
  }
  const std::string name = absl::StrCat("chronon.api.", element);
  return field->message_type() != nullptr && field->message_type()->full_name() == name ? ""
                                                                                        : "must be message " + name;
}

TEST(ApiSchemaTest, EveryThriftFieldIsInTheProto) {
  std::ifstream in("chronon/testdata/thrift_fields.txt");
  ASSERT_TRUE(in) << "chronon/testdata/thrift_fields.txt not found";
  std::string line;
  int fields = 0;
  int enum_values = 0;
  std::set<std::pair<std::string, int>> listed;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "enum") {
      std::string name, value_name;
      int number = -1;
      words >> name >> number >> value_name;
      const google::protobuf::EnumDescriptor* e = File()->FindEnumTypeByName(name);
      ASSERT_NE(e, nullptr) << "enum " << name << " missing";
      const google::protobuf::EnumValueDescriptor* v = e->FindValueByNumber(number);
      EXPECT_TRUE(v != nullptr && v->name() == value_name) << name << " " << number << " must be " << value_name;
      ++enum_values;
      continue;
    }
    int id = -1;
    std::string json_name, type;
    words >> id >> json_name >> type;
    const Descriptor* message = File()->FindMessageTypeByName(first);
    ASSERT_NE(message, nullptr) << "message " << first << " missing";
    listed.insert({first, id});
    const FieldDescriptor* field = message->FindFieldByNumber(id);
    if (field == nullptr) {
      ADD_FAILURE() << first << " has no field " << id << " (" << json_name << ")";
      continue;
    }
    EXPECT_EQ(field->json_name(), json_name) << first << "." << id;
    EXPECT_EQ(CheckType(field, type), "") << first << "." << json_name << " (" << type << ")";
    ++fields;
  }
  // The list itself is complete: 122 fields of 26 structs, 38 enum values.
  EXPECT_EQ(fields, 122);
  EXPECT_EQ(enum_values, 38);
  // The thrift mirror messages have no other fields below the authoring-only range.
  for (const auto& entry : listed) {
    const Descriptor* message = File()->FindMessageTypeByName(entry.first);
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      if (field->number() >= 1000) continue;
      EXPECT_TRUE(listed.count({entry.first, field->number()}))
          << entry.first << "." << field->name() << " (" << field->number() << ") is not a thrift field";
    }
  }
}

}  // namespace
}  // namespace chronon
