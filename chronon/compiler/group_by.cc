#include "chronon/compiler/group_by.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "chronon/common/json_writer.h"
#include "chronon/common/python_compat.h"
#include "chronon/compiler/source.h"
#include "chronon/compiler/team_metadata.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;

std::string OperationName(int op) {
  const google::protobuf::EnumValueDescriptor* value = api::Operation_descriptor()->FindValueByNumber(op);
  return value != nullptr ? value->name() : absl::StrCat(op);
}

// Aggregation() and the argument-taking operations (LAST_K(k), APPROX_PERCENTILE(percentiles, k=), ...): the
// operation (LAST when unset) and its argMap, in place in the already converted `aggregations`.
void BuildAggregations(CompileContext& ctx, const api::GroupBy& group_by, const ParseInfoTree* tree,
                       const std::string& pointer, Json* aggregations) {
  for (int i = 0; i < group_by.aggregations_size(); ++i) {
    const api::Aggregation& aggregation = group_by.aggregations(i);
    const api::AggregationHelper& helper = aggregation.helper();
    Json& out = (*aggregations)[i];
    const std::string at = PointerAppend(PointerAppend(pointer, "aggregations"), i);
    const ParseInfoTree* agg_tree = NestedTree(tree, api::GroupBy::descriptor(), "aggregations", i);
    const ParseInfoTree* helper_tree = NestedTree(agg_tree, api::Aggregation::descriptor(), "helper", -1);
    // Aggregation(operation=None) means LAST.
    if (!out.contains("operation") && !helper.raw()) out["operation"] = static_cast<int>(api::LAST);
    const int op = IntOr(out, "operation", api::LAST);
    const bool has_args = helper.has_k() || helper.percentiles_size() > 0;
    if (has_args && aggregation.arg_map_size() > 0) {
      ctx.diags->Error(ctx.Loc(at + "/argMap"), "arg-map-and-helper",
                       "give the operation's arguments either as `arg_map` or as `helper { k / percentiles }`");
      continue;
    }
    auto k_literal = [&]() -> Json {
      const std::vector<std::string_view> tokens =
          ScalarTokens(ctx.src_text, helper_tree, api::AggregationHelper::descriptor()->FindFieldByName("k"));
      if (!tokens.empty() && IsIntegerLiteral(tokens[0])) return static_cast<int64_t>(helper.k());
      return helper.k();
    };
    if (op == api::APPROX_PERCENTILE && helper.percentiles_size() > 0) {
      // APPROX_PERCENTILE(percentiles, k=128): argMap {"k": str(k), "percentiles": repr(list)}.
      const std::vector<std::string_view> tokens =
          ScalarTokens(ctx.src_text, helper_tree, api::AggregationHelper::descriptor()->FindFieldByName("percentiles"));
      std::vector<std::string> items;
      for (int p = 0; p < helper.percentiles_size(); ++p) {
        const bool integer = p < static_cast<int>(tokens.size()) && IsIntegerLiteral(tokens[p]);
        items.push_back(integer ? absl::StrCat(static_cast<int64_t>(helper.percentiles(p)))
                                : PythonFloatRepr(helper.percentiles(p)));
      }
      Json arg_map = Json::object();
      arg_map["k"] = helper.has_k() ? PyStr(k_literal()) : "128";
      arg_map["percentiles"] = absl::StrCat("[", absl::StrJoin(items, ", "), "]");
      out["argMap"] = std::move(arg_map);
    } else if (helper.percentiles_size() > 0) {
      ctx.diags->Error(ctx.Loc(at), "unexpected-argument",
                       absl::StrCat("`percentiles` only applies to APPROX_PERCENTILE, not ", OperationName(op)));
    } else if (helper.has_k()) {
      static const std::set<int> kTakesK = {api::LAST_K,
                                            api::FIRST_K,
                                            api::TOP_K,
                                            api::BOTTOM_K,
                                            api::HISTOGRAM,
                                            api::APPROX_HISTOGRAM_K,
                                            api::APPROX_UNIQUE_COUNT,
                                            api::BOUNDED_UNIQUE_COUNT};
      if (op == api::APPROX_PERCENTILE) {
        ctx.diags->Error(ctx.Loc(at), "missing-argument",
                         "APPROX_PERCENTILE needs `helper { percentiles: [...] }` (APPROX_PERCENTILE(percentiles))");
      } else if (!kTakesK.count(op)) {
        ctx.diags->Error(ctx.Loc(at), "unexpected-argument", absl::StrCat(OperationName(op), " takes no `k` argument"));
      }
      Json arg_map = Json::object();
      arg_map["k"] = PyStr(k_literal());
      out["argMap"] = std::move(arg_map);
    } else if (!out.contains("argMap") && !helper.raw()) {
      static const std::set<int> kNeedsK = {
          api::LAST_K, api::FIRST_K, api::TOP_K, api::BOTTOM_K, api::APPROX_HISTOGRAM_K, api::BOUNDED_UNIQUE_COUNT};
      if (kNeedsK.count(op)) {
        ctx.diags->Error(ctx.Loc(at), "missing-argument",
                         absl::StrCat(OperationName(op), " needs its size: write `helper { k: 10 }` (",
                                      OperationName(op), "(10) in Python)"));
      }
      // The Aggregation() helper always writes an argMap, {} without arguments.
      out["argMap"] = Json::object();
    }
    SortByFieldNumber(&out, api::Aggregation::descriptor());
  }
}

}  // namespace

