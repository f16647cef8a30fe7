#include "chronon/compiler/textproto.h"

#include <algorithm>
#include <string>
#include <vector>

#include "chronon/api.pb.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

TEST(ParseTextprotoTest, ReportsSyntaxErrorsAtLineAndColumn) {
  Diagnostics diags("a.textproto", "//a:b");
  api::GroupBy group_by;
  ParseInfoTree tree;
  EXPECT_FALSE(ParseTextproto("key_columns: \"user\"\naggregations {\n  input_column: \n", &group_by, &tree, &diags));
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "parse-error");
  EXPECT_EQ(diags.diagnostics()[0].location.line, 4);
}

TEST(ParseTextprotoTest, UnknownFieldHasItsOwnId) {
  Diagnostics diags("a.textproto", "//a:b");
  api::GroupBy group_by;
  ParseInfoTree tree;
  EXPECT_FALSE(ParseTextproto("key_columns: \"user\"\n  keys: \"user\"\n", &group_by, &tree, &diags));
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "unknown-field");
  EXPECT_EQ(diags.diagnostics()[0].location.line, 2);
  EXPECT_EQ(diags.diagnostics()[0].location.column, 3);  // the start of the name
  EXPECT_EQ(diags.Format(),
            "a.textproto:2:3: error: Message type \"chronon.api.GroupBy\" has no field named \"keys\". "
            "GroupBy(keys=...) is written `key_columns: \"user_id\"`, one line per key. [unknown-field]\n"
            "  in target //a:b\n");
}

TEST(ParseTextprotoTest, OriginFollowsTheTarget) {
  // A generated textproto (chronon_module) names where it was written from after the target.
  Diagnostics diags("a.generated.textproto", "//a:b");
  diags.set_origin("from the value `v1` of //a:m.bzl, written by chronon_module(name = \"m\", v1 = ...) in //a:BUILD");
  api::GroupBy group_by;
  ParseInfoTree tree;
  EXPECT_FALSE(ParseTextproto("keys: \"user\"\n", &group_by, &tree, &diags));
  const std::string out = diags.Format();
  EXPECT_NE(out.find("\n  in target //a:b\n  from the value `v1` of //a:m.bzl, written by chronon_module(name = "
                     "\"m\", v1 = ...) in //a:BUILD\n"),
            std::string::npos)
      << out;
}

// Every diagnostic of parsing `text` as a GroupBy, formatted.
std::string ParseGroupBy(const std::string& text, bool* ok = nullptr) {
  Diagnostics diags("a.textproto", "//a:b");
  api::GroupBy group_by;
  ParseInfoTree tree;
  const bool parsed = ParseTextproto(text, &group_by, &tree, &diags);
  if (ok != nullptr) *ok = parsed;
  return diags.Format();
}

