// Every expected string below was produced once by Python 3.11's repr() or
// json.dumps() and pasted in as a literal.

#include "chronon/common/json_writer.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using Json = ::chronon::Json;
using ::testing::HasSubstr;

// Python: json.dumps(value, indent=2).
std::string Dumps2(const Json& value) {
  absl::StatusOr<std::string> out = WritePythonJson(value, 2);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

// Python: json.dumps(value).
std::string DumpsCompact(const Json& value) {
  absl::StatusOr<std::string> out = WritePythonJson(value, -1);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

// The error message of writing `value`, or "" if it unexpectedly succeeds.
std::string WriteError(const Json& value) {
  absl::StatusOr<std::string> out = WritePythonJson(value, 2);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(out.status().message());
}

// --- PythonFloatRepr ---------------------------------------------------------

TEST(PythonFloatReprTest, IntegralValuesKeepPointZero) {
  EXPECT_EQ(PythonFloatRepr(5.0), "5.0");
  EXPECT_EQ(PythonFloatRepr(100.0), "100.0");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(-1.5), "-1.5");
}

TEST(PythonFloatReprTest, NegativeZero) { EXPECT_EQ(PythonFloatRepr(-0.0), "-0.0"); }

TEST(PythonFloatReprTest, ShortestRoundTripDigits) {
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(PythonFloatRepr(123456.789), "123456.789");
}

TEST(PythonFloatReprTest, SmallExponentThreshold) {
  // Fixed down to 1e-4, exponent form below it.
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(0.00012345), "0.00012345");
  EXPECT_EQ(PythonFloatRepr(0.0001 * 0.99), "9.900000000000001e-05");
  EXPECT_EQ(PythonFloatRepr(1e-05), "1e-05");
  EXPECT_EQ(PythonFloatRepr(2.5e-07), "2.5e-07");
}

TEST(PythonFloatReprTest, LargeExponentThreshold) {
  // Fixed below 1e16 (nlohmann already switches at 1e15), exponent from it.
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1.2345678901234568e+17), "1.2345678901234568e+17");
  EXPECT_EQ(PythonFloatRepr(1e22), "1e+22");
}

TEST(PythonFloatReprTest, Extremes) {
  EXPECT_EQ(PythonFloatRepr(5e-324), "5e-324");
  EXPECT_EQ(PythonFloatRepr(2.2250738585072014e-308), "2.2250738585072014e-308");
  EXPECT_EQ(PythonFloatRepr(1.7976931348623157e+308), "1.7976931348623157e+308");
}

TEST(PythonFloatReprTest, NonFiniteLikePythonRepr) {
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(PythonFloatRepr(-std::numeric_limits<double>::infinity()), "-inf");
}

// --- Scalars -------------------------------------------------------------------

TEST(WritePythonJsonTest, Literals) {
  EXPECT_EQ(Dumps2(Json(nullptr)), "null");
  EXPECT_EQ(Dumps2(Json(true)), "true");
  EXPECT_EQ(Dumps2(Json(false)), "false");
}

TEST(WritePythonJsonTest, IntegersAndFloatsStayDistinct) {
  Json value = Json::array();
  value.push_back(100);
  value.push_back(100.0);
  value.push_back(-7);
  value.push_back(std::numeric_limits<int64_t>::min());
  value.push_back(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(DumpsCompact(value), "[100, 100.0, -7, -9223372036854775808, 18446744073709551615]");
}

TEST(WritePythonJsonTest, FloatsUsePythonRepr) {
  EXPECT_EQ(DumpsCompact(Json::array({5.0, 1e-05, 1e16, -0.0})), "[5.0, 1e-05, 1e+16, -0.0]");
}

TEST(WritePythonJsonTest, NonFiniteNumbersAreErrors) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(WriteError(Json(bad)), HasSubstr("non-finite number"));
  }
}