Json BuildGroupBy(CompileContext& ctx, const api::GroupBy& group_by, const ParseInfoTree* tree,
                  const std::string& pointer) {
  const Descriptor* d = api::GroupBy::descriptor();
  RejectDerivedMetaData(ctx, group_by.meta_data(), NestedTree(tree, d, "meta_data", -1), "GroupBy");
  ToJsonOptions options = ctx.Options();
  const int errors_before = ctx.diags->error_count();
  Json g = ProtoToJson(group_by, tree, pointer, options);
  const api::GroupByHelper& helper = group_by.helper();
  // A definition that did not convert (bad references, bad values) would only produce follow-on errors.
  if (ctx.diags->error_count() > errors_before) return g;

  // 1. Required arguments.
  if (group_by.sources_size() == 0) {
    ctx.diags->Error(ctx.Loc(pointer), "missing-sources", "Sources are not specified");
    return g;
  }
  if (group_by.meta_data().has_historical_backfill() && !group_by.has_backfill_start_date()) {
    ctx.diags->Error(ctx.Loc(pointer + "/metaData/historicalBackfill"), "historical-backfill-without-start",
                     "historical_backfill can only be set when backfill_start_date is specified.");
  }
  if (g.contains("aggregations")) BuildAggregations(ctx, group_by, tree, pointer, &g["aggregations"]);

  // 3. Every key and aggregation input is selected from every source; a `ts` select becomes the time column.
  std::vector<std::string> columns(group_by.key_columns().begin(), group_by.key_columns().end());
  for (const api::Aggregation& aggregation : group_by.aggregations()) columns.push_back(aggregation.input_column());
  Json& sources = g["sources"];
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string at = PointerAppend(PointerAppend(pointer, "sources"), i);
    auto [kind, member] = SourceMember(sources[i]);
    if (member == nullptr) continue;
    if (!member->contains("query")) {
      ctx.diags->Error(ctx.Loc(at), "missing-query", "a GroupBy source needs a `query`");
      continue;
    }
    Json& query = (*member)["query"];
    if (!query.contains("selects")) query["selects"] = Json::object();
    Json& selects = query["selects"];
    for (const std::string& column : columns) {
      if (!selects.contains(column)) selects[column] = column;
    }
    if (selects.contains("ts")) {
      Json ts = selects["ts"];
      selects.erase("ts");
      if (!query.contains("timeColumn")) {
        query["timeColumn"] = ts;
      } else if (query["timeColumn"] != ts) {
        ctx.diags->Error(ctx.Loc(at + "/" + kind + "/query/selects/ts"), "mismatched-ts",
                         absl::StrCat("mismatched `ts`: ", ts.get<std::string>(),
                                      " and `timeColumn`: ", query["timeColumn"].get<std::string>(),
                                      " in source {source}. Please specify only the `timeColumn`"));
      }
    }
    SortByFieldNumber(&query, api::Query::descriptor());
  }

  // 4. Dependencies, once per source (not de-duplicated).
  const std::vector<std::string> explicit_deps(helper.dependencies().begin(), helper.dependencies().end());
  Json dependencies = Json::array();
  for (const Json& source : sources) {
    for (std::string& dep : SourceDependencies(ctx, source, explicit_deps, helper.lag())) {
      dependencies.push_back(std::move(dep));
    }
  }

  // 5. customJson: kwargs, lag, groupby_tags, column_tags; each JSON-valued helper argument as Python takes it.
  const ParseInfoTree* helper_tree = NestedTree(tree, d, "helper", -1);
  CheckHelperDict(ctx, helper, helper_tree, "kwargs", "GroupBy", &GroupByArguments());
  CheckHelperDict(ctx, helper, helper_tree, "tags", "GroupBy", nullptr);
  for (int i = 0; i < group_by.aggregations_size(); ++i) {
    const ParseInfoTree* agg_tree = NestedTree(tree, d, "aggregations", i);
    CheckHelperDict(ctx, group_by.aggregations(i).helper(),
                    NestedTree(agg_tree, api::Aggregation::descriptor(), "helper", -1), "tags", "Aggregation", nullptr);
  }
  Json custom = HelperObject(helper.kwargs());
  custom["lag"] = helper.lag();
  custom["groupby_tags"] = helper.tags_size() > 0 ? HelperObject(helper.tags()) : Json(nullptr);
  Json column_tags = Json::object();
  for (int i = 0; i < group_by.aggregations_size() && g.contains("aggregations"); ++i) {
    if (group_by.aggregations(i).helper().tags_size() == 0) continue;
    for (const std::string& column : AggregationOutputColumns(g["aggregations"][i])) {
      column_tags[column] = HelperObject(group_by.aggregations(i).helper().tags());
    }
  }
  custom["column_tags"] = std::move(column_tags);

  // 7. MetaData.
  Json& meta_data = g["metaData"];
  if (meta_data.is_null()) meta_data = Json::object();
  meta_data["customJson"] = Dumps(custom);
  meta_data["dependencies"] = std::move(dependencies);
  meta_data["team"] = ctx.team;
  if (!meta_data.contains("offlineSchedule")) meta_data["offlineSchedule"] = kDefaultSchedule;
  SortByFieldNumber(&g, d);

  // 8. validate_group_by, and the validator's derivation check.
  ValidateGroupBy(ctx, g, pointer);
  if (g.contains("derivations")) {
    std::vector<std::string> keys(group_by.key_columns().begin(), group_by.key_columns().end());
    std::vector<std::string> available = PreDerivedGroupByColumns(g);
    available.insert(available.end(), keys.begin(), keys.end());
    ValidateDerivations(g["derivations"], keys, available, pointer + "/derivations", ctx.Locator(), ctx.diags);
  }
  return g;
}