// Every Python argument whose name is not the thrift field's says what to write instead.
TEST(ParseTextprotoTest, PythonArgumentNamesSayWhatToWrite) {
  const std::string out = ParseGroupBy(
      "keys: \"u\"\nonline: true\nenv { }\noutput_namespace: \"db\"\ntable_properties { }\nname: \"x\"\n"
      "dependencies: \"t\"\nproduction: true\nevents { }\n");
  for (const char* want :
       {"a.textproto:1:1: error: Message type \"chronon.api.GroupBy\" has no field named \"keys\". GroupBy(keys=...) "
        "is written `key_columns: \"user_id\"`, one line per key. [unknown-field]",
        "a.textproto:2:1: error: Message type \"chronon.api.GroupBy\" has no field named \"online\". "
        "GroupBy(online=...) is written `meta_data { online: true }`. [unknown-field]",
        "GroupBy(env=...) is written `meta_data { mode_to_env_map {",
        "GroupBy(output_namespace=...) is written "
        "`meta_data { output_namespace: \"my_db\" }`",
        "GroupBy(table_properties=...) is written `meta_data { "
        "table_properties {",
        "GroupBy(name=...) is not written: the name comes from the Bazel target",
        "GroupBy(dependencies=...) is written `helper { dependencies:",
        "GroupBy(production=...) is written "
        "`meta_data { production: true }`",
        "GroupBy(events=...) is written `sources { events { ... } }`"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
  }
  Diagnostics diags("j.textproto", "//a:j");
  api::Join join;
  ParseInfoTree tree;
  EXPECT_FALSE(ParseTextproto("right_parts { }\nhelper { }\nrowIds: \"r\"\n", &join, &tree, &diags));
  EXPECT_NE(diags.Format().find("Join(right_parts=...) is written `join_parts { group_by { ref: "), std::string::npos)
      << diags.Format();
  EXPECT_NE(diags.Format().find("Did you mean \"row_ids\"?"), std::string::npos) << diags.Format();
}

// A scalar or list where a block is expected shows the block; a list's element is a `values` block.
TEST(ParseTextprotoTest, MessageFormsAreShown) {
  Diagnostics diags("j.textproto", "//a:j");
  api::Join join;
  ParseInfoTree tree;
  EXPECT_FALSE(
      ParseTextproto("helper { additional_args: \"--x\"\n"
                     "  tags { key: \"t\" list_value { string_value: \"a\" } } }\n"
                     "join_parts { group_by: \"//g:v1\" }\n",
                     &join, &tree, &diags));
  const std::string out = diags.Format();
  EXPECT_NE(out.find("j.textproto:1:27: error: Expected \"{\", found \"\"--x\"\".: `additional_args` is a JSON value "
                     "written as a block: write `additional_args { list_value { values { string_value: \"--x\" } } }` "
                     "(a list of strings, as Python's additional_args=[...]) [parse-error]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("j.textproto:2:32: error: Message type \"chronon.api.JsonList\" has no field named "
                     "\"string_value\". Each element of a list is a `values` block: write `values { string_value: "
                     "\"a\" }`. [unknown-field]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("j.textproto:3:24: error: Expected \"{\", found \"\"//g:v1\"\".: `group_by` is a block: write "
                     "`group_by { ref: \"//g:v1\" }`"),
            std::string::npos)
      << out;
}

// protobuf's parser stops at the first error; every independent problem of the file is still reported, in order.
TEST(ParseTextprotoTest, EveryIndependentParseErrorIsReported) {
  bool ok = true;
  const std::string out = ParseGroupBy(
      "key_columns \"u\"\n"
      "aggregations {\n"
      "  input_column: \"x\"\n"
      "  operation: MEDIAN\n"
      "  windows { length: \"seven\" time_unit: DAYS }\n"
      "}\n"
      "keys: \"u\"\n"
      "aggregations { operation: LAST_K(10) }\n"
      "accuracy: SNAPSHOT\n",
      &ok);
  EXPECT_FALSE(ok);
  std::vector<std::string> lines;
  for (size_t at = 0, next; (next = out.find('\n', at)) != std::string::npos; at = next + 1) {
    lines.push_back(out.substr(at, next - at));
  }
  ASSERT_EQ(lines.size(), 6u) << out;
  EXPECT_EQ(lines[0].substr(0, 18), "a.textproto:1:13: ") << out;
  EXPECT_EQ(lines[1].substr(0, 18), "a.textproto:4:14: ") << out;
  EXPECT_EQ(lines[2].substr(0, 21), "a.textproto:5:21: err") << out;
  EXPECT_EQ(lines[3].substr(0, 17), "a.textproto:7:1: ") << out;
  EXPECT_NE(lines[4].find("a.textproto:8:33: error: `(`: textproto has no calls"), std::string::npos) << out;
  EXPECT_EQ(lines[5], "  in target //a:b");
}

// A block left open is not resumed from: one error, not a cascade.
TEST(ParseTextprotoTest, NoCascadeAfterAnOpenBlock) {
  const std::string out = ParseGroupBy("aggregations {\n  operation: MEDIAN\n  windows {\n");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;
  EXPECT_NE(out.find("a.textproto:2:14: error: Unknown enumeration value of \"MEDIAN\""), std::string::npos) << out;
}

TEST(ParseTextprotoTest, AcceptsAByteOrderMark) {
  bool ok = false;
  EXPECT_EQ(ParseGroupBy("\xEF\xBB\xBFkey_columns: \"user\"\n", &ok), "");
  EXPECT_TRUE(ok);
}

TEST(ParseTextprotoTest, CamelCaseFieldNamesGetTheSnakeCaseName) {
  EXPECT_EQ(ParseGroupBy("aggregations { inputColumn: \"x\" }\n"),
            "a.textproto:1:16: error: Message type \"chronon.api.Aggregation\" has no field named \"inputColumn\". "
            "Did you mean \"input_column\"? Textproto takes the snake_case names of Chronon's thrift API (compiled "
            "JSON shows them in camelCase). [unknown-field]\n  in target //a:b\n");
}

TEST(ParseTextprotoTest, EveryUnknownFieldIsReportedWithTheClosestName) {
  const std::string out = ParseGroupBy("key_colums: \"u\"\naggregations { operaton: COUNT }\nkey_columns: \"u\"\n");
  EXPECT_NE(out.find("a.textproto:1:1: error: Message type \"chronon.api.GroupBy\" has no field named \"key_colums\". "
                     "Did you mean \"key_columns\"? [unknown-field]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("a.textproto:2:16: error: Message type \"chronon.api.Aggregation\" has no field named "
                     "\"operaton\". Did you mean \"operation\"? [unknown-field]"),
            std::string::npos)
      << out;
}

TEST(ParseTextprotoTest, AnUnknownExtensionIsAnErrorNotAWarning) {
  bool ok = true;
  const std::string out = ParseGroupBy("key_columns: \"u\"\n[foo.bar]: 1\n", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("error: Unknown extension \"foo.bar\" which is not defined"), std::string::npos) << out;
  EXPECT_NE(out.find("[unknown-field]"), std::string::npos) << out;
}

TEST(ParseTextprotoTest, AFieldOfAnotherKindNamesTheRuleTheFileBelongsTo) {
  EXPECT_NE(ParseGroupBy("left { events { table: \"t\" } }\n")
                .find("\"left\" is a field of chronon.api.Join: is this the textproto of a chronon_join given to a "
                      "chronon_group_by? [unknown-field]"),
            std::string::npos);
}

TEST(ParseTextprotoTest, PythonCallSyntaxSaysWhereTheArgumentGoes) {
  EXPECT_EQ(ParseGroupBy("aggregations { input_column: \"x\" operation: LAST_K(10) }\n"),
            "a.textproto:1:51: error: `(`: textproto has no calls. Write `operation: LAST_K` and put the argument "
            "in the aggregation's helper block: `helper { k: 10 }` [parse-error]\n  in target //a:b\n");
  EXPECT_NE(ParseGroupBy("aggregations { operation: APPROX_PERCENTILE([0.5, 0.9]) }\n")
                .find("`helper { percentiles: [0.5, 0.9] }`"),
            std::string::npos);
}

TEST(ParseTextprotoTest, AMissingBraceNamesTheBlockLeftOpen) {
  EXPECT_EQ(ParseGroupBy("key_columns: \"u\"\naggregations {\n  input_column: \"x\"\n  windows { length: 3 }\n"),
            "a.textproto:5:1: error: end of file: missing `}` for the block `aggregations {` opened at 2:14 "
            "[parse-error]\n  in target //a:b\n");
}

TEST(ParseTextprotoTest, JsonSaysItIsJson) {
  EXPECT_NE(ParseGroupBy("{\"keyColumns\": [\"user\"]}\n").find("a.textproto:1:1: error: this is JSON, not textproto"),
            std::string::npos);
}

TEST(ParseTextprotoTest, RejectsInvalidUtf8AtTheByte) {
  Diagnostics diags("a.textproto", "//a:b");
  api::GroupBy group_by;
  ParseInfoTree tree;
  EXPECT_FALSE(ParseTextproto("key_columns: \"ok\"\nkey_columns: \"\xff\"\n", &group_by, &tree, &diags));
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "invalid-utf8");
  EXPECT_EQ(diags.diagnostics()[0].location.line, 2);
  EXPECT_EQ(diags.diagnostics()[0].location.column, 15);
}

