#include "chronon/plan/plan.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace {

using Json = nlohmann::json;

// A compiled GroupBy as compile.py writes one (the members the rule reads).
Json GroupBy(const std::string& name, int window = 7, const std::string& topic = "") {
  Json events = {{"table", "data.events"}, {"query", {{"selects", {{"event", "event"}}}}}};
  if (!topic.empty()) events["topic"] = topic;
  return {{"metaData", {{"name", name}, {"online", 1}, {"outputNamespace", "ns"}}},
          {"sources", {{{"events", events}}}},
          {"keyColumns", {"user"}},
          {"aggregations",
           {{{"inputColumn", "event"}, {"operation", 7}, {"windows", {{{"length", window}, {"timeUnit", 1}}}}}}}};
}

Json Join(const std::string& name, std::vector<Json> group_bys) {
  Json parts = Json::array();
  for (Json& group_by : group_bys) parts.push_back({{"groupBy", std::move(group_by)}});
  return {{"metaData", {{"name", name}, {"outputNamespace", "out"}, {"online", 0}}},
          {"left", {{"events", {{"table", "data.left"}, {"query", {{"startPartition", "2023-01-01"}}}}}}},
          {"joinParts", parts}};
}

// {table: action} of the rule's answer.
std::map<std::string, std::string> Tables(const Json* old_join, const Json* new_join) {
  std::map<std::string, std::string> tables;
  for (const TableAction& table : JoinTables(old_join, new_join)) tables[table.table] = table.action;
  return tables;
}

const std::string kMain = "out.team_j_v1";
const std::string kPartA = "out.team_j_v1_team_a_v1";
const std::string kPartB = "out.team_j_v1_team_b_v1";
const std::string kBootstrap = "out.team_j_v1_bootstrap";

TEST(DiffMembers, ReportsLeavesByPointer) {
  Json a = {{"x", {{"y", 1}, {"gone", true}}}, {"list", {1, 2}}, {"a/b", "s"}};
  Json b = {{"x", {{"y", 2}, {"new", "n"}}}, {"list", {1, 3, 4}}, {"a/b", "s"}};
  std::vector<MemberChange> changes = DiffMembers(a, b);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0].pointer, "/list/1");
  EXPECT_EQ(changes[0].op, "changed");
  EXPECT_EQ(changes[1].pointer, "/list/2");
  EXPECT_EQ(changes[1].op, "added");
  EXPECT_EQ(changes[2].pointer, "/x/gone");
  EXPECT_EQ(changes[2].op, "removed");
  EXPECT_EQ(changes[3].pointer, "/x/new");
  EXPECT_EQ(changes[4].pointer, "/x/y");
  EXPECT_EQ(changes[4].old_value, 1);
  EXPECT_EQ(changes[4].new_value, 2);
  EXPECT_TRUE(DiffMembers(a, a).empty());
  Json slash_a = {{"a/b", 1}}, slash_b = {{"a/b", 2}};
  EXPECT_EQ(DiffMembers(slash_a, slash_b)[0].pointer, "/a~1b");
}

TEST(SemanticMap, KeysAsTheEngineNamesTables) {
  Json join = Join("team.j-v1", {GroupBy("team.a.v1")});
  join["joinParts"][0]["prefix"] = "p";
  join["derivations"] = {{{"name", "x"}, {"expression", "a + 1"}}, {{"name", "*"}, {"expression", "*"}}};
  join["onlineExternalParts"] = {
      {{"source", {{"metadata", {{"name", "ext"}}}}}},
      {{"source", {{"metadata", {{"name", "off"}}}, {"offlineGroupBy", GroupBy("team.o.v1")}}}}};
  std::map<std::string, SemanticEntry> map = SemanticMap(join);
  std::vector<std::string> keys;
  for (const auto& [key, entry] : map) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"derived", "left_source", "out.team_j_v1_bootstrap",
                                            "out.team_j_v1_p_team_a_v1", "out.team_j_v1_team_o_v1"}));
  EXPECT_EQ(map["derived"].value, "a + 1 as x, * as *");
  EXPECT_EQ(map["out.team_j_v1_p_team_a_v1"].kind, "join_part");
  EXPECT_FALSE(map["out.team_j_v1_p_team_a_v1"].value.contains("metaData"));
  EXPECT_EQ(map["out.team_j_v1_team_o_v1"].kind, "external_part");
  EXPECT_EQ(OutputTable(join), "out.team_j_v1");
}

