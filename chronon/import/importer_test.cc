// The importer's un-derive rules and its handling of bad input. Each un-derive case starts from a definition a person
// wrote, compiles it with the forward compiler into the engine JSON (the compiler's own tests hold that JSON to
// compile.py's bytes), lays that out as a production/ tree, imports it, and checks both the bytes (the in-process
// round trip) and what the imported textproto says and leaves out.
#include "chronon/import/importer.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chronon/common/json.h"
#include "chronon/compiler/compiler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace importer {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = ::chronon::Json;

constexpr char kTeams[] = R"({
  "default": {"table_properties": {"source": "chronon"}, "namespace": "default_db"},
  "team_a": {"namespace": "team_a_db"}
})";

constexpr char kEvents[] = R"(events {
  table: "db.events"
  query {
    selects { key: "user" value: "user_id" }
    selects { key: "amount" value: "amount" }
    time_column: "ts"
  }
})";

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/importer_test.XXXXXX";
    root_ = mkdtemp(pattern);
    Write(root_ / "repo/teams.json", kTeams);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Compiles `text` (a definition a person wrote) and puts its engine JSON at production/<rel>.
  void Compile(Kind kind, const std::string& label, const std::string& name, const std::string& rel,
               const std::string& text) {
    CompileInput input;
    input.kind = kind;
    input.label = label;
    input.name = name;
    input.src_path = "def.textproto";
    input.src_text = text;
    input.teams_path = "teams.json";
    input.teams_text = kTeams;
    input.deps = deps_;
    Diagnostics diags(input.src_path, label);
    std::optional<CompileOutput> output = chronon::Compile(input, &diags);
    ASSERT_TRUE(output) << diags.Format();
    deps_.push_back({label, output->summary});
    if (!rel.empty()) Write(root_ / "repo/production" / rel, output->conf);
  }

  ImportResult Run() {
    options_.to = (root_ / "ws").string();
    options_.rules = "/rules";
    return Import((root_ / "repo").string(), options_);
  }

  // The imported workspace's file `rel`.
  static std::string File(const ImportResult& result, const std::string& rel) {
    auto it = result.workspace.find(rel);
    return it == result.workspace.end() ? "<missing " + rel + ">" : it->second;
  }

  // The reasons of the files left out or not identical.
  static std::string Reasons(const ImportResult& result) {
    std::string out;
    for (const FileResult& f : result.files) {
      if (!f.identical) out += f.rel + ": " + f.reason + "\n";
    }
    return out;
  }

  static std::string Errors(const ImportResult& result) {
    std::string out;
    for (const std::string& e : result.errors) out += e + "\n";
    return out;
  }

  fs::path root_;
  ImportOptions options_;
  std::vector<DependencyInput> deps_;
};

TEST_F(ImporterTest, GroupByDropsWhatGroupByDerives) {
  Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", "group_bys/team_a/gb.v1",
          std::string("sources {") + kEvents + "}" + R"(
key_columns: "user"
aggregations { input_column: "amount" operation: SUM windows { length: 7 time_unit: DAYS } }
aggregations { input_column: "item" operation: LAST_K helper { k: 10 tags { key: "t" string_value: "v" } } }
aggregations { input_column: "amount" operation: APPROX_PERCENTILE helper { percentiles: [0.5, 1] } }
meta_data { online: true output_namespace: "team_a_db" }
helper { lag: 2 tags { key: "owner" string_value: "x" } kwargs { key: "extra" int_value: 3 } }
)");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_TRUE(result.files[0].identical) << result.files[0].reason;
  const std::string text = File(result, "group_bys/team_a/gb.v1.textproto");
  // Selects written by hand stay; `amount: amount` and `item: item`, which GroupBy() appends for the inputs in
  // this order anyway, do not.
  EXPECT_THAT(text, HasSubstr(R"(selects { key: "user" value: "user_id" })"));
  EXPECT_THAT(text, Not(HasSubstr(R"(key: "amount")")));
  EXPECT_THAT(text, Not(HasSubstr(R"(key: "item")")));
  // argMap back to LAST_K(10) and APPROX_PERCENTILE([0.5, 1]) (default k, integer literal kept).
  EXPECT_THAT(text, HasSubstr("k: 10"));
  EXPECT_THAT(text, HasSubstr("percentiles: [ 0.5, 1 ]"));
  EXPECT_THAT(text, Not(HasSubstr("arg_map")));
  EXPECT_THAT(text, Not(HasSubstr("k: 128")));
  // customJson back to helper arguments; column tags back onto their aggregation.
  EXPECT_THAT(text, HasSubstr("lag: 2"));
  EXPECT_THAT(text, HasSubstr(R"(tags { key: "owner" string_value: "x" })"));
  EXPECT_THAT(text, HasSubstr(R"(kwargs { key: "extra" int_value: 3 })"));
  EXPECT_THAT(text, HasSubstr(R"(tags { key: "t" string_value: "v" })"));
  EXPECT_THAT(text, Not(HasSubstr("custom_json")));
  // Dependencies follow from the source; name, team, the team's namespace and the default schedule from the rest.
  EXPECT_THAT(text, Not(HasSubstr("dependencies")));
  EXPECT_THAT(text, Not(HasSubstr("name:")));
  EXPECT_THAT(text, Not(HasSubstr("team:")));
  EXPECT_THAT(text, Not(HasSubstr("output_namespace")));
  EXPECT_THAT(text, Not(HasSubstr("table_properties")));
  EXPECT_THAT(text, Not(HasSubstr("offline_schedule")));
  EXPECT_THAT(File(result, "group_bys/team_a/BUILD"), HasSubstr("chronon_group_by(\n    name = \"gb.v1\",\n)"));
  EXPECT_THAT(File(result, "BUILD"), HasSubstr("\"//group_bys/team_a:gb.v1\","));
  EXPECT_EQ(File(result, "teams.json"), kTeams);
}

