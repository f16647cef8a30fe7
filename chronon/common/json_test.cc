#include "chronon/common/json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

// The same operations on nlohmann's ordered_json and on chronon::Json give the same text, for objects below and
// above the size from which the index is kept.
TEST(JsonTest, BehavesAsOrderedJson) {
  for (int n : {3, 15, 16, 17, 100, 1000}) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    Json b = Json::object();
    for (int i = n - 1; i >= 0; --i) {
      const std::string key = "k" + std::to_string(i * 7 % n);
      a[key] = i;
      b[key] = i;
      a.emplace("e" + std::to_string(i % 5), i);
      b.emplace("e" + std::to_string(i % 5), i);
    }
    a.erase("k0");
    b.erase("k0");
    a.erase(a.begin());
    b.erase(b.begin());
    a["k1"] = "again";
    b["k1"] = "again";
    a.update(nlohmann::ordered_json{{"k2", 2}, {"new", 3}});
    b.update(Json{{"k2", 2}, {"new", 3}});
    EXPECT_EQ(a.dump(), b.dump()) << n;
    for (int i = 0; i < n; ++i) {
      const std::string key = "k" + std::to_string(i);
      EXPECT_EQ(a.contains(key), b.contains(key)) << key;
      EXPECT_EQ(a.count(key), b.count(key)) << key;
      if (a.contains(key)) EXPECT_EQ(a.at(key).dump(), b.at(key).dump()) << key;
      EXPECT_EQ(a.find(key) == a.end(), b.find(key) == b.end()) << key;
    }
    Json copy = b;
    EXPECT_EQ(copy, b);
    EXPECT_TRUE(copy.contains("new"));
    Json moved = std::move(copy);
    EXPECT_TRUE(moved.contains("new"));
    EXPECT_EQ(moved.dump(), a.dump());
  }
}

TEST(JsonTest, ParseKeepsOrderAndLastDuplicateWins) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) text += "\"m" + std::to_string(99 - i) + "\": " + std::to_string(i) + ", ";
  text += "\"m5\": \"last\"}";
  const Json parsed = Json::parse(text);
  EXPECT_EQ(parsed.dump(), nlohmann::ordered_json::parse(text).dump());
  EXPECT_EQ(parsed.at("m5"), "last");
  EXPECT_EQ(parsed.begin().key(), "m99");
}

// Issue 26, finding 11: building an object of 100,000 members and finding each once. With nlohmann's ordered_map (a
// linear scan per lookup) this is about 10^10 key comparisons, minutes, and the test times out (size "small": 60 s);
// with the index it takes milliseconds.
TEST(JsonTest, LookupsInLargeObjectsAreConstantTime) {
  const int n = 100000;
  Json object = Json::object();
  for (int i = 0; i < n; ++i) object["col_" + std::to_string(i)] = i;
  const Json& view = object;
  for (int i = 0; i < n; ++i) {
    auto it = view.find("col_" + std::to_string(i));
    ASSERT_NE(it, view.end());
    ASSERT_EQ(*it, i);
  }
  EXPECT_EQ(object.size(), static_cast<size_t>(n));
  EXPECT_EQ(object.begin().key(), "col_0");
  EXPECT_FALSE(view.contains("col_" + std::to_string(n)));
}

}  // namespace
}  // namespace chronon

namespace chronon {
namespace {

// Integers read from JSON another process wrote: nlohmann's get<int>() is undefined behaviour for a double out of
// range (the compile fuzzer's finding: 3.88889e+101 as an aggregation's operation in a dependency's summary).
TEST(IntegerOfTest, OnlyNumbersThatFitAreIntegers) {
  EXPECT_EQ(IntegerOf<int>(Json::parse("7")), 7);
  EXPECT_EQ(IntegerOf<int>(Json::parse("-7")), -7);
  EXPECT_EQ(IntegerOf<int>(Json::parse("7.9")), 7);
  EXPECT_EQ(IntegerOf<int>(Json::parse("-7.9")), -7);
  EXPECT_EQ(IntegerOf<int>(Json::parse("2147483647")), 2147483647);
  EXPECT_EQ(IntegerOf<int>(Json::parse("-2147483648")), -2147483647 - 1);
  EXPECT_EQ(IntegerOf<int>(Json::parse("2147483648")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("-2147483649")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("2147483647.5")), 2147483647);
  EXPECT_EQ(IntegerOf<int>(Json::parse("2147483648.0")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("3.88889e+101")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("-1e300")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("18446744073709551615")), std::nullopt);
  EXPECT_EQ(IntegerOf<int64_t>(Json::parse("9223372036854775807")), INT64_MAX);
  EXPECT_EQ(IntegerOf<int64_t>(Json::parse("9223372036854775808")), std::nullopt);
  EXPECT_EQ(IntegerOf<int64_t>(Json::parse("9.3e18")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("\"7\"")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("true")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json::parse("null")), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json(std::numeric_limits<double>::quiet_NaN())), std::nullopt);
  EXPECT_EQ(IntegerOf<int>(Json(std::numeric_limits<double>::infinity())), std::nullopt);
}

TEST(IntegerOfTest, IntOrFallsBackForAnythingButAnIntMember) {
  const Json object = Json::parse(R"({"a": 3, "b": 1e200, "c": "3", "d": null})");
  EXPECT_EQ(IntOr(object, "a", 9), 3);
  EXPECT_EQ(IntOr(object, "b", 9), 9);
  EXPECT_EQ(IntOr(object, "c", 9), 9);
  EXPECT_EQ(IntOr(object, "d", 9), 9);
  EXPECT_EQ(IntOr(object, "missing", 9), 9);
  EXPECT_EQ(IntOr(Json::parse("[1]"), "a", 9), 9);
}

}  // namespace
}  // namespace chronon
