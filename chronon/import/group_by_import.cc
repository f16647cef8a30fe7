// GroupBy, the inverse of BuildGroupBy / BuildAggregations / CompileGroupBy (group_by.cc): the selects GroupBy()
// adds for keys and inputs, the wait_for_ dependencies, customJson (lag, tags, kwargs), argMap and the metadata
// compile.py fills are dropped or turned back into `helper { }` arguments.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "chronon/common/python_compat.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/compiler/validate.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {
namespace {

// Python's str() of the k argument back to a number: "10" -> 10 (an int literal), "10.0" -> 10.0.
bool ParseNumber(const std::string& text, double* value, bool* integer) {
  int64_t i;
  if (absl::SimpleAtoi(text, &i)) {
    *value = static_cast<double>(i);
    *integer = true;
    return true;
  }
  *integer = false;
  return absl::SimpleAtod(text, value) && text.find_first_of(".eE") != std::string::npos;
}

// The argMap as Aggregation helper arguments (LAST_K(10), APPROX_PERCENTILE([...], k=...)), or false when it has
// another shape (then it is written as arg_map, exactly).
bool ArgMapToHelper(const Json& arg_map, int operation, const std::string& path, api::AggregationHelper* helper,
                    IntegerDoubles* integers) {
  if (!arg_map.is_object() || arg_map.empty()) return arg_map.is_object();
  const std::string helper_path = PathAppend(path, "helper");
  double k = 0;
  bool k_integer = false;
  if (!arg_map.contains("k") || !arg_map["k"].is_string() ||
      !ParseNumber(arg_map["k"].get<std::string>(), &k, &k_integer)) {
    return false;
  }
  if (operation == api::APPROX_PERCENTILE) {
    if (arg_map.size() != 2 || !arg_map.contains("percentiles") || !arg_map["percentiles"].is_string()) return false;
    const std::string text = arg_map["percentiles"].get<std::string>();
    absl::string_view list = text;
    if (!absl::ConsumePrefix(&list, "[") || !absl::ConsumeSuffix(&list, "]")) return false;
    int index = 0;
    for (absl::string_view item : absl::StrSplit(list, ", ")) {
      double p = 0;
      bool integer = false;
      if (!ParseNumber(std::string(item), &p, &integer)) return false;
      helper->add_percentiles(p);
      if (integer) integers->insert(absl::StrCat(PathAppend(helper_path, "percentiles"), "/", index));
      ++index;
    }
    if (arg_map["k"].get<std::string>() == "128") return true;  // APPROX_PERCENTILE's default k
  } else if (arg_map.size() != 1) {
    return false;
  }
  helper->set_k(k);
  if (k_integer) integers->insert(PathAppend(helper_path, "k"));
  return true;
}

// The selects as written: GroupBy() appends `column: column` for each key and aggregation input it does not find.
// The shortest prefix that gives the same selects back. Appending gives the selects back from prefix k exactly when
// every column is selected and the members after k are `c: "c"` for columns c, in the order of their first mention
// in `columns` (they are then the columns that the prefix does not select). That holds for every k from some k0 on,
// so k0 is found in one pass from the end (issue 26, finding 11: trying every prefix cost n^2 time and copies).
// `selects` is taken over (moved from): its members are moved into the result, not copied.
Json UnderiveSelects(Json selects, const std::vector<std::string>& columns) {
  std::unordered_map<std::string_view, size_t> first_mention;
  for (const std::string& column : columns) {
    first_mention.emplace(column, first_mention.size());
    if (!selects.contains(column)) return selects;
  }
  std::vector<Json::iterator> entries;
  entries.reserve(selects.size());
  for (auto it = selects.begin(); it != selects.end(); ++it) entries.push_back(it);
  size_t keep = entries.size();
  size_t next = first_mention.size();  // the first mention of the member after `keep`
  while (keep > 0) {
    const auto& entry = entries[keep - 1];
    const auto mention = first_mention.find(entry.key());
    if (mention == first_mention.end() || mention->second >= next || !entry.value().is_string() ||
        entry.value().get_ref<const std::string&>() != entry.key()) {
      break;
    }
    next = mention->second;
    --keep;
  }
  if (keep == entries.size()) return selects;
  Json written = Json::object();
  for (size_t i = 0; i < keep; ++i) written[entries[i].key()] = std::move(entries[i].value());
  return written;
}

}  // namespace