TEST(JoinTables, WindowChangeRecomputesItsPartAndTheMainTable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1"), GroupBy("team.b.v1")});
  Json after = Join("team.j.v1", {GroupBy("team.a.v1", 14), GroupBy("team.b.v1")});
  EXPECT_EQ(Tables(&before, &after), (std::map<std::string, std::string>{{kPartA, "recompute"}, {kMain, "recompute"}}));
  std::vector<TableAction> tables = JoinTables(&before, &after);
  EXPECT_EQ(tables[0].reason, "join part `team.a.v1` changed: aggregations/0/windows/0/length 7 -> 14");
  EXPECT_EQ(tables[1].kind, "main");
}

TEST(JoinTables, LeftChangeRecomputesEveryTable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1"), GroupBy("team.b.v1")});
  Json after = before;
  after["left"]["events"]["query"]["startPartition"] = "2024-01-01";
  EXPECT_EQ(Tables(&before, &after),
            (std::map<std::string, std::string>{
                {kPartA, "recompute"}, {kPartB, "recompute"}, {kBootstrap, "recompute"}, {kMain, "recompute"}}));
  EXPECT_EQ(JoinTables(&before, &after)[0].reason.rfind("left source changed: every part", 0), 0u);
}

TEST(JoinTables, DerivationChangeRecomputesOnlyTheMainTable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  before["derivations"] = {{{"name", "x"}, {"expression", "a"}}};
  Json after = before;
  after["derivations"][0]["expression"] = "a * 2";
  std::vector<TableAction> tables = JoinTables(&before, &after);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].table, kMain);
  EXPECT_EQ(tables[0].reason, "derivations changed: main table only");
  // Adding derivations adds the `derived` key: a changed derived hash too.
  Json plain = Join("team.j.v1", {GroupBy("team.a.v1")});
  EXPECT_EQ(Tables(&plain, &before), (std::map<std::string, std::string>{{kMain, "recompute"}}));
}

TEST(JoinTables, TopicOnlyChangeRecomputesNothing) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1", 7, "topic_a")});
  before["left"]["events"]["topic"] = "left_topic";
  Json after = Join("team.j.v1", {GroupBy("team.a.v1", 7, "topic_b")});
  after["left"]["events"]["topic"] = "other_topic";
  EXPECT_TRUE(JoinTables(&before, &after).empty());
  // Also through a JoinSource parent, and an entities mutationTopic.
  Json parent_before = before, parent_after = after;
  Json child_before = Join("team.j.v1", {});
  child_before["left"] = {{"joinSource", {{"join", parent_before}}}};
  Json child_after = child_before;
  child_after["left"]["joinSource"]["join"] = parent_after;
  EXPECT_TRUE(JoinTables(&child_before, &child_after).empty());
  Json entities_before = Join("team.j.v1", {});
  entities_before["left"] = {{"entities", {{"snapshotTable", "s"}, {"mutationTopic", "m1"}}}};
  Json entities_after = entities_before;
  entities_after["left"]["entities"]["mutationTopic"] = "m2";
  EXPECT_TRUE(JoinTables(&entities_before, &entities_after).empty());
}

TEST(JoinTables, BootstrapPartAddedRecomputesEveryTable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  Json after = before;
  after["bootstrapParts"] = {{{"table", "data.bootstrap"}}};
  EXPECT_EQ(Tables(&before, &after), (std::map<std::string, std::string>{
                                         {kPartA, "recompute"}, {kBootstrap, "recompute"}, {kMain, "recompute"}}));
  EXPECT_EQ(JoinTables(&before, &after)[0].reason.rfind("bootstrap parts changed: every part", 0), 0u);
}

TEST(JoinTables, RemovedPartIsDroppedAndTheMainTableRecomputed) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1"), GroupBy("team.b.v1")});
  Json after = Join("team.j.v1", {GroupBy("team.a.v1")});
  EXPECT_EQ(Tables(&before, &after), (std::map<std::string, std::string>{{kPartB, "drop"}, {kMain, "recompute"}}));
  EXPECT_EQ(JoinTables(&before, &after)[0].reason, "join part `team.b.v1` removed");
}

