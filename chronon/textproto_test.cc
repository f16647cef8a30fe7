#include "chronon/textproto.h"

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