TEST_F(ImporterTest, ExplicitDependenciesAndIntegerPercentsSurvive) {
  Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", "group_bys/team_a/gb.v1",
          std::string("sources {") + kEvents + "}" + R"(
key_columns: "user"
aggregations { input_column: "amount" operation: SUM }
meta_data { sample_percent: 100 offline_schedule: "@never" }
helper { dependencies: "other.table/ds={{ ds }}" }
)");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_TRUE(result.files[0].identical) << result.files[0].reason;
  const std::string text = File(result, "group_bys/team_a/gb.v1.textproto");
  EXPECT_THAT(text, HasSubstr(R"(dependencies: "other.table/ds={{ ds }}")"));
  EXPECT_THAT(text, HasSubstr("sample_percent: 100 "));
  EXPECT_THAT(text, HasSubstr(R"(offline_schedule: "@never")"));
}

TEST_F(ImporterTest, JoinRefsGroupBysWithFilesAndInlinesTheRest) {
  const std::string group_by = std::string("sources {") + kEvents + "}" + R"(
key_columns: "user"
aggregations { input_column: "amount" operation: SUM }
meta_data { online: true }
)";
  Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", "group_bys/team_a/gb.v1", group_by);
  Compile(Kind::kJoin, "//joins/team_a:join.v1", "team_a.join.v1", "joins/team_a/join.v1",
          R"(left { events { table: "db.events" query { selects { key: "user" value: "user_id" } time_column: "ts" } } }
join_parts { group_by { ref: "//group_bys/team_a:gb.v1" } }
join_parts { prefix: "p" group_by { meta_data { name: "team_a.inline.v1" online: true } )" +
              std::string("sources {") + kEvents + R"(} key_columns: "user"
  aggregations { input_column: "amount" operation: COUNT } } }