TEST(JoinTables, AddedPartIsComputedAndTheMainTableRecomputed) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  Json after = Join("team.j.v1", {GroupBy("team.a.v1"), GroupBy("team.b.v1")});
  EXPECT_EQ(Tables(&before, &after), (std::map<std::string, std::string>{{kPartB, "compute"}, {kMain, "recompute"}}));
}

TEST(JoinTables, MetadataOnlyChangeRecomputesNothing) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  Json after = before;
  after["metaData"]["modeToEnvMap"] = {{"backfill", {{"EXECUTOR_MEMORY", "9G"}}}};
  after["joinParts"][0]["groupBy"]["metaData"]["description"] = "new words";
  EXPECT_TRUE(JoinTables(&before, &after).empty());
}

TEST(JoinTables, ModelTransformsMoveTheMainTable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  before["modelTransforms"] = {{"transforms", {{{"model", {{"name", "m"}}}}}}};
  Json after = before;
  after["derivations"] = {{{"name", "x"}, {"expression", "a"}}};
  EXPECT_EQ(Tables(&before, &after), (std::map<std::string, std::string>{{kMain + "_pre_mt", "recompute"}}));
}

TEST(JoinTables, ExternalPartsCountOnlyWithAnOfflineGroupBy) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  before["onlineExternalParts"] = {{{"source", {{"metadata", {{"name", "ext"}}}, {"valueSchema", 1}}}}};
  Json after = before;
  after["onlineExternalParts"][0]["source"]["valueSchema"] = 2;
  EXPECT_TRUE(JoinTables(&before, &after).empty());
  Json offline = before;
  offline["onlineExternalParts"][0]["source"]["offlineGroupBy"] = GroupBy("team.o.v1");
  EXPECT_EQ(Tables(&before, &offline),
            (std::map<std::string, std::string>{{"out.team_j_v1_team_o_v1", "compute"}, {kMain, "recompute"}}));
  Json offline_changed = offline;
  offline_changed["onlineExternalParts"][0]["source"]["offlineGroupBy"] = GroupBy("team.o.v1", 30);
  EXPECT_EQ(Tables(&offline, &offline_changed),
            (std::map<std::string, std::string>{{"out.team_j_v1_team_o_v1", "recompute"}, {kMain, "recompute"}}));
  EXPECT_EQ(JoinTables(&offline, &offline_changed)[0].kind, "external_part");
}

TEST(JoinTables, AddedRemovedAndRenamedJoins) {
  Json join = Join("team.j.v1", {GroupBy("team.a.v1")});
  EXPECT_EQ(Tables(nullptr, &join),
            (std::map<std::string, std::string>{{kPartA, "compute"}, {kBootstrap, "compute"}, {kMain, "compute"}}));
  EXPECT_TRUE(JoinTables(&join, nullptr).empty());
  Json moved = join;
  moved["metaData"]["outputNamespace"] = "elsewhere";
  EXPECT_EQ(Tables(&join, &moved), (std::map<std::string, std::string>{{"elsewhere.team_j_v1_team_a_v1", "compute"},
                                                                       {"elsewhere.team_j_v1_bootstrap", "compute"},
                                                                       {"elsewhere.team_j_v1", "compute"}}));
}

ConfChange Changed(const std::string& path, const Json& old_conf, const Json& new_conf) {
  ConfChange change;
  change.path = path;
  change.checked_in = !old_conf.is_null();
  change.built = !new_conf.is_null();
  if (change.checked_in) change.old_conf = old_conf.dump(2);
  if (change.built) change.new_conf = new_conf.dump(2);
  return change;
}

