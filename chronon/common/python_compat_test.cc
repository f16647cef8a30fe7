// Python value semantics (python_compat.h), checked against what CPython prints for the same calls.
#include "chronon/common/python_compat.h"

#include <string>

#include "gtest/gtest.h"

namespace chronon {
namespace {

TEST(PythonCompatTest, Sanitize) {
  EXPECT_EQ(Sanitize("team_a.gb-v1/x y"), "team_a_gb_v1_x_y");
  EXPECT_EQ(Sanitize(""), "");
}

TEST(PythonCompatTest, WaitForNameCollapsesRunsAndDropsTheTrailingUnderscore) {
  EXPECT_EQ(WaitForName("table_2/ds={{ ds }}/key=value"), "wait_for_table_2_ds_ds_key_value");
  EXPECT_EQ(WaitForName("a..b}}"), "wait_for_a_b");
}

TEST(PythonCompatTest, StrOfNumbers) {
  EXPECT_EQ(PyStr(Json(10)), "10");
  EXPECT_EQ(PyStr(Json(2.0)), "2.0");
  EXPECT_EQ(PyStr(Json(1e16)), "1e+16");
  EXPECT_EQ(PyStr(Json(0.1)), "0.1");
}

TEST(PythonCompatTest, DumpsUsesPythonSeparators) {
  EXPECT_EQ(Dumps(Json::parse(R"({"a": [1, 2.5, null, true], "b": "x"})")), R"({"a": [1, 2.5, null, true], "b": "x"})");
}

TEST(PythonCompatTest, HelperValues) {
  api::JsonField field;
  field.set_key("k");
  api::JsonValue* list = field.mutable_list_value()->add_values();
  list->set_float_value(2);
  field.mutable_list_value()->add_values()->set_string_value("s");
  EXPECT_EQ(HelperValue(field).dump(), R"([2.0,"s"])");
  google::protobuf::RepeatedPtrField<api::JsonField> fields;
  *fields.Add() = field;
  fields.Add()->set_key("none");
  EXPECT_EQ(HelperObject(fields).dump(), R"({"k":[2.0,"s"],"none":null})");
}

TEST(PythonCompatTest, ThriftAttributeReads) {
  const Json object = Json::parse(R"({"s": "x", "n": 1, "b": 0})");
  EXPECT_EQ(GetString(object, "s"), "x");
  EXPECT_EQ(GetString(object, "n"), "");
  EXPECT_TRUE(IsTrue(object, "n"));
  EXPECT_FALSE(IsTrue(object, "b"));
  EXPECT_FALSE(IsTrue(object, "s"));
  EXPECT_TRUE(StringOrNull(object, "missing").is_null());
  EXPECT_EQ(Find(Json(1), "s"), nullptr);
}

}  // namespace
}  // namespace chronon