TEST(WritePythonJsonTest, ErrorNamesPathOfBadValue) {
  Json value = Json::parse(R"({"nodes": [{"x": 1}, {"a/b": 2}]})");
  value["nodes"][1]["a/b"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(WriteError(value), "non-finite number nan is not valid JSON (at /nodes/1/a~1b)");
}

// --- Strings -------------------------------------------------------------------

TEST(WritePythonJsonTest, ShortEscapes) { EXPECT_EQ(Dumps2(Json("\b\f\n\r\t\"\\/")), R"("\b\f\n\r\t\"\\/")"); }

TEST(WritePythonJsonTest, ControlCharactersAndDelAsUnicodeEscapes) {
  EXPECT_EQ(Dumps2(Json(std::string("a\x7f"
                                    "b\x01"
                                    "c\x1f"))),
            R"("a\u007fb\u0001c\u001f")");
  EXPECT_EQ(Dumps2(Json(std::string("\0", 1))), R"("\u0000")");
}

TEST(WritePythonJsonTest, NonAsciiAsLowercaseUnicodeEscapes) {
  EXPECT_EQ(Dumps2(Json("\xc3\xa9")), R"("\u00e9")");                // é
  EXPECT_EQ(Dumps2(Json("\xe2\x82\xac")), R"("\u20ac")");            // €
  EXPECT_EQ(Dumps2(Json("\xf0\x9f\x98\x80")), R"("\ud83d\ude00")");  // 😀
}

TEST(WritePythonJsonTest, KeysAreEscapedToo) {
  Json value = Json::object();
  value["\xc3\xa9"] = "\xf0\x9f\x98\x80";
  EXPECT_EQ(DumpsCompact(value), R"({"\u00e9": "\ud83d\ude00"})");
}

TEST(WritePythonJsonTest, InvalidUtf8IsAnError) {
  struct Case {
    std::string input;
    std::string problem;
  };
  const Case cases[] = {
      {"\x80", "invalid UTF-8 at byte 0: unexpected continuation byte"},
      {"ab\xc3", "invalid UTF-8 at byte 2: truncated sequence"},
      {"\xe2\x82z", "invalid UTF-8 at byte 0: truncated sequence"},
      {"\xc0\xaf", "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xe0\x80\xaf", "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xf0\x80\x80\xaf", "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xed\xa0\x80", "invalid UTF-8 at byte 0: UTF-16 surrogate encoded in UTF-8"},
      {"\xf4\x90\x80\x80", "invalid UTF-8 at byte 0: code point above U+10FFFF"},
      {"\xff", "invalid UTF-8 at byte 0: invalid lead byte"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.problem);
    EXPECT_EQ(WriteError(Json(c.input)), c.problem + " (at the top-level value)");
  }
}

TEST(WritePythonJsonTest, InvalidUtf8InKeyBlamesTheObject) {
  Json value = Json::object();
  value["list"] = Json::array({Json::object()});
  value["list"][0]["bad\xff"] = 1;
  EXPECT_EQ(WriteError(value),
            "object key: invalid UTF-8 at byte 3: invalid lead byte "
            "(at /list/0)");
}

TEST(WritePythonJsonTest, BoundaryCodePointsAreValid) {
  // U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000,
  // U+10FFFF.
  EXPECT_EQ(DumpsCompact(Json("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
                              "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf")),
            R"("\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff")");
}

// --- Containers and layout -----------------------------------------------------

TEST(WritePythonJsonTest, EmptyContainersInlineAtTopLevel) {
  EXPECT_EQ(Dumps2(Json::object()), "{}");
  EXPECT_EQ(Dumps2(Json::array()), "[]");
  EXPECT_EQ(DumpsCompact(Json::object()), "{}");
  EXPECT_EQ(DumpsCompact(Json::array()), "[]");
}

// Shared by the layout tests; member order is deliberately not sorted.
constexpr char kNested[] = R"({
  "name": "x", "empty_obj": {}, "empty_list": [],
  "nested": {"list": [1, [2, {}], {"k": null}], "flag": true, "off": false},
  "f": 5.0
})";

TEST(WritePythonJsonTest, NestedIndentTwo) {
  EXPECT_EQ(Dumps2(Json::parse(kNested)), R"({
  "name": "x",
  "empty_obj": {},
  "empty_list": [],
  "nested": {
    "list": [
      1,
      [
        2,
        {}
      ],
      {
        "k": null
      }
    ],
    "flag": true,
    "off": false
  },
  "f": 5.0
})");
}

TEST(WritePythonJsonTest, CompactSeparators) {
  EXPECT_EQ(DumpsCompact(Json::parse(kNested)), R"({"name": "x", "empty_obj": {}, "empty_list": [], )"
                                                R"("nested": {"list": [1, [2, {}], {"k": null}], "flag": true, )"
                                                R"("off": false}, "f": 5.0})");
}

TEST(WritePythonJsonTest, IndentZeroBreaksLinesWithoutIndenting) {
  EXPECT_EQ(*WritePythonJson(Json::parse(R"({"a": [1, 2], "b": {}})"), 0), "{\n\"a\": [\n1,\n2\n],\n\"b\": {}\n}");
}

TEST(WritePythonJsonTest, OtherIndentWidths) {
  EXPECT_EQ(*WritePythonJson(Json::array({1, 2}), 4), "[\n    1,\n    2\n]");
}

TEST(WritePythonJsonTest, KeepsInsertionOrder) {
  Json value = Json::object();
  value["b"] = 1;
  value["a"] = 2;
  EXPECT_EQ(Dumps2(value), "{\n  \"b\": 1,\n  \"a\": 2\n}");
}

TEST(WritePythonJsonTest, NoTrailingNewlineOrWhitespace) {
  const std::string out = Dumps2(Json::parse(kNested));
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '}');
  EXPECT_EQ(out.find(" \n"), std::string::npos);
}

TEST(WritePythonJsonTest, BinaryIsAnError) { EXPECT_THAT(WriteError(Json::binary({1, 2})), HasSubstr("binary")); }

// The sink form hands over the same text, in order, in pieces of 64 KB or more but the last.
TEST(WritePythonJsonTest, SinkGetsTheSameTextInPieces) {
  Json value = Json::object();
  for (int i = 0; i < 20000; ++i) value[absl::StrCat("col_", i)] = absl::StrCat("coalesce(col_", i, ", 0)");
  std::vector<std::string> pieces;
  const absl::Status status =
      WritePythonJson(value, 2, [&pieces](std::string_view piece) { pieces.emplace_back(piece); });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_GT(pieces.size(), 2u);
  for (size_t i = 0; i + 1 < pieces.size(); ++i) EXPECT_GE(pieces[i].size(), 1u << 16);
  EXPECT_EQ(absl::StrJoin(pieces, ""), Dumps2(value));
  // A small value is one piece; a failure is the same error as the string form's.
  pieces.clear();
  ASSERT_TRUE(
      WritePythonJson(Json{{"a", 1}}, 2, [&pieces](std::string_view piece) { pieces.emplace_back(piece); }).ok());
  EXPECT_THAT(pieces, ::testing::ElementsAre(Dumps2(Json{{"a", 1}})));
  const absl::Status failed = WritePythonJson(Json{{"a", std::nan("")}}, 2, [](std::string_view) {});
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(failed.message()), WriteError(Json{{"a", std::nan("")}}));
}

}  // namespace
}  // namespace chronon
