#include "chronon/compiler/starlark_value.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

std::string Text(const std::string& repr, const google::protobuf::Descriptor& d = *api::GroupBy::descriptor()) {
  std::string text, error;
  EXPECT_TRUE(TextprotoOfStarlarkValue(repr, d, &text, &error)) << error;
  return text;
}

std::string Error(const std::string& repr, const google::protobuf::Descriptor& d = *api::GroupBy::descriptor()) {
  std::string text, error;
  EXPECT_FALSE(TextprotoOfStarlarkValue(repr, d, &text, &error)) << text;
  EXPECT_TRUE(text.empty()) << "nothing is written on error: " << text;
  return error;
}

// repr() sorts a struct's fields by name; the textproto has api.proto's order, enums by name, numbers as written,
// small messages of scalars on one line, and the rest indented.
TEST(StarlarkValueTest, WritesTheFieldsInApiProtoOrder) {
  const std::string repr =
      "struct(_chronon_type = \"GroupBy\", aggregations = [struct(_chronon_type = \"Aggregation\", "
      "input_column = \"amount\", operation = \"SUM\", windows = [struct(_chronon_type = \"Window\", length = 7, "
      "time_unit = \"DAYS\")]), struct(_chronon_type = \"Aggregation\", helper = struct(_chronon_type = "
      "\"AggregationHelper\", k = 10), input_column = \"item\", operation = \"LAST_K\")], key_columns = [\"user\", "
      "\"item\"], meta_data = struct(_chronon_type = \"MetaData\", online = True), sources = [struct(_chronon_type = "
      "\"Source\", ref = \"//sources:purchases\")])";
  EXPECT_EQ(Text(repr),
            "meta_data { online: true }\n"
            "sources {\n"
            "  ref: \"//sources:purchases\"\n"
            "}\n"
            "key_columns: \"user\"\n"
            "key_columns: \"item\"\n"
            "aggregations {\n"
            "  input_column: \"amount\"\n"
            "  operation: SUM\n"
            "  windows { length: 7 time_unit: DAYS }\n"
            "}\n"
            "aggregations {\n"
            "  input_column: \"item\"\n"
            "  operation: LAST_K\n"
            "  helper { k: 10 }\n"
            "}\n");
}

TEST(StarlarkValueTest, NumbersKeepHowTheyWereWritten) {
  // compile.py's argMap tells APPROX_PERCENTILE(k=10) from k=10.0: the literal travels as repr() wrote it.
  EXPECT_EQ(Text("struct(_chronon_type = \"AggregationHelper\", k = 10.0, percentiles = [0.5, 1, 1e-07])",
                 *api::AggregationHelper::descriptor()),
            "k: 10.0\npercentiles: 0.5\npercentiles: 1\npercentiles: 1e-07\n");
}

TEST(StarlarkValueTest, MapsKeepTheOrderTheyWereWrittenIn) {
  EXPECT_EQ(Text("struct(_chronon_type = \"Query\", selects = {\"z\": \"z_col\", \"a\": \"a + 1\"}, "
                 "time_column = \"ts\")",
                 *api::Query::descriptor()),
            "selects { key: \"z\" value: \"z_col\" }\n"
            "selects { key: \"a\" value: \"a + 1\" }\n"
            "time_column: \"ts\"\n");
  EXPECT_EQ(Text("struct(_chronon_type = \"MetaData\", mode_to_env_map = {\"backfill\": {\"B\": \"2\", \"A\": "
                 "\"1\"}})",
                 *api::MetaData::descriptor()),
            "mode_to_env_map {\n"
            "  key: \"backfill\"\n"
            "  value { key: \"B\" value: \"2\" }\n"
            "  value { key: \"A\" value: \"1\" }\n"
            "}\n");
  EXPECT_EQ(Text("struct(_chronon_type = \"Join\", skew_keys = {\"user\": [\"0\", \"-1\"], \"item\": []})",
                 *api::Join::descriptor()),
            "skew_keys { key: \"user\" value: \"0\" value: \"-1\" }\n"
            "skew_keys { key: \"item\" }\n");
}

TEST(StarlarkValueTest, JsonArgumentsAreJsonFieldTrees) {
  EXPECT_EQ(Text("struct(_chronon_type = \"GroupByHelper\", tags = {\"owner\": \"x\", \"n\": 1, \"deep\": "
                 "{\"l\": [None, True, 1.5]}})",
                 *api::GroupByHelper::descriptor()),
            "tags {\n"
            "  key: \"owner\" string_value: \"x\"\n"
            "}\n"
            "tags {\n"
            "  key: \"n\" int_value: 1\n"
            "}\n"
            "tags {\n"
            "  key: \"deep\" object_value {\n"
            "    fields {\n"
            "      key: \"l\" list_value {\n"
            "        values {\n"
            "          null_value: true\n"
            "        }\n"
            "        values {\n"
            "          bool_value: true\n"
            "        }\n"
            "        values {\n"
            "          float_value: 1.5\n"
            "        }\n"
            "      }\n"
            "    }\n"
            "  }\n"
            "}\n");
}