namespace {

const Json kEmptyArray = Json::array();
const Json kEmptyObject = Json::object();

}  // namespace

void ValidateGroupBy(const CompileContext& ctx, const Json& g, const std::string& pointer) {
  const Json& sources = MemberOr(g, "sources", kEmptyArray);
  const bool has_aggregations = g.contains("aggregations");
  const Json& aggregations = MemberOr(g, "aggregations", kEmptyArray);
  const Json* accuracy = Find(g, "accuracy");
  const bool snapshot = accuracy != nullptr && *accuracy == static_cast<int>(api::SNAPSHOT);
  bool windowed = false;
  for (const Json& aggregation : aggregations) {
    windowed = windowed || !MemberOr(aggregation, "windows", kEmptyArray).empty();
  }
  bool any_streaming = false;
  std::vector<std::set<std::string>> column_sets;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string at = PointerAppend(PointerAppend(pointer, "sources"), i);
    auto [kind, member] = SourceMember(sources[i]);
    if (member == nullptr) continue;
    if (!member->contains("query")) continue;  // reported as missing-query
    const Json& query = MemberOr(*member, "query", kEmptyObject);
    const bool has_time = query.contains("timeColumn");
    std::set<std::string> columns;
    const Json& selects = MemberOr(query, "selects", kEmptyObject);
    for (auto& [key, value] : selects.items()) columns.insert(key);
    column_sets.push_back(std::move(columns));
    if (kind == "events") {
      if (member->contains("topic")) any_streaming = true;
      if (IsTrue(*member, "isCumulative") && !has_time) {
        ctx.diags->Error(
            ctx.Loc(at + "/events/isCumulative"), "cumulative-without-time-column",
            absl::StrCat("Please set query.timeColumn for Cumulative Events Table: ", GetString(*member, "table")));
      }
      if (query.contains("mutationTimeColumn")) {
        ctx.diags->Error(ctx.Loc(at + "/events/query/mutationTimeColumn"), "event-source-mutation-time",
                         "ingestionTimeColumn should not be specified for event source as it should be the same with "
                         "timeColumn");
      }
      if (query.contains("reversalColumn")) {
        ctx.diags->Error(ctx.Loc(at + "/events/query/reversalColumn"), "event-source-reversal",
                         "reversalColumn should not be specified for event source as it won't have mutations");
      }
      if (!snapshot && !has_time) {
        ctx.diags->Error(ctx.Loc(at + "/events/query"), "missing-time-column",
                         "please specify query.timeColumn for non-snapshot accurate group by with event source");
      }
      if (snapshot && member->contains("topic")) {
        ctx.diags->Error(ctx.Loc(pointer + "/accuracy"), "snapshot-streaming",
                         "SNAPSHOT accuracy should not be specified for streaming sources");
      }
    } else {
      if (kind == "entities" && member->contains("mutationTopic")) any_streaming = true;
      if (kind == "joinSource") {
        const Json& left = MemberOr(MemberOr(*member, "join", kEmptyObject), "left", kEmptyObject);
        const bool streams = (left.contains("events") && left["events"].contains("topic")) ||
                             (left.contains("entities") && left["entities"].contains("mutationTopic"));
        if (!streams) {
          ctx.diags->Error(ctx.Loc(at), "join-source-not-streaming",
                           "When using a JoinSource as the source for a GroupBy, the parent join must have a topic. "
                           "The parent join's left source needs an events `topic` or an entities `mutation_topic`.");
        }
        any_streaming = any_streaming || streams;
      }
      if (windowed && !has_time) {
        ctx.diags->Error(ctx.Loc(at), "missing-time-column",
                         "Please specify timeColumn for entity source with windowed aggregations");
      }
    }
    if (!has_aggregations && (kind == "events" || (kind == "entities" && (member->contains("mutationTable") ||
                                                                          member->contains("mutationTopic"))))) {
      ctx.diags->Error(ctx.Loc(at), "aggregations-required",
                       "You can only set aggregations=None in an EntitySource without mutations");
    }
  }
  for (size_t i = 1; i < column_sets.size(); ++i) {
    if (column_sets[i] != column_sets[0]) {
      std::vector<std::string> difference;
      for (const std::string& c : column_sets[0]) {
        if (!column_sets[i].count(c)) difference.push_back(c);
      }
      for (const std::string& c : column_sets[i]) {
        if (!column_sets[0].count(c)) difference.push_back(c);
      }
      ctx.diags->Error(ctx.Loc(PointerAppend(PointerAppend(pointer, "sources"), i)), "mismatched-source-columns",
                       absl::StrCat("Mismatched columns among sources [1, ", i + 1, "], Difference: {'",
                                    absl::StrJoin(difference, "', '"), "'}"));
    }
  }
  if (IsTrue(g, "isIncremental")) {
    for (const Json& source : sources) {
      if (!source.contains("events")) {
        ctx.diags->Error(ctx.Loc(pointer + "/isIncremental"), "incremental-needs-events",
                         "is_incremental is only supported for event sources");
        break;
      }
    }
    const bool effective_snapshot = accuracy != nullptr ? snapshot : !any_streaming;
    if (!effective_snapshot) {
      ctx.diags->Error(ctx.Loc(pointer + "/isIncremental"), "incremental-needs-snapshot",
                       "is_incremental is only supported for SNAPSHOT accuracy group bys");
    }
  }
  for (size_t i = 0; i < aggregations.size(); ++i) {
    const Json& aggregation = aggregations[i];
    const std::string at = PointerAppend(PointerAppend(pointer, "aggregations"), i);
    const std::string input = GetString(aggregation, "inputColumn");
    const int op = IntOr(aggregation, "operation", api::LAST);
    if (input.empty()) {
      ctx.diags->Error(ctx.Loc(at), "missing-input-column",
                       absl::StrCat("input_column is required for all operations, found: input_column = None and "
                                    "operation ",
                                    absl::AsciiStrToLower(OperationName(op))));
    }
    if (op == api::APPROX_PERCENTILE) {
      const Json& arg_map = MemberOr(aggregation, "argMap", kEmptyObject);
      if (!arg_map.contains("percentiles")) {
        ctx.diags->Error(ctx.Loc(at), "approx-percentile-arguments",
                         absl::StrCat("[Percentiles] Unsupported arguments for approx_percentile, example required: "
                                      "{'k': '128', 'percentiles': '[0.4,0.5,0.95]'}, received: ",
                                      Dumps(arg_map)));
      } else {
        const Json parsed = Json::parse(arg_map["percentiles"].get<std::string>(), nullptr, false);
        bool valid = parsed.is_array();
        for (const Json& p : valid ? parsed : Json::array()) {
          valid = valid && p.is_number() && p.get<double>() >= 0 && p.get<double>() <= 1;
        }
        if (!valid) {
          ctx.diags->Error(ctx.Loc(at), "approx-percentile-arguments",
                           absl::StrCat("[Percentiles] Unable to decode percentiles value, expected json array with "
                                        "values between 0 and 1 inclusive (ex: [0.6, 0.1]), received: ",
                                        arg_map["percentiles"].get<std::string>()));
        }
      }
    }
    // HISTOGRAM with a `k` is Python's HISTOGRAM_K(k): it keeps the k most frequent values.
    const bool bounded_histogram = op == api::HISTOGRAM && aggregation.contains("argMap") &&
                                   aggregation["argMap"].is_object() && aggregation["argMap"].contains("k");
    if (op == api::UNIQUE_COUNT || (op == api::HISTOGRAM && !bounded_histogram)) {
      ctx.diags->Warning(ctx.Loc(at), "unbounded-operation",
                         absl::StrCat(OperationName(op),
                                      " keeps every distinct value and can grow without bound; consider the APPROX_ "
                                      "or bounded variant"));
    }
    bool agg_hourly = false;
    const Json& windows = MemberOr(aggregation, "windows", kEmptyArray);
    for (size_t w = 0; w < windows.size(); ++w) {
      const Json& window = windows[w];
      if (IntOr(window, "timeUnit", 1) == api::HOURS) agg_hourly = true;
      // compile.py writes these as given; the engine then aggregates over nothing or fails at run time.
      const std::string window_at = PointerAppend(at + "/windows", w);
      const Json* length = Find(window, "length");
      if (length == nullptr || !length->is_number_integer() || length->get<int64_t>() <= 0) {
        ctx.diags->Error(ctx.Loc(length != nullptr ? window_at + "/length" : window_at), "window-length",
                         absl::StrCat("a window needs a positive length, not ",
                                      length != nullptr ? length->dump() : std::string("none"),
                                      "; write `windows { length: 7 time_unit: DAYS }`, or leave `windows` out to "
                                      "aggregate over all time"));
      }
      if (!window.contains("timeUnit")) {
        ctx.diags->Error(ctx.Loc(window_at), "window-time-unit",
                         "a window needs a `time_unit` (HOURS or DAYS): write `windows { length: 7 time_unit: DAYS }`");
      }
    }
    if (agg_hourly && (snapshot || g.contains("backfillStartDate"))) {
      ctx.diags->Error(ctx.Loc(at + "/windows"), "hourly-window-with-snapshot",
                       absl::StrCat("Detected a snapshot accuracy group by with an hourly aggregation. Resolution with "
                                    "snapshot accuracy is not fine enough to allow hourly group bys. Consider removing "
                                    "the `backfill start date` param if set or adjusting the aggregation window. "
                                    "input_column: ",
                                    input));
    }
  }
}

