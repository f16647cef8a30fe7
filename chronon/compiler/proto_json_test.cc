// The field-for-field conversion of parsed definitions to the engine JSON tree.
#include "chronon/compiler/proto_json.h"

#include <string>

#include "chronon/api.pb.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

struct Converted {
  Json json;
  std::string errors;
  LocationMap locations;
};

template <typename M>
Converted Convert(const std::string& text) {
  Converted out;
  Diagnostics diags("f.textproto", "//a:b");
  M message;
  ParseInfoTree tree;
  EXPECT_TRUE(ParseTextproto(text, &message, &tree, &diags)) << diags.Format();
  ToJsonOptions options;
  options.text = text;
  options.diags = &diags;
  options.locations = &out.locations;
  out.json = ProtoToJson(message, &tree, "", options);
  out.errors = diags.Format();
  return out;
}

TEST(ProtoToJsonTest, ThriftShapes) {
  Converted c = Convert<api::GroupBy>(R"(
    key_columns: "user"
    accuracy: SNAPSHOT
    is_incremental: false
    aggregations { input_column: "x" operation: LAST_K helper { k: 10 } }
    meta_data { online: true mode_to_env_map { key: "backfill" value { key: "B" value: "2" } value { key: "A" value: "1" } } }
    sources { events { query { selects { key: "z" value: "1" } selects { key: "a" value: "2" } } } }
    ref: "ignored: authoring-only fields are never written")");
  EXPECT_EQ(c.errors, "");
  // Bools are 1/0, enums their numbers, maps in the order written, Query.setups always written, fields in id order,
  // authoring-only fields (helper, ref) absent.
  EXPECT_EQ(c.json.dump(), R"({"metaData":{"online":1,"modeToEnvMap":{"backfill":{"B":"2","A":"1"}}},)"
                           R"("sources":[{"events":{"query":{"selects":{"z":"1","a":"2"},"setups":[]}}}],)"
                           R"("keyColumns":["user"],"aggregations":[{"inputColumn":"x","operation":13}],)"
                           R"("accuracy":1,"isIncremental":0})");
}

TEST(ProtoToJsonTest, DoublesKeepPythonsIntOrFloat) {
  Converted c = Convert<api::MetaData>("sample_percent: 100\nconsistency_sample_percent: 5.0\n");
  EXPECT_EQ(c.json.dump(), R"({"samplePercent":100,"consistencySamplePercent":5.0})");
}

TEST(ProtoToJsonTest, DuplicateMapKeyIsAnErrorAtTheEntry) {
  Converted c = Convert<api::Query>("selects { key: \"a\" value: \"1\" }\nselects { key: \"a\" value: \"2\" }\n");
  EXPECT_EQ(c.errors,
            "f.textproto:2:1: error: the key \"a\" is given twice; each key may appear once [duplicate-map-key]\n"
            "  in target //a:b\n");
}

TEST(ProtoToJsonTest, EmptyListsAndMapsAreOmittedExceptAlwaysWrittenOnes) {
  EXPECT_EQ(Convert<api::Query>("").json.dump(), R"({"setups":[]})");
  EXPECT_EQ(Convert<api::Join>("").json.dump(), R"({"joinParts":[]})");
  EXPECT_EQ(Convert<api::StagingQuery>("").json.dump(), "{}");  // StagingQuery.setups has no default
}

TEST(LocationMapTest, FindsTheNearestRecordedAncestor) {
  Converted c = Convert<api::GroupBy>("key_columns: \"u\"\nsources {\n  events {\n    table: \"t\"\n  }\n}\n");
  EXPECT_EQ(c.locations.Find("/sources/0/events/table").line, 4);
  EXPECT_EQ(c.locations.Find("/sources/0/events/query/selects/x").line, 3);  // not written: its parent
  EXPECT_EQ(c.locations.Find("/nothing").line, 0);
}

TEST(SortByFieldNumberTest, RestoresThriftOrderButNotMapOrder) {
  Json j = Json::parse(R"({"keyColumns": ["k"], "metaData": {"team": "t", "name": "n",
      "tableProperties": {"z": "1", "a": "2"}}})");
  SortByFieldNumber(&j, api::GroupBy::descriptor());
  EXPECT_EQ(j.dump(), R"({"metaData":{"name":"n","tableProperties":{"z":"1","a":"2"},"team":"t"},"keyColumns":["k"]})");
}

}  // namespace
}  // namespace chronon
