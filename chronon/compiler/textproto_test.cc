#include "chronon/compiler/textproto.h"

#include <string>

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
            "[unknown-field]\n  in target //a:b\n");
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