std::optional<CompiledObject> CompileGroupBy(CompileContext& ctx, const api::GroupBy& group_by,
                                             const ParseInfoTree& tree) {
  const Descriptor* d = api::GroupBy::descriptor();
  if (group_by.has_ref()) {
    ctx.diags->Error(At(&tree, d, "ref"), "ref-not-allowed",
                     "`ref` is for using a GroupBy inside a Join; a chronon_group_by defines one");
    return std::nullopt;
  }
  if (group_by.has_imported_by_name()) {
    ctx.diags->Error(At(&tree, d, "imported_by_name"), "ref-not-allowed",
                     "`imported_by_name` is for a `ref` to a GroupBy inside a Join; a chronon_group_by defines one");
    return std::nullopt;
  }
  RejectDerivedName(ctx, group_by.meta_data(), NestedTree(&tree, d, "meta_data", -1));
  Json g = BuildGroupBy(ctx, group_by, &tree, "");
  ValidateDeprecation(g, "group_by", ctx.name, ctx.Locator(), ctx.diags);
  // Module naming: name and team.
  g["metaData"]["name"] = ctx.name;
  g["metaData"]["team"] = ctx.team;
  SortByFieldNumber(&g, d);
  // The conf is `g` with the team metadata, which changes its metaData and a JoinSource's Join: only those members
  // are copied (Finish writes `g` with them in place), not the whole GroupBy.
  Json conf = Json::object();
  conf["metaData"] = g["metaData"];
  if (g.contains("sources")) {
    const Json& sources = g["sources"];
    const bool join_source = std::any_of(sources.begin(), sources.end(), [](const Json& source) {
      return source.contains("joinSource") && source["joinSource"].contains("join");
    });
    if (join_source) conf["sources"] = sources;
  }
  SetTeamMetadata(ctx, &conf, ctx.team, "");
  // _set_templated_values: the GroupBy's own dependencies.
  const std::string ns = GetString(conf["metaData"], "outputNamespace");
  const std::string logged = absl::StrCat(ns.empty() ? "{{ db }}" : ns, ".", Sanitize(ctx.name), "_logged");
  for (Json& dep : conf["metaData"]["dependencies"]) {
    dep = absl::StrReplaceAll(dep.get<std::string>(),
                              {{"{{ logged_table }}", logged}, {"{{ db }}", TeamNamespace(ctx, ctx.team, "")}});
  }
  return CompiledObject{std::move(g), nullptr, nullptr, std::move(conf)};
}

}  // namespace chronon