void UnderiveGroupBy(const Json& group_by, const std::string& pointer, const std::string& path, bool nested,
                     const Choices& choices, const Context& ctx, api::GroupBy* out, IntegerDoubles* integers) {
  if (!group_by.is_object()) {
    AddError(ctx, pointer, "a GroupBy must be an object");
    return;
  }
  Json meta = group_by.value("metaData", Json::object());
  const std::string name = meta.value("name", "");
  const std::string team = meta.value("team", "");
  Json plain = Without(group_by, {"metaData", "sources", "aggregations"});
  JsonToProto(plain, pointer, path, out, integers, ctx.errors, ctx.file);

  // customJson: {**kwargs, "lag", "groupby_tags", "column_tags"}.
  api::GroupByHelper* helper = out->mutable_helper();
  const Json custom = ParseCustomJson(meta, ctx, pointer);
  Json column_tags = Json::object();
  for (const auto& [key, value] : custom.items()) {
    if (key == "lag") {
      const std::optional<int> lag = value.is_number_integer() ? IntegerOf<int>(value) : std::nullopt;
      if (lag.value_or(0) != 0) helper->set_lag(*lag);
    } else if (key == "groupby_tags") {
      if (value.is_object()) {
        for (const auto& [tag, tag_value] : value.items()) ToJsonField(tag, tag_value, helper->add_tags());
      }
    } else if (key == "column_tags") {
      column_tags = value;
    } else {
      ToJsonField(key, value, helper->add_kwargs());
    }
  }

  // Aggregations: argMap back to helper arguments.
  std::vector<std::string> columns(out->key_columns().begin(), out->key_columns().end());
  // References, not copies (issue 26, finding 11): they are most of a large GroupBy.
  static const Json kNull, kEmptyArray = Json::array();
  const Json& aggregations = MemberOr(group_by, "aggregations", kNull);
  if (!aggregations.is_null()) {
    if (!aggregations.is_array()) AddError(ctx, pointer + "/aggregations", "expected an array");
    for (size_t i = 0; aggregations.is_array() && i < aggregations.size(); ++i) {
      const Json& aggregation = aggregations[i];
      const std::string at = PointerAppend(pointer + "/aggregations", i);
      const std::string agg_path = PathAppend(path, "aggregations", static_cast<int>(i));
      api::Aggregation* agg = out->add_aggregations();
      if (!aggregation.is_object()) {
        AddError(ctx, at, "expected an object");
        continue;
      }
      JsonToProto(Without(aggregation, {"argMap"}), at, agg_path, agg, integers, ctx.errors, ctx.file);
      columns.push_back(agg->input_column());
      const bool has_operation = aggregation.contains("operation");
      const int operation = IntOr(aggregation, "operation", api::LAST);
      if (!aggregation.contains("argMap") || !has_operation) {
        // A raw ttypes.Aggregation: no argMap, no default operation.
        agg->mutable_helper()->set_raw(true);
        if (aggregation.contains("argMap")) {
          JsonToProto(Json{{"argMap", aggregation["argMap"]}}, at, agg_path, agg, integers, ctx.errors, ctx.file);
        }
      } else if (!ArgMapToHelper(aggregation["argMap"], operation, agg_path, agg->mutable_helper(), integers)) {
        agg->mutable_helper()->Clear();
        JsonToProto(Json{{"argMap", aggregation["argMap"]}}, at, agg_path, agg, integers, ctx.errors, ctx.file);
      }
      if (column_tags.is_object() && !column_tags.empty()) {
        for (const std::string& column : AggregationOutputColumns(aggregation)) {
          auto tags = column_tags.find(column);
          if (tags == column_tags.end() || !tags->is_object()) continue;
          for (const auto& [tag, tag_value] : tags->items())
            ToJsonField(tag, tag_value, agg->mutable_helper()->add_tags());
          break;
        }
      }
      if (agg->has_helper() && agg->helper().ByteSizeLong() == 0) agg->clear_helper();
    }
  }

  // Sources: the selects GroupBy() added are dropped.
  const Json& sources = MemberOr(group_by, "sources", kEmptyArray);
  if (!sources.is_array()) AddError(ctx, pointer + "/sources", "expected an array");
  for (size_t i = 0; sources.is_array() && i < sources.size(); ++i) {
    Json source = sources[i];
    for (const char* kind : {"events", "entities", "joinSource"}) {
      if (!source.is_object() || !source.contains(kind) || !source[kind].is_object()) continue;
      Json& member = source[kind];
      if (member.contains("query") && member["query"].is_object() && member["query"].contains("selects") &&
          member["query"]["selects"].is_object()) {
        Json written = UnderiveSelects(std::move(member["query"]["selects"]), columns);
        if (written.empty()) {
          member["query"].erase("selects");
        } else {
          member["query"]["selects"] = std::move(written);
        }
      }
    }
    api::Source* written = out->add_sources();
    UnderiveSource(std::move(source), PointerAppend(pointer + "/sources", i),
                   PathAppend(path, "sources", static_cast<int>(i)), choices, ctx, written, integers);
    if (!nested) ShareSource(ctx, written);
  }

  // Dependencies: derived from the sources unless given explicitly (then one copy per source).
  const Json dependencies = meta.value("dependencies", Json::array());
  if (choices.explicit_dependencies && dependencies.is_array() && !sources.empty()) {
    const size_t per_source = dependencies.size() / sources.size();
    for (size_t i = 0; i < per_source; ++i) {
      const Json dep =
          dependencies[i].is_string() ? Json::parse(dependencies[i].get<std::string>(), nullptr, false) : Json();
      if (dep.is_object() && dep.contains("spec") && dep["spec"].is_string()) {
        helper->add_dependencies(dep["spec"].get<std::string>());
      }
    }
  }
  if (helper->ByteSizeLong() == 0) out->clear_helper();

  // MetaData: name and team come from where the target lives (an inline GroupBy keeps its name); the team's
  // namespace and table properties only when a Join's copy shows the definition wrote them.
  Json meta_plain = Without(meta, {"name", "team", "customJson", "dependencies"});
  bool keep_namespace = false, keep_properties = false;
  auto embedded = ctx.embedded_group_bys.find(name);
  if (embedded != ctx.embedded_group_bys.end()) {
    const Json embedded_meta = embedded->second.value("metaData", Json::object());
    keep_namespace = embedded_meta.contains("outputNamespace");
    keep_properties = embedded_meta.contains("tableProperties");
  }
  api::MetaData* meta_data = out->mutable_meta_data();
  if (nested) {
    keep_namespace = keep_properties = true;
    // An inline GroupBy built without a name (thrift's JoinPart(groupBy=GroupBy(...)), Chronon's item_rec) has none.
    if (meta.contains("name")) meta_data->set_name(name);
  }
  JsonToProto(meta_plain, pointer + "/metaData", PathAppend(path, "meta_data"), meta_data, integers, ctx.errors,
              ctx.file);
  UnderiveTeamMetadata(meta, team, keep_namespace, keep_properties, ctx, meta_data);
  if (meta_data->ByteSizeLong() == 0) out->clear_meta_data();
}

}  // namespace importer
}  // namespace chronon