TEST(MakeChangePlan, LineageThroughJoinSourceChains) {
  Json gb_before = GroupBy("team.a.v1", 7, "t"), gb_after = GroupBy("team.a.v1", 14, "t");
  Json parent_before = Join("team.parent.v1", {gb_before}), parent_after = Join("team.parent.v1", {gb_after});
  // The child's GroupBy reads the parent Join through a JoinSource.
  auto chained = [](const Json& parent) {
    Json group_by = GroupBy("team.chained.v1");
    group_by["sources"] = {{{"joinSource", {{"join", parent}}}}};
    return group_by;
  };
  Json child_before = Join("other.child.v1", {chained(parent_before)});
  Json child_after = Join("other.child.v1", {chained(parent_after)});
  Json description_before = GroupBy("team.d.v1"), description_after = description_before;
  description_after["metaData"]["description"] = "words";
  std::vector<ConfChange> changes = {
      Changed("group_bys/team/a.v1", gb_before, gb_after),
      Changed("group_bys/team/d.v1", description_before, description_after),
      Changed("joins/other/child.v1", child_before, child_after),
      Changed("joins/team/parent.v1", parent_before, parent_after),
  };
  Json plan = MakeChangePlan({"production", "//:production"}, changes);
  EXPECT_EQ(plan["schema"], "rules_chronon.plan/1");
  const Json& group_by = plan["objects"][0];
  EXPECT_EQ(group_by["name"], "team.a.v1");
  EXPECT_EQ(group_by["online_jobs"], Json({"upload", "streaming"}));
  EXPECT_TRUE(group_by["online_conf_changed"].get<bool>());
  ASSERT_EQ(group_by["used_by"].size(), 2u);
  EXPECT_EQ(group_by["used_by"][0]["path"], "joins/other/child.v1");
  EXPECT_EQ(group_by["used_by"][0]["via"], Json({"team.parent.v1"}));
  EXPECT_EQ(group_by["used_by"][1]["path"], "joins/team/parent.v1");
  EXPECT_EQ(group_by["used_by"][1]["via"], Json::array());
  // The child's part table changes because the parent Join inside its GroupBy's source did.
  const Json& child = plan["objects"][2];
  ASSERT_EQ(child["tables"].size(), 2u);
  EXPECT_EQ(child["tables"][0]["table"], "out.other_child_v1_team_chained_v1");
  EXPECT_EQ(child["tables"][1]["table"], "out.other_child_v1");
  const Json& parent = plan["objects"][3];
  ASSERT_EQ(parent["used_by"].size(), 1u);
  EXPECT_EQ(parent["used_by"][0]["path"], "joins/other/child.v1");
  EXPECT_EQ(plan["summary"]["tables_recomputed"], 4);
  EXPECT_EQ(plan["summary"]["objects"], 4);
  // The description-only change: members listed, no jobs, no tables.
  const Json& description = plan["objects"][1];
  EXPECT_EQ(description["members"], Json::parse(R"([{"pointer": "/metaData/description", "op": "added",
                                                     "new": "words"}])"));
  EXPECT_TRUE(description["online_jobs"].empty());
  EXPECT_FALSE(description["online_conf_changed"].get<bool>());

  const std::string text = RenderPlan(plan);
  EXPECT_NE(text.find("~ production/group_bys/team/a.v1 (changed, online)"), std::string::npos) << text;
  EXPECT_NE(text.find("/aggregations/0/windows/0/length: 7 -> 14"), std::string::npos) << text;
  EXPECT_NE(text.find("used by production/joins/other/child.v1 via team.parent.v1:"), std::string::npos) << text;
  EXPECT_NE(text.find("online GroupBy: its upload and streaming jobs change"), std::string::npos) << text;
  EXPECT_NE(text.find("~ production/group_bys/team/d.v1 (changed, online)\n    /metaData/description: added \"words\"\n"
                      "  no table recomputed\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(PlanFails(plan, true, false));
  EXPECT_TRUE(PlanFails(plan, false, true));
  EXPECT_FALSE(PlanFails(plan, false, false));
}

TEST(MakeChangePlan, LineageTakesTheShortestWayAndStagingQueriesAreNotPlanned) {
  Json gb_before = GroupBy("team.a.v1"), gb_after = GroupBy("team.a.v1", 30);
  Json parent_before = Join("team.parent.v1", {gb_before}), parent_after = Join("team.parent.v1", {gb_after});
  // The child reads the parent as its left and also uses the GroupBy directly.
  Json child_before = Join("team.child.v1", {gb_before}), child_after = Join("team.child.v1", {gb_after});
  child_before["left"] = {{"joinSource", {{"join", parent_before}}}};
  child_after["left"] = {{"joinSource", {{"join", parent_after}}}};
  Json query_before = {{"metaData", {{"name", "team.q.v1"}}}, {"query", "SELECT 1"}}, query_after = query_before;
  query_after["query"] = "SELECT 2";
  Json plan = MakeChangePlan(
      {"production", "//:production"},
      {Changed("group_bys/team/a.v1", gb_before, gb_after), Changed("joins/team/child.v1", child_before, child_after),
       Changed("staging_queries/team/q.v1", query_before, query_after)});
  ASSERT_EQ(plan["objects"][0]["used_by"].size(), 1u);
  EXPECT_EQ(plan["objects"][0]["used_by"][0]["via"], Json::array());
  // The left (the parent Join) changed: every table of the child.
  EXPECT_EQ(plan["objects"][1]["tables"].size(), 3u);
  EXPECT_TRUE(plan["objects"][2]["tables"].empty());
  const std::string text = RenderPlan(plan);
  EXPECT_NE(
      text.find("    /query: \"SELECT 1\" -> \"SELECT 2\"\n  StagingQuery: its table is outside the semantic-hash "
                "check (not planned)\n"),
      std::string::npos)
      << text;
}

TEST(MakeChangePlan, MetadataOnlyAddedRemovedAndUnreadable) {
  Json before = Join("team.j.v1", {GroupBy("team.a.v1")});
  Json after = before;
  after["metaData"]["modeToEnvMap"] = {{"backfill", {{"EXECUTOR_MEMORY", "9G"}}}};
  ConfChange unreadable;
  unreadable.path = "joins/team/broken.v1";
  unreadable.checked_in = unreadable.built = true;
  unreadable.old_conf = "<<<<<<< HEAD\n{";
  unreadable.new_conf = before.dump();
  std::vector<ConfChange> changes = {Changed("joins/team/added.v1", nullptr, before), unreadable,
                                     Changed("joins/team/env.v1", before, after),
                                     Changed("joins/team/gone.v1", before, nullptr)};
  Json plan = MakeChangePlan({"production", "//:production"}, changes);
  EXPECT_EQ(plan["objects"][0]["change"], "added");
  EXPECT_EQ(plan["objects"][0]["tables"].size(), 3u);
  EXPECT_EQ(plan["objects"][1]["change"], "unknown");
  EXPECT_TRUE(plan["objects"][1]["online_conf_changed"].get<bool>());
  EXPECT_EQ(plan["objects"][2]["change"], "changed");
  EXPECT_TRUE(plan["objects"][2]["tables"].empty());
  EXPECT_EQ(plan["objects"][2]["members"][0]["pointer"], "/metaData/modeToEnvMap");
  EXPECT_EQ(plan["objects"][3]["change"], "removed");
  EXPECT_TRUE(plan["objects"][3]["tables"].empty());
  EXPECT_EQ(plan["summary"]["tables_recomputed"], 0);
  EXPECT_EQ(plan["summary"]["tables_computed"], 3);
  EXPECT_FALSE(PlanFails(plan, true, false));
  EXPECT_TRUE(PlanFails(plan, false, true));  // the unreadable conf
  const std::string text = RenderPlan(plan);
  EXPECT_NE(text.find("~ production/joins/team/env.v1 (changed)\n    /metaData/modeToEnvMap: added "
                      "{\"backfill\":{\"EXECUTOR_MEMORY\":\"9G\"}}\n  no table recomputed\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cannot compare: the checked-in conf is not a JSON object"), std::string::npos) << text;
  EXPECT_EQ(RenderPlan(MakeChangePlan({"production", "//:production"}, {})),
            "production/: nothing to plan: the checked-in tree is the built one (//:production)\n");
}

// A workspace with a checked-in tree and built confs, for ChangedConfs and RunPlan end to end.
class TreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plan_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    options_.workspace = root_ + "/ws";
    options_.dir = "production";
    options_.owner = "//:production";
    options_.update_target = "//:production.update";
    for (const char* dir : {"/ws", "/ws/production", "/ws/production/joins", "/ws/production/joins/team",
                            "/ws/production/group_bys", "/ws/production/group_bys/team", "/built"}) {
      ASSERT_EQ(mkdir((root_ + dir).c_str(), 0755), 0);
    }
  }
  void TearDown() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  void Write(const std::string& path, const std::string& text) {
    std::ofstream(root_ + "/" + path, std::ios::binary) << text;
  }
  void Built(const std::string& path, const Json& conf) {
    const std::string file = root_ + "/built/" + std::to_string(options_.entries.size());
    std::ofstream(file, std::ios::binary) << conf.dump(2);
    options_.entries.push_back({path, file});
  }
  void CheckedIn(const std::string& path, const Json& conf) { Write("ws/production/" + path, conf.dump(2)); }
  void Index(const std::vector<std::string>& paths) {
    std::string text;
    for (const std::string& path : paths) text += options_.owner + "\t" + path + "\n";
    Write("ws/production/.chronon_managed", text);
  }

  std::string root_;
  TreeOptions options_;
};

