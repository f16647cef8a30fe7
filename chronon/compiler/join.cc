#include "chronon/compiler/join.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "chronon/common/python_compat.h"
#include "chronon/compiler/labels.h"
#include "chronon/compiler/source.h"
#include "chronon/compiler/team_metadata.h"

namespace chronon {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

Json BuildExternalSource(CompileContext& ctx, const api::ExternalSource& source, const ParseInfoTree* tree,
                         const std::string& pointer) {
  const Descriptor* d = api::ExternalSource::descriptor();
  ToJsonOptions options = ctx.Options();
  Json out = ProtoToJson(source, tree, pointer, options);
  if (!source.has_helper() && !source.has_contextual()) return out;
  if (source.has_helper() && source.has_contextual()) {
    ctx.diags->Error(At(tree, d, "contextual"), "external-and-contextual",
                     "an external source is either `helper { ... }` (ExternalSource) or `contextual { ... }` "
                     "(ContextualSource), not both");
    return out;
  }
  for (const char* field : {"metadata", "key_schema", "value_schema"}) {
    const FieldDescriptor* f = d->FindFieldByName(field);
    if (source.GetReflection()->HasField(source, f)) {
      ctx.diags->Error(At(tree, d, field), "derived-field",
                       absl::StrCat(field, " is derived from the ExternalSource/ContextualSource arguments in `",
                                    source.has_helper() ? "helper" : "contextual", "`"));
    }
  }
  auto convert = [&](const google::protobuf::RepeatedPtrField<api::DataField>& list, const ParseInfoTree* t,
                     const Descriptor* owner, const char* name) {
    Json params = Json::array();
    for (int i = 0; i < list.size(); ++i) {
      const ParseInfoTree* field_tree = NestedTree(t, owner, name, i);
      params.push_back(ProtoToJson(list.Get(i), field_tree, PointerAppend(PointerAppend(pointer, name), i), options));
    }
    return params;
  };
  auto schema = [](const std::string& name, Json params) {
    Json type = Json::object();
    type["kind"] = static_cast<int>(api::STRUCT);
    type["params"] = std::move(params);
    type["name"] = name;
    return type;
  };
  Json metadata = Json::object();
  Json keys, values;
  if (source.has_helper()) {
    const api::ExternalSourceHelper& helper = source.helper();
    const ParseInfoTree* helper_tree = NestedTree(tree, d, "helper", -1);
    const Descriptor* hd = api::ExternalSourceHelper::descriptor();
    if (helper.name() == "contextual") {
      ctx.diags->Error(At(helper_tree, hd, "name"), "contextual-name", "Please use `ContextualSource`");
    }
    if (helper.name().empty()) {
      ctx.diags->Error(At(tree, d, "helper"), "missing-name", "an ExternalSource needs a `name`");
    }
    metadata["name"] = helper.name();
    if (helper.has_custom_json()) metadata["customJson"] = helper.custom_json();
    if (helper.has_team()) metadata["team"] = helper.team();
    keys = schema(absl::StrCat("ext_", helper.name(), "_keys"),
                  convert(helper.key_fields(), helper_tree, hd, "key_fields"));
    values = schema(absl::StrCat("ext_", helper.name(), "_values"),
                    convert(helper.value_fields(), helper_tree, hd, "value_fields"));
  } else {
    const api::ContextualSourceHelper& helper = source.contextual();
    const ParseInfoTree* helper_tree = NestedTree(tree, d, "contextual", -1);
    const Descriptor* hd = api::ContextualSourceHelper::descriptor();
    metadata["name"] = "contextual";
    metadata["team"] = helper.has_team() ? helper.team() : "default";
    keys = schema("contextual_keys", convert(helper.fields(), helper_tree, hd, "fields"));
    values = schema("contextual_values", convert(helper.fields(), helper_tree, hd, "fields"));
  }
  SortByFieldNumber(&metadata, api::MetaData::descriptor());
  out["metadata"] = std::move(metadata);
  out["keySchema"] = std::move(keys);
  out["valueSchema"] = std::move(values);
  SortByFieldNumber(&out, d);
  return out;
}

void ValidateLabelPart(const CompileContext& ctx, Json* label_part, const std::string& pointer) {
  const Json labels = label_part->value("labels", Json::array());
  bool aggregated = false;
  for (const Json& label : labels)
    aggregated = aggregated || label.value("groupBy", Json::object()).contains("aggregations");
  if (!aggregated) return;
  if (labels.size() > 1) {
    ctx.diags->Error(ctx.Loc(pointer + "/labels"), "label-multiple-parts",
                     "Multiple label joinPart is not supported yet");
    return;
  }
  const Json aggregations = labels[0]["groupBy"]["aggregations"];
  const std::string at = pointer + "/labels/0/groupBy/aggregations";
  if (aggregations.size() != 1 || aggregations[0].value("windows", Json::array()).size() != 1) {
    ctx.diags->Error(ctx.Loc(at), "label-aggregation-shape",
                     "Too many aggregations or invalid windows found. Single aggregation with one window allowed.");
    return;
  }
  const Json window = aggregations[0]["windows"][0];
  if (IntOr(window, "timeUnit", 1) != api::DAYS) {
    ctx.diags->Error(ctx.Loc(at + "/0/windows/0"), "label-window-unit", "Label aggregation window unit must be DAYS");
    return;
  }
  const int size = IntOr(window, "length", 0);
  if (IntOr(*label_part, "leftStartOffset", size) != size || IntOr(*label_part, "leftEndOffset", size) != size) {
    ctx.diags->Warning(ctx.Loc(pointer + "/leftStartOffset"), "label-offsets-inferred",
                       absl::StrCat("left_start_offset and left_end_offset will be inferred to be same as aggregation "
                                    "window ",
                                    size, " and the incorrect values will be ignored."));
  }
  (*label_part)["leftStartOffset"] = size;
  (*label_part)["leftEndOffset"] = size;
  SortByFieldNumber(label_part, api::LabelPart::descriptor());
}

Json BuildJoin(CompileContext& ctx, const api::Join& join, const ParseInfoTree* tree, const std::string& pointer) {
  const Descriptor* d = api::Join::descriptor();
  RejectDerivedMetaData(ctx, join.meta_data(), NestedTree(tree, d, "meta_data", -1), "Join");
  ToJsonOptions options = ctx.Options();
  const int errors_before = ctx.diags->error_count();
  Json j = ProtoToJson(join, tree, pointer, options);
  const api::JoinHelper& helper = join.helper();
  if (ctx.diags->error_count() > errors_before) return j;
  const std::vector<std::string> explicit_deps(helper.dependencies().begin(), helper.dependencies().end());

  // 1. The left source: no cumulative events, no JoinSource; an events left gets `ts` appended to its selects.
  if (!join.has_left()) {
    ctx.diags->Error(ctx.Loc(pointer), "missing-left", "a Join needs a `left` source");
    return j;
  }
  Json& left = j["left"];
  const Location left_at = ctx.Loc(pointer + "/left");
  if (left.contains("events") && IsTrue(left["events"], "isCumulative")) {
    ctx.diags->Error(
        ctx.Loc(pointer + "/left/events/isCumulative"), "cumulative-left",
        "Using EventSource with isCumulative=True as Left source in Joins is NOT supported by Chronon now. "
        "You can use either EntitySource or EventSource with isCumulative=False.");
  }
  if (left.contains("joinSource")) {
    ctx.diags->Error(left_at, "join-source-left",
                     "Using JoinSource as Left source in Joins is NOT supported by Chronon now. For offline-only use "
                     "case, you can directly depend on the Join's output table.");
  }
  if (left.contains("events") && left["events"].contains("query")) {
    Json& query = left["events"]["query"];
    if (query.contains("selects") && !query["selects"].empty()) {
      if (query["selects"].contains("ts")) {
        ctx.diags->Error(ctx.Loc(pointer + "/left/events/query/selects/ts"), "reserved-ts",
                         "'ts' is a reserved key word for Chronon, please specify the expression in timeColumn");
      }
      query["selects"]["ts"] = StringOrNull(query, "timeColumn");
    }
  }

  // 2-3. Left dependencies, then each right part's GroupBy dependencies (once per source, normalized).
  std::vector<std::string> left_deps = SourceDependencies(ctx, left, explicit_deps, helper.lag());
  std::vector<std::string> deps = left_deps;
  auto group_by_deps = [&](const Json& group_by, std::vector<std::string>* out) {
    const Json meta_data = group_by.value("metaData", Json::object());
    const size_t source_count = group_by.value("sources", Json::array()).size();
    for (size_t s = 0; s < source_count; ++s) {
      for (const Json& dep : meta_data.value("dependencies", Json::array())) {
        const Json parsed = Json::parse(dep.get<std::string>(), nullptr, false);
        out->push_back(parsed.is_discarded() ? dep.get<std::string>() : Dumps(parsed));
      }
    }
  };
  Json parts = j.value("joinParts", Json::array());
  for (const Json& part : parts) group_by_deps(part.value("groupBy", Json::object()), &deps);

  // 4. The label part gets its own dependencies: the left's, the label GroupBys', and the join's backfill table.
  if (j.contains("labelPart")) {
    Json& label_part = j["labelPart"];
    ValidateLabelPart(ctx, &label_part, pointer + "/labelPart");
    std::vector<std::string> label_deps = left_deps;
    for (const Json& label : label_part.value("labels", Json::array())) {
      group_by_deps(label.value("groupBy", Json::object()), &label_deps);
    }
    Json backfill = Json::object();
    backfill["name"] = "wait_for_{{ join_backfill_table }}";
    backfill["spec"] = "{{ join_backfill_table }}/ds={{ ds }}";
    label_deps.push_back(Dumps(backfill));
    Json unique = Json::array();
    std::set<std::string> seen;
    for (const std::string& dep : label_deps) {
      if (seen.insert(dep).second) unique.push_back(dep);
    }
    Json label_meta = Json::object();
    label_meta["dependencies"] = std::move(unique);
    label_meta["offlineSchedule"] =
        label_part.value("metaData", Json::object()).value("offlineSchedule", std::string(kDefaultSchedule));
    label_part["metaData"] = std::move(label_meta);
  }

  // 5. customJson: check_consistency, lag, additional_args, additional_env, kwargs, join_tags, join_part_tags; each
  // JSON-valued helper argument as Python takes it.
  const ParseInfoTree* helper_tree = NestedTree(tree, d, "helper", -1);
  CheckHelperStringList(ctx, helper, helper_tree, "additional_args", "Join");
  CheckHelperStringList(ctx, helper, helper_tree, "additional_env", "Join");
  CheckHelperDict(ctx, helper, helper_tree, "kwargs", "Join", &JoinArguments());
  CheckHelperDict(ctx, helper, helper_tree, "tags", "Join", nullptr);
  for (int i = 0; i < join.join_parts_size(); ++i) {
    CheckHelperDict(ctx, join.join_parts(i).helper(),
                    NestedTree(NestedTree(tree, d, "join_parts", i), api::JoinPart::descriptor(), "helper", -1), "tags",
                    "JoinPart", nullptr);
  }
  Json custom = Json::object();
  custom["check_consistency"] = helper.check_consistency();
  custom["lag"] = helper.lag();
  auto truthy = [](const Json& value) {
    return !(value.is_null() || (value.is_boolean() && !value.get<bool>()) || (value.is_string() && value.empty()) ||
             ((value.is_array() || value.is_object()) && value.empty()) ||
             (value.is_number() && value.get<double>() == 0));
  };
  if (helper.has_additional_args() && truthy(HelperValue(helper.additional_args()))) {
    custom["additional_args"] = HelperValue(helper.additional_args());
  }
  if (helper.has_additional_env() && truthy(HelperValue(helper.additional_env()))) {
    custom["additional_env"] = HelperValue(helper.additional_env());
  }
  const Json kwargs = HelperObject(helper.kwargs());
  for (auto& [key, value] : kwargs.items()) custom[key] = value;
  custom["join_tags"] = helper.tags_size() > 0 ? HelperObject(helper.tags()) : Json(nullptr);
  Json part_tags = Json::object();
  for (int i = 0; i < join.join_parts_size() && i < static_cast<int>(parts.size()); ++i) {
    const api::JoinPart& part = join.join_parts(i);
    if (part.helper().tags_size() == 0) continue;
    const std::string gb_name =
        GetString(parts[i].value("groupBy", Json::object()).value("metaData", Json::object()), "name");
    part_tags[absl::StrCat(part.has_prefix() ? part.prefix() + "_" : "", gb_name)] = HelperObject(part.helper().tags());
  }
  custom["join_part_tags"] = std::move(part_tags);

  // 7. consistencySamplePercent only with check_consistency.
  Json& meta_data = j["metaData"];
  if (meta_data.is_null()) meta_data = Json::object();
  if (helper.check_consistency()) {
    const std::vector<std::string_view> tokens =
        ScalarTokens(ctx.src_text, NestedTree(tree, d, "helper", -1),
                     api::JoinHelper::descriptor()->FindFieldByName("consistency_sample_percent"));
    if (!helper.has_consistency_sample_percent()) {
      meta_data["consistencySamplePercent"] = 5.0;
    } else if (!tokens.empty() && IsIntegerLiteral(tokens[0])) {
      meta_data["consistencySamplePercent"] = static_cast<int64_t>(helper.consistency_sample_percent());
    } else {
      meta_data["consistencySamplePercent"] = helper.consistency_sample_percent();
    }
  }

  // 8. External parts must be unique by (prefix, source name).
  std::map<std::pair<std::string, std::string>, int> external_counts;
  for (const Json& part : j.value("onlineExternalParts", Json::array())) {
    const std::string name = GetString(part.value("source", Json::object()).value("metadata", Json::object()), "name");
    ++external_counts[{GetString(part, "prefix"), name}];
  }
  for (const auto& [key, count] : external_counts) {
    if (count > 1) {
      ctx.diags->Error(ctx.Loc(pointer + "/onlineExternalParts"), "duplicate-external-part",
                       absl::StrCat("Found ", count - 1, " duplicate(s) for external part (",
                                    key.first.empty() ? "None" : "'" + key.first + "'", ", '", key.second,
                                    "'). Please address all the above mentioned duplicates."));
    }
  }

  // 9. bootstrap_from_log appends a part reading the join's own logged table.
  if (helper.bootstrap_from_log()) {
    const Json* sample = Find(meta_data, "samplePercent");
    if (!IsTrue(meta_data, "online") || sample == nullptr || !(sample->get<double>() > 0)) {
      ctx.diags->Error(At(NestedTree(tree, d, "helper", -1), api::JoinHelper::descriptor(), "bootstrap_from_log"),
                       "bootstrap-from-log-offline",
                       "Join must be online with sample_percent set in order to use bootstrap_from_log option");
    }
    Json part = Json::object();
    part["table"] = "{{ logged_table }}";
    if (!j.contains("bootstrapParts")) j["bootstrapParts"] = Json::array();
    j["bootstrapParts"].push_back(std::move(part));
  }

  // 10-11. Bootstrap dependencies (none when explicit dependencies are given); de-duplicate in order.
  if (explicit_deps.empty()) {
    for (const Json& part : j.value("bootstrapParts", Json::array())) {
      Json source = Json::object();
      source["events"] = Json::object();
      source["events"]["table"] = part.value("table", "");
      if (part.contains("query")) source["events"]["query"] = part["query"];
      for (std::string& dep : SourceDependencies(ctx, source, {}, 0)) deps.push_back(std::move(dep));
    }
  }
  Json unique = Json::array();
  std::set<std::string> seen;
  for (const std::string& dep : deps) {
    if (seen.insert(dep).second) unique.push_back(dep);
  }

  // 12. MetaData: online and production default to False and are always written. (Re-fetched: inserting
  // members into an ordered_json moves the others.)
  Json& meta = j["metaData"];
  if (!meta.contains("online")) meta["online"] = 0;
  if (!meta.contains("production")) meta["production"] = 0;
  meta["customJson"] = Dumps(custom);
  meta["dependencies"] = std::move(unique);
  if (!meta.contains("offlineSchedule")) meta["offlineSchedule"] = kDefaultSchedule;
  SortByFieldNumber(&j, d);
  return j;
}

// compile.py's extract_objects.from_file: every GroupBy bound in the Join's module (defined there, or imported by
// name: `from group_bys.risk.payments import listing_v1`) that a Join of the module uses in a join part gets the
// Join's team (`jp.groupBy.metaData.team = obj.metaData.team`). It is one Python object, so every embedding of it in
// the Join, label parts included, carries that team. A GroupBy reached through its module (`payments.listing_v1`)
// is not bound in the Join's module and keeps its own team. The textproto says which with `imported_by_name` on
// the `ref`; only the written conf changes: a definition that embeds this Join reads it through the Join's own
// module, where compile.py did not change the team.
void GiveJoinTeamToGroupBysImportedByName(const CompileContext& ctx, const api::Join& join, Json* conf) {
  std::set<std::string> by_name;
  auto mark = [&](const api::JoinPart& part) {
    if (part.group_by().has_ref() && part.group_by().imported_by_name()) {
      std::optional<Label> label = ResolveLabel(part.group_by().ref(), ctx.label, ctx.main_repo);
      if (label) by_name.insert(label->ToString());
    }
  };
  for (const api::JoinPart& part : join.join_parts()) mark(part);
  for (const api::JoinPart& part : join.label_part().labels()) mark(part);
  if (by_name.empty()) return;
  auto apply = [&](const api::JoinPart& part, Json* part_json) {
    if (!part.group_by().has_ref() || !part_json->is_object()) return;
    std::optional<Label> label = ResolveLabel(part.group_by().ref(), ctx.label, ctx.main_repo);
    if (!label || !by_name.count(label->ToString())) return;
    if (!part_json->contains("groupBy")) return;
    Json& group_by = (*part_json)["groupBy"];
    if (group_by.is_object() && group_by.contains("metaData") && group_by["metaData"].is_object()) {
      group_by["metaData"]["team"] = ctx.team;
    }
  };
  if (conf->contains("joinParts")) {
    Json& parts = (*conf)["joinParts"];
    for (int i = 0; i < join.join_parts_size() && i < static_cast<int>(parts.size()); ++i) {
      apply(join.join_parts(i), &parts[i]);
    }
  }
  if (conf->contains("labelPart") && (*conf)["labelPart"].contains("labels")) {
    Json& labels = (*conf)["labelPart"]["labels"];
    for (int i = 0; i < join.label_part().labels_size() && i < static_cast<int>(labels.size()); ++i) {
      apply(join.label_part().labels(i), &labels[i]);
    }
  }
}

std::optional<CompiledObject> CompileJoin(CompileContext& ctx, const api::Join& join, const ParseInfoTree& tree) {
  const Descriptor* d = api::Join::descriptor();
  if (join.has_ref()) {
    ctx.diags->Error(At(&tree, d, "ref"), "ref-not-allowed",
                     "`ref` is for using a Join inside a JoinSource; a chronon_join defines one");
    return std::nullopt;
  }
  RejectDerivedName(ctx, join.meta_data(), NestedTree(&tree, d, "meta_data", -1));
  Json j = BuildJoin(ctx, join, &tree, "");
  j["metaData"]["name"] = ctx.name;
  j["metaData"]["team"] = ctx.team;
  SortByFieldNumber(&j, d);

  // An online Join needs online GroupBys. A part explicitly `online: false` is a validator error (compile.py
  // writes nothing); a part that leaves `online` unset makes compile.py assert only after writing the join, so
  // the join is written and this is a warning.
  if (IsTrue(j["metaData"], "online")) {
    std::vector<std::string> offline, unset;
    for (const Json& part : j.value("joinParts", Json::array())) {
      const Json meta_data = part.value("groupBy", Json::object()).value("metaData", Json::object());
      if (IsTrue(meta_data, "online")) continue;
      (meta_data.contains("online") ? offline : unset).push_back(GetString(meta_data, "name"));
    }
    if (!offline.empty()) {
      ctx.diags->Error(ctx.Loc("/joinParts"), "online-join-offline-group-by",
                       absl::StrCat("join ", ctx.name, " is online but includes the following offline group_bys: ",
                                    absl::StrJoin(offline, ", ")));
    }
    if (!unset.empty()) {
      ctx.diags->Warning(
          ctx.Loc("/joinParts"), "online-join-group-by-not-online",
          absl::StrCat("You must make all dependent GroupBys `online` if you want to make your join [", ctx.name,
                       "] `online`. You can do this by passing the `online=True` argument to the "
                       "GroupBy constructor. Fix the following: [",
                       absl::StrJoin(unset, ", "), "]"));
    }
  }

  // The same GroupBy twice (or two parts whose prefix and name spell the same columns) gives duplicate output
  // columns: compile.py writes the join, the engine fails on it at run time.
  {
    std::map<std::string, size_t> first_part;
    const Json parts = j.value("joinParts", Json::array());
    for (size_t i = 0; i < parts.size(); ++i) {
      Json one = Json::object();
      one["joinParts"] = Json::array({parts[i]});
      std::vector<std::string> repeated;
      size_t earlier = 0;
      for (const std::string& column : JoinPartColumns(one)) {
        auto [it, inserted] = first_part.emplace(column, i);
        if (!inserted && it->second != i) {
          if (repeated.empty()) earlier = it->second;
          repeated.push_back(column);
        }
      }
      if (repeated.empty()) continue;
      const std::string name =
          GetString(parts[i].value("groupBy", Json::object()).value("metaData", Json::object()), "name");
      ctx.diags->Error(
          ctx.Loc(PointerAppend("/joinParts", i)), "duplicate-join-part",
          absl::StrCat("join_parts[", i, "] (", name, ") gives the same output columns as join_parts[", earlier, "]: ",
                       repeated.size() <= 3
                           ? absl::StrJoin(repeated, ", ")
                           : absl::StrCat(repeated[0], ", ", repeated[1], ", ... (", repeated.size(), " columns)"),
                       "; give one of them a distinct `prefix`, or remove the repeated part"));
    }
  }
  ValidateKeyMappings(j, ctx.Locator(), ctx.diags);
  ValidateProduction(j, ctx.name, ctx.Locator(), ctx.diags);
  ValidateDeprecation(j, "join", ctx.name, ctx.Locator(), ctx.diags);
  if (j.contains("derivations")) {
    std::vector<std::string> left_columns;
    for (const char* kind : {"events", "entities"}) {
      const Json* member = Find(j["left"], kind);
      const Json* query = member != nullptr ? Find(*member, "query") : nullptr;
      const Json* selects = query != nullptr ? Find(*query, "selects") : nullptr;
      if (selects == nullptr) continue;
      for (const auto& [column, expression] : selects->items()) left_columns.push_back(column);
    }
    std::vector<std::string> available = JoinPartColumns(j);
    for (std::string& column : ExternalPartColumns(j)) available.push_back(std::move(column));
    available.insert(available.end(), left_columns.begin(), left_columns.end());
    ValidateDerivations(j["derivations"], left_columns, available, "/derivations", ctx.Locator(), ctx.diags);
  }

  Json conf = j;
  SetTeamMetadata(ctx, &conf, ctx.team, "");
  GiveJoinTeamToGroupBysImportedByName(ctx, join, &conf);
  Json& meta_data = conf["metaData"];
  const std::string ns = GetString(meta_data, "outputNamespace");
  const std::string table = absl::StrCat(ns, ".", Sanitize(ctx.name));
  if (conf.contains("bootstrapParts") && !conf["bootstrapParts"].empty()) {
    const std::vector<std::pair<std::string, std::string>> replacements = {
        {"{{ logged_table }}", absl::StrCat(ns.empty() ? "{{ db }}" : ns, ".", Sanitize(ctx.name), "_logged")},
        {"{{ db }}", TeamNamespace(ctx, ctx.team, "")}};
    auto fill = [&](Json& value) {
      std::string text = value.get<std::string>();
      for (const auto& [from, to] : replacements) text = absl::StrReplaceAll(text, {{from, to}});
      value = text;
    };
    for (Json& part : conf["bootstrapParts"]) {
      if (part.contains("table")) fill(part["table"]);
    }
    for (Json& dep : meta_data["dependencies"]) fill(dep);
  }
  if (conf.contains("labelPart") && conf["labelPart"].contains("metaData")) {
    for (Json& dep : conf["labelPart"]["metaData"]["dependencies"]) {
      dep = absl::StrReplaceAll(dep.get<std::string>(), {{"{{ join_backfill_table }}", table}});
    }
  }
  return CompiledObject{std::move(j), std::move(conf), nullptr};
}

}  // namespace chronon