TEST(ScalarTokensTest, KeepsTheLiteralOfEveryElement) {
  const std::string text =
      "aggregations {\n  helper {\n    percentiles: [0.5, 1]\n    percentiles: 1e-3\n\tk: 10\n  }\n}\n";
  Diagnostics diags("a.textproto", "//a:b");
  api::GroupBy group_by;
  ParseInfoTree tree;
  ASSERT_TRUE(ParseTextproto(text, &group_by, &tree, &diags));
  const ParseInfoTree* aggregation =
      tree.GetTreeForNested(api::GroupBy::descriptor()->FindFieldByName("aggregations"), 0);
  const ParseInfoTree* helper =
      aggregation->GetTreeForNested(api::Aggregation::descriptor()->FindFieldByName("helper"), -1);
  const auto* d = api::AggregationHelper::descriptor();
  std::vector<std::string_view> percentiles = ScalarTokens(text, helper, d->FindFieldByName("percentiles"));
  ASSERT_EQ(percentiles.size(), 3u);
  EXPECT_EQ(percentiles[0], "0.5");
  EXPECT_EQ(percentiles[1], "1");
  EXPECT_EQ(percentiles[2], "1e-3");
  std::vector<std::string_view> k = ScalarTokens(text, helper, d->FindFieldByName("k"));
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0], "10");  // after a tab, which the tokenizer counts as 8 columns
}

TEST(IsIntegerLiteralTest, PythonIntVersusFloat) {
  EXPECT_TRUE(IsIntegerLiteral("100"));
  EXPECT_TRUE(IsIntegerLiteral("-3"));
  EXPECT_TRUE(IsIntegerLiteral("0x10"));
  EXPECT_FALSE(IsIntegerLiteral("100.0"));
  EXPECT_FALSE(IsIntegerLiteral("1e2"));
  EXPECT_FALSE(IsIntegerLiteral("5f"));
  EXPECT_FALSE(IsIntegerLiteral("inf"));
  EXPECT_FALSE(IsIntegerLiteral(""));
}

}  // namespace
}  // namespace chronon
