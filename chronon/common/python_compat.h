// What Chronon's Python does with plain values, byte for byte: json.dumps, str() of a number, utils.sanitize,
// utils.wait_for_name, the Python value of a helper keyword argument, and dict.get-style reads of the thrift JSON.
#ifndef CHRONON_PYTHON_COMPAT_H_
#define CHRONON_PYTHON_COMPAT_H_

#include <string>

#include "chronon/api.pb.h"
#include "chronon/common/json.h"
#include "nlohmann/json.hpp"

namespace chronon {

using Json = ::chronon::Json;

// json.dumps(value) with Python's default separators (", " and ": "); "null" if it cannot be written.
std::string Dumps(const Json& value);

// Python's str() of a number the user wrote: ints stay ints, floats use repr ("2.0", "1e+16").
std::string PyStr(const Json& number);

// utils.sanitize (and Scala's): every character outside [a-zA-Z0-9_] becomes '_'.
std::string Sanitize(const std::string& text);

// utils.wait_for_name: "wait_for_" + dep with every non-alphanumeric run collapsed to '_', no trailing '_'.
std::string WaitForName(const std::string& dep);

// The Python value of a helper argument written as a JsonValue / JsonField (kwargs, tags, additional_args).
Json HelperValue(const api::JsonValue& value);
Json HelperValue(const api::JsonField& value);
// A Python dict of keyword arguments, in the order written.
Json HelperObject(const google::protobuf::RepeatedPtrField<api::JsonField>& fields);

// Reads of the thrift JSON the way the Python reads the thrift object's attributes.
// `object.key`, None when unset.
Json StringOrNull(const Json& object, const std::string& key);
// The member `key` of an object, nullptr when absent or not an object.
const Json* Find(const Json& object, const std::string& key);
// The member `key` of an object without copying it (a large GroupBy's sources and aggregations are most of its
// JSON), else `absent`, which must outlive the result.
const Json& MemberOr(const Json& object, const std::string& key, const Json& absent);
// A string member, "" when absent or not a string.
std::string GetString(const Json& object, const std::string& key);
// A thrift bool member that is set and True (written as 1).
bool IsTrue(const Json& object, const std::string& key);

}  // namespace chronon

#endif  // CHRONON_PYTHON_COMPAT_H_