TEST(StarlarkValueTest, StringsAreDecodedAndQuotedForTextproto) {
  // (The definition's own fields are one a line; only the messages inside it may take one line.) repr() escapes: \"
  // \\ \n \t \xhh; bytes of 0x80 and above come as they are (here é in UTF-8). Written back as textproto, a control
  // byte other than \n \r \t is an octal escape (AppendTextprotoString, as the importer writes it).
  EXPECT_EQ(Text("struct(_chronon_type = \"Derivation\", expression = \"a\\\\b \\\"q\\\" \\n\\t\\x01 caf\xC3\xA9\", "
                 "name = \"x\")",
                 *api::Derivation::descriptor()),
            "name: \"x\"\nexpression: \"a\\\\b \\\"q\\\" \\n\\t\\001 caf\xC3\xA9\"\n");
}

TEST(StarlarkValueTest, NoneFieldsAndTuplesAndEmptyMessages) {
  EXPECT_EQ(Text("struct(_chronon_type = \"JoinPart\", group_by = struct(_chronon_type = \"GroupBy\"), prefix = None)",
                 *api::JoinPart::descriptor()),
            "group_by {}\n");
  EXPECT_EQ(Text("struct(_chronon_type = \"Query\", wheres = (\"a\",), setups = ())", *api::Query::descriptor()),
            "wheres: \"a\"\n");
}

TEST(StarlarkValueTest, AnythingElseIsAnErrorNotAGuess) {
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", bogus = 1)"), "at byte 42: GroupBy has no field `bogus`");
  EXPECT_EQ(Error("struct(_chronon_type = \"Join\")"), "at byte 23: expected a GroupBy value, got Join");
  EXPECT_EQ(Error("struct(key_columns = [])"),
            "at byte 0: expected a GroupBy value, got a struct without _chronon_type");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = \"user\")"),
            "at byte 48: field `key_columns` must be a list, got a string");
  EXPECT_EQ(Error("struct(_chronon_type = \"Window\", length = 1.5)", *api::Window::descriptor()),
            "at byte 42: field `length` must be an int, got a float");
  EXPECT_EQ(Error("struct(_chronon_type = \"Window\", time_unit = \"WEEKS\")", *api::Window::descriptor()),
            "at byte 45: field `time_unit` must be a value of TimeUnit, got a string");
  EXPECT_EQ(Error("struct(_chronon_type = \"Window\", time_unit = \"DAYS } x {\")", *api::Window::descriptor()),
            "at byte 45: field `time_unit` must be a value of TimeUnit, got a string");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = [<built-in function len>])"),
            "at byte 49: not a value python.bzl's helpers make (a struct, list, tuple, dict, string, number, bool or "
            "None)");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = [Label(\"//x:y\")])"),
            "at byte 49: not a value python.bzl's helpers make (a struct, list, tuple, dict, string, number, bool or "
            "None)");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = [\"a])"),
            "at byte 53: a string without its closing quote");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = [\"\\q\"])"), "at byte 51: unknown escape \\q");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\") x"), "at byte 34: unexpected text after the value");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupBy\", key_columns = [1e])"), "at byte 49: expected a number");
  EXPECT_EQ(Error(""), "at byte 0: expected a value, found the end");
  EXPECT_EQ(Error("struct(_chronon_type = \"GroupByHelper\", tags = {1: 2})", *api::GroupByHelper::descriptor()),
            "at byte 48: field `tags` must be a dict with string keys, got an int");
  EXPECT_EQ(Error("struct(_chronon_type = \"Query\", selects = {\"a\": 1})", *api::Query::descriptor()),
            "at byte 43: expected a dict of strings to strings");
}

TEST(StarlarkValueTest, DeepNestingIsRefusedNotACrash) {
  const int depth = 100000;
  std::string repr = "struct(_chronon_type = \"GroupByHelper\", tags = {\"a\": ";
  for (int i = 0; i < depth; ++i) repr += "[";
  for (int i = 0; i < depth; ++i) repr += "]";
  repr += "})";
  const std::string error = Error(repr, *api::GroupByHelper::descriptor());
  EXPECT_NE(error.find(absl::StrCat("nests deeper than ", kMaxStarlarkValueDepth, " levels")), std::string::npos)
      << error;
}

}  // namespace
}  // namespace chronon