TEST_F(TreeTest, ChangedConfsAndRunPlan) {
  Json gb = GroupBy("team.a.v1"), gb_new = GroupBy("team.a.v1", 14);
  Json join = Join("team.j.v1", {gb}), join_new = Join("team.j.v1", {gb_new});
  Json same = Join("team.same.v1", {GroupBy("team.b.v1")});
  CheckedIn("group_bys/team/a.v1", gb);
  CheckedIn("joins/team/j.v1", join);
  CheckedIn("joins/team/same.v1", same);
  CheckedIn("joins/team/gone.v1", same);
  Index({"group_bys/team/a.v1", "joins/team/gone.v1", "joins/team/j.v1", "joins/team/same.v1"});
  Built("group_bys/team/a.v1", gb_new);
  Built("joins/team/j.v1", join_new);
  Built("joins/team/new.v1", same);
  Built("joins/team/same.v1", same);

  absl::StatusOr<std::vector<ConfChange>> changes = ChangedConfs(options_);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<std::string> paths;
  for (const ConfChange& change : *changes) {
    paths.push_back(change.path);
    EXPECT_TRUE(change.problem.empty()) << change.path << ": " << change.problem;
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"group_bys/team/a.v1", "joins/team/gone.v1", "joins/team/j.v1",
                                             "joins/team/new.v1"}));
  EXPECT_TRUE((*changes)[1].checked_in);
  EXPECT_FALSE((*changes)[1].built);
  EXPECT_FALSE((*changes)[3].checked_in);
  EXPECT_EQ(Json::parse((*changes)[2].old_conf), join);
  EXPECT_EQ(Json::parse((*changes)[2].new_conf), join_new);

  std::ostringstream out, err;
  EXPECT_EQ(RunPlan(options_, "json", "", out, err), 0) << err.str();
  Json plan = Json::parse(out.str());
  EXPECT_EQ(plan["summary"]["tables_recomputed"], 2);
  EXPECT_EQ(plan["summary"]["tables_computed"], 3);
  std::ostringstream out2, err2;
  EXPECT_EQ(RunPlan(options_, "text", "recompute", out2, err2), 3);
  EXPECT_NE(err2.str().find("tables would be recomputed"), std::string::npos) << err2.str();
  std::ostringstream out3, err3;
  EXPECT_EQ(RunPlan(options_, "yaml", "", out3, err3), 2);
  EXPECT_EQ(RunPlan(options_, "", "all", out3, err3), 2);
}

TEST_F(TreeTest, ASymlinkInTheWayIsNotFollowed) {
  Json gb = GroupBy("team.a.v1");
  Write("outside", gb.dump(2));
  ASSERT_EQ(symlink((root_ + "/outside").c_str(), (root_ + "/ws/production/group_bys/team/a.v1").c_str()), 0);
  Index({"group_bys/team/a.v1"});
  Built("group_bys/team/a.v1", GroupBy("team.a.v1", 14));
  absl::StatusOr<std::vector<ConfChange>> changes = ChangedConfs(options_);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_NE((*changes)[0].problem.find("production/group_bys/team/a.v1 is a symlink"), std::string::npos)
      << (*changes)[0].problem;
  Json plan = MakeChangePlan({"production", "//:production"}, *changes);
  EXPECT_EQ(plan["objects"][0]["change"], "unknown");
  EXPECT_TRUE(PlanFails(plan, false, true));
  // A broken index: the error the staleness test gives, exit 1.
  Write("ws/production/.chronon_managed", "not an index line\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunPlan(options_, "", "", out, err), 1);
  EXPECT_NE(err.str().find(".chronon_managed:1:1: error:"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace chronon