meta_data { online: true }
helper { check_consistency: true consistency_sample_percent: 10 }
)");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_EQ(result.identical(), 2);
  const std::string text = File(result, "joins/team_a/join.v1.textproto");
  EXPECT_THAT(text, HasSubstr(R"(group_by { ref: "//group_bys/team_a:gb.v1" })"));
  EXPECT_THAT(text, HasSubstr(R"(name: "team_a.inline.v1")"));
  EXPECT_THAT(text, HasSubstr("consistency_sample_percent: 10 "));
  EXPECT_THAT(text, Not(HasSubstr(R"(key: "ts")")));  // the left's ts select is Join()'s
  EXPECT_THAT(text, Not(HasSubstr("production:")));   // False is written anyway
  EXPECT_THAT(File(result, "joins/team_a/BUILD"), HasSubstr("//group_bys/team_a:gb.v1"));
  // The same source as written in the GroupBy (once `amount: amount` is dropped) and as the Join's left: one
  // chronon_source, referenced by both.
  EXPECT_THAT(File(result, "sources/BUILD"), HasSubstr("name = \"events\""));
  EXPECT_THAT(File(result, "group_bys/team_a/gb.v1.textproto"), HasSubstr(R"(sources { ref: "//sources:events" })"));
  EXPECT_THAT(text, HasSubstr(R"(left { ref: "//sources:events" })"));
}

// A file no definition reproduces is reported with the members that differ and left out, never approximated; what
// embedded it inlines it instead of referencing it.
TEST_F(ImporterTest, InexpressibleFileIsReportedAndLeftOut) {
  Compile(Kind::kGroupBy, "//group_bys/team_a:gb.v1", "team_a.gb.v1", "", std::string("sources {") + kEvents + "}" + R"(
key_columns: "user"
aggregations { input_column: "amount" operation: SUM }
meta_data { online: true }
)");
  Compile(Kind::kJoin, "//joins/team_a:join.v1", "team_a.join.v1", "joins/team_a/join.v1",
          std::string("left {") + kEvents + "}" + R"(join_parts { group_by { ref: "//group_bys/team_a:gb.v1" } })");
  // The GroupBy's own file, with customJson members in an order GroupBy() never writes.
  Json group_by = Json::parse(deps_[0].summary)["object"];
  group_by["metaData"]["customJson"] = R"({"groupby_tags": null, "lag": 0, "column_tags": {}})";
  group_by["metaData"]["outputNamespace"] = "team_a_db";
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", group_by.dump(2));
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  ASSERT_EQ(result.files.size(), 2u);
  const FileResult& gb = result.files[0].rel == "group_bys/team_a/gb.v1" ? result.files[0] : result.files[1];
  EXPECT_FALSE(gb.identical);
  EXPECT_THAT(gb.pointers, ::testing::Contains("/metaData/customJson"));
  EXPECT_EQ(result.identical(), 1);
  EXPECT_EQ(result.workspace.count("group_bys/team_a/gb.v1.textproto"), 0u);
  EXPECT_THAT(File(result, "BUILD"), Not(HasSubstr("gb.v1")));
  EXPECT_THAT(File(result, "joins/team_a/join.v1.textproto"), HasSubstr(R"(name: "team_a.gb.v1")"));
}

TEST_F(ImporterTest, InvalidJsonNamesFileAndPosition) {
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", "{\n  \"metaData\": {\n    \"name\": \n}");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_THAT(Reasons(result), HasSubstr("production/group_bys/team_a/gb.v1:4:1: error: invalid JSON"));
  EXPECT_EQ(File(result, "group_bys/team_a/gb.v1.textproto"), "<missing group_bys/team_a/gb.v1.textproto>");
}

TEST_F(ImporterTest, UnknownMemberNamesPointer) {
  Write(
      root_ / "repo/production/group_bys/team_a/gb.v1",
      R"({"metaData": {"name": "team_a.gb.v1", "team": "team_a"}, "sources": [{"events": {"table": "t", "tabel": "x"}}]})");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_THAT(Reasons(result), HasSubstr("production/group_bys/team_a/gb.v1: error: at /sources/0/events/tabel: "
                                         "unknown member \"tabel\" of EventSource"));
  EXPECT_EQ(File(result, "group_bys/team_a/gb.v1.textproto"), "<missing group_bys/team_a/gb.v1.textproto>");
}

TEST_F(ImporterTest, UnexpectedShapeDeepInside) {
  Write(root_ / "repo/production/joins/team_a/join.v1",
        R"({"metaData": {"name": "team_a.join.v1"}, "left": {"events": {"table": "t"}},)"
        R"( "joinParts": [{"groupBy": {"metaData": 7, "sources": []}}]})");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_THAT(Reasons(result), HasSubstr("production/joins/team_a/join.v1: error: not the JSON compile.py writes"));
  EXPECT_EQ(File(result, "joins/team_a/join.v1.textproto"), "<missing joins/team_a/join.v1.textproto>");
}

TEST_F(ImporterTest, WrongTypeNamesPointer) {
  Write(root_ / "repo/production/group_bys/team_a/gb.v1",
        R"({"metaData": {"name": "team_a.gb.v1", "online": 2}, "keyColumns": "user"})");
  ImportResult result = Run();
  EXPECT_THAT(Reasons(result), HasSubstr("at /keyColumns: expected an array, found a string"));
  EXPECT_THAT(Reasons(result), HasSubstr("at /metaData/online: expected 0 or 1 (a thrift boolean), found a number"));
}

TEST_F(ImporterTest, NameNotMatchingPath) {
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", R"({"metaData": {"name": "team_a.other.v1"}})");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_THAT(Reasons(result), HasSubstr("production/group_bys/team_a/gb.v1: error: at /metaData/name: "
                                         "\"team_a.other.v1\" does not match the file's path"));
}

TEST_F(ImporterTest, JoinReferringToAbsentGroupBy) {
  Write(root_ / "repo/production/joins/team_a/join.v1",
        R"({"metaData": {"name": "team_a.join.v1"}, "left": {"events": {"table": "t"}},)"
        R"( "joinParts": [{"groupBy": {"metaData": {"name": "team_a.gone.v1"}}}]})");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_THAT(Reasons(result), HasSubstr("production/joins/team_a/join.v1: error: at /joinParts/0/groupBy: refers "
                                         "to GroupBy \"team_a.gone.v1\", which is neither inline"));
}

// One odd file never blocks the rest: it is listed with its reason, the others are written, and the exit status
// says that some were left out.
TEST_F(ImporterTest, ABadFileIsLeftOutAndTheRestImported) {
  Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1", "staging_queries/team_a/sq.v1",
          R"(query: "SELECT 1")");
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", "not json");
  Write(root_ / "repo/production/group_bys/team_a/join_right_part",
        R"({"metaData": {"name": "team_a.join_right_part", "team": "team_a"}})");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  ASSERT_EQ(result.files.size(), 3u);
  EXPECT_EQ(result.identical(), 1);
  EXPECT_THAT(Reasons(result), HasSubstr("group_bys/team_a/gb.v1: production/group_bys/team_a/gb.v1:1:2: error: "
                                         "invalid JSON"));
  EXPECT_THAT(Reasons(result), HasSubstr("group_bys/team_a/join_right_part: production/group_bys/team_a/"
                                         "join_right_part: error: at /metaData/name: \"team_a.join_right_part\" is a "
                                         "name given with GroupBy(name=...)"));
  EXPECT_THAT(File(result, "staging_queries/team_a/sq.v1.textproto"), HasSubstr(R"(query: "SELECT 1")"));
  const std::string from = "--from=" + (root_ / "repo").string();
  const std::string to = "--to=" + (root_ / "ws").string();
  std::vector<std::string> args = {"import", from, to, "--rules=/rules"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  EXPECT_EQ(Main(static_cast<int>(argv.size()), argv.data()), 2);
  EXPECT_TRUE(fs::exists(root_ / "ws/staging_queries/team_a/sq.v1.textproto"));
}

// A teams.json that the build refuses (a duplicate key, which compile.py's json.load accepts) stops the import with
// the build's message, and nothing is written.
TEST_F(ImporterTest, BadInputWritesNothing) {
  Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1", "staging_queries/team_a/sq.v1",
          R"(query: "SELECT 1")");
  Write(root_ / "repo/teams.json", "{\"team_a\": {},\n \"team_a\": {}}");
  ImportResult result = Run();
  EXPECT_THAT(Errors(result), HasSubstr("teams.json:2:2: error: duplicate key \"team_a\" (first at 1:2); JSON readers "
                                        "keep only one of them [teams-json-syntax]"));
  const std::string from = "--from=" + (root_ / "repo").string();
  const std::string to = "--to=" + (root_ / "ws").string();
  std::vector<std::string> args = {"import", from, to, "--rules=/rules"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  EXPECT_EQ(Main(static_cast<int>(argv.size()), argv.data()), 1);
  EXPECT_FALSE(fs::exists(root_ / "ws"));
  for (const auto& entry : fs::directory_iterator(root_)) {
    EXPECT_EQ(entry.path().filename(), "repo");  // no staging directory left behind either
  }
}

TEST_F(ImporterTest, NeverWritesIntoANonEmptyDirectory) {
  Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1", "staging_queries/team_a/sq.v1",
          R"(query: "SELECT 1")");
  ImportResult result = Run();
  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  EXPECT_EQ(result.identical(), 1);
  Write(root_ / "ws/keep", "mine");
  EXPECT_THAT(WriteWorkspace(result, options_), HasSubstr("not an empty directory"));
  EXPECT_EQ(Read(root_ / "ws/keep"), "mine");
  fs::remove_all(root_ / "ws");
  fs::create_directories(root_ / "ws");  // an empty directory is fine
  EXPECT_EQ(WriteWorkspace(result, options_), "");
  EXPECT_THAT(Read(root_ / "ws/staging_queries/team_a/sq.v1.textproto"), HasSubstr(R"(query: "SELECT 1")"));
  EXPECT_THAT(Read(root_ / "ws/WORKSPACE"), HasSubstr(R"(path = "/rules")"));
  // The recommended .bazelrc: without a fixed action PATH, no cache outside this machine would ever hit.
  EXPECT_THAT(Read(root_ / "ws/.bazelrc"), HasSubstr("build --incompatible_strict_action_env\n"));
  EXPECT_THAT(Read(root_ / "ws/.bazelrc"), HasSubstr("--worker_max_instances=ChrononCompile=16"));
}

// --- Issue 26, findings 7 and 8: inputs that crashed the importer, and its boundaries. ---

int RunMain(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return Main(static_cast<int>(argv.size()), argv.data());
}

TEST_F(ImporterTest, JsonNestedTooDeepIsAnError) {
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", "{\"metaData\": {\"name\": \"team_a.gb.v1\"}, \"x\": " +
                                                              std::string(20000, '[') + std::string(20000, ']') + "}");
  ImportResult result = Run();
  EXPECT_THAT(Errors(result) + Reasons(result), HasSubstr("production/group_bys/team_a/gb.v1: error: arrays and "
                                                          "objects nested deeper than 512 levels"));
}

TEST_F(ImporterTest, SymlinkLoopInATeamDirectoryIsAnError) {
  fs::create_directories(root_ / "repo/production/group_bys/team_a");
  fs::create_symlink("loop", root_ / "repo/production/group_bys/team_a/loop");
  fs::create_symlink("team_b", root_ / "repo/production/group_bys/team_b");
  ImportResult result = Run();
  ASSERT_FALSE(result.errors.empty());
  EXPECT_THAT(Errors(result), HasSubstr("group_bys/team_a/loop: error: cannot be resolved ("));
  EXPECT_THAT(Errors(result), HasSubstr("group_bys/team_b: error: cannot be resolved ("));
}

TEST_F(ImporterTest, SymlinksOutOfFromAreNotFollowed) {
  Write(root_ / "secret/group_bys/x.v1", "root:x:0:0:secret-token\n");
  Write(root_ / "secret/passwd", "root:x:0:0:secret-token\n");
  fs::create_directories(root_ / "repo/production/group_bys/team_a");
  fs::create_symlink(root_ / "secret/passwd", root_ / "repo/production/group_bys/team_a/gb.v1");
  fs::create_symlink(root_ / "secret/group_bys", root_ / "repo/production/group_bys/team_c");
  ImportResult result = Run();
  const std::string errors = Errors(result) + Reasons(result);
  EXPECT_THAT(errors, HasSubstr("group_bys/team_a/gb.v1: error: is a symlink that leads out of --from"));
  EXPECT_THAT(errors, HasSubstr("group_bys/team_c: error: is a symlink that leads out of --from"));
  EXPECT_THAT(errors, Not(HasSubstr("secret-token")));
  EXPECT_THAT(errors, Not(HasSubstr("root")));
}

TEST_F(ImporterTest, InvalidJsonErrorQuotesNothingOfTheFile) {
  Write(root_ / "repo/production/group_bys/team_a/gb.v1", "{\"metaData\": 12345secret}\n");
  ImportResult result = Run();
  EXPECT_THAT(Errors(result) + Reasons(result), HasSubstr("error: invalid JSON"));
  EXPECT_THAT(Errors(result) + Reasons(result), Not(HasSubstr("12345")));
}

TEST_F(ImporterTest, ToInsideFromIsRefusedAndATrailingSlashIsAccepted) {
  Compile(Kind::kStagingQuery, "//staging_queries/team_a:sq.v1", "team_a.sq.v1", "staging_queries/team_a/sq.v1",
          R"(query: "SELECT 1")");
  const std::string from = "--from=" + (root_ / "repo").string();
  EXPECT_EQ(RunMain({"import", from, "--to=" + (root_ / "repo/imported").string(), "--rules=/rules"}), 1);
  EXPECT_FALSE(fs::exists(root_ / "repo/imported"));
  EXPECT_EQ(RunMain({"import", from, "--to=" + (root_ / "repo").string() + "/", "--rules=/rules"}), 1);
  EXPECT_EQ(RunMain({"import", from, "--to=" + (root_ / "ws").string() + "/", "--rules=/rules"}), 0);
  EXPECT_TRUE(fs::exists(root_ / "ws/WORKSPACE"));
}

}  // namespace
}  // namespace importer
}  // namespace chronon
