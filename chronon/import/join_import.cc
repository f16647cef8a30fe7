// Join, the inverse of BuildJoin / CompileJoin (join.cc): the left's `ts` select, the wait_for_ dependencies,
// customJson (check_consistency, lag, additional_args/env, tags, kwargs), the label part's metadata, the logged
// bootstrap part and the external sources' derived schemas are dropped or turned back into `helper { }` arguments;
// a GroupBy with a file of its own in production/ becomes a `ref`.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"

namespace chronon {
namespace importer {
namespace {

std::string Sanitize(const std::string& text) {
  std::string out(text);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out;
}

// A join part's or label part's GroupBy: a ref to its target, or inline.
void PartGroupBy(const Json& group_by, const std::string& pointer, const std::string& path, const Choices& choices,
                 const Context& ctx, api::GroupBy* out, IntegerDoubles* integers) {
  const std::string name = group_by.value("metaData", Json::object()).value("name", "");
  auto it = ctx.by_name.find(name);
  if (choices.refs && it != ctx.by_name.end() && it->second->kind == "group_by" && ctx.available.count(name)) {
    out->set_ref(it->second->label());
    // Embedded with another team than its own: compile.py gives a GroupBy that the Join's module imports by name
    // the Join's team (join.cc, GiveJoinTeamToGroupBysImportedByName). The compile checks that it is the Join's.
    const std::string team = group_by.value("metaData", Json::object()).value("team", "");
    if (!team.empty() && team != it->second->team) out->set_imported_by_name(true);
    return;
  }
  UnderiveGroupBy(group_by, pointer, path, /*nested=*/true, choices, ctx, out, integers);
}

void JoinPart(const Json& part, const std::string& pointer, const std::string& path, const Choices& choices,
              const Context& ctx, const Json& part_tags, api::JoinPart* out, IntegerDoubles* integers) {
  if (!part.is_object()) {
    AddError(ctx, pointer, "expected an object");
    return;
  }
  JsonToProto(Without(part, {"groupBy"}), pointer, path, out, integers, ctx.errors, ctx.file);
  if (part.contains("groupBy")) {
    PartGroupBy(part["groupBy"], pointer + "/groupBy", PathAppend(path, "group_by"), choices, ctx,
                out->mutable_group_by(), integers);
    const std::string name = part["groupBy"].value("metaData", Json::object()).value("name", "");
    const std::string key = (part.contains("prefix") ? part.value("prefix", "") + "_" : "") + name;
    if (part_tags.is_object() && part_tags.contains(key) && part_tags[key].is_object()) {
      for (const auto& [tag, value] : part_tags[key].items())
        ToJsonField(tag, value, out->mutable_helper()->add_tags());
    }
  }
}

bool SameParams(const api::TDataType& a, const api::TDataType& b) {
  api::TDataType x = a, y = b;
  x.clear_name();
  y.clear_name();
  return x.SerializeAsString() == y.SerializeAsString();
}

// ExternalSource() / ContextualSource(): metadata and STRUCT schemas back to their arguments.
void ExternalSource(const Json& source, const std::string& pointer, const std::string& path, const Choices& choices,
                    const Context& ctx, api::ExternalSource* out, IntegerDoubles* integers) {
  JsonToProto(Without(source, {"offlineGroupBy"}), pointer, path, out, integers, ctx.errors, ctx.file);
  if (source.contains("offlineGroupBy")) {
    PartGroupBy(source["offlineGroupBy"], pointer + "/offlineGroupBy", PathAppend(path, "offline_group_by"), choices,
                ctx, out->mutable_offline_group_by(), integers);
  }
  const api::MetaData metadata = out->metadata();
  const std::string name = metadata.name();
  const auto& keys = out->key_schema();
  const auto& values = out->value_schema();
  auto schema_is = [](const api::TDataType& type, const std::string& schema_name) {
    return type.kind() == api::STRUCT && type.name() == schema_name;
  };
  std::set<const google::protobuf::FieldDescriptor*> unused;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  metadata.GetReflection()->ListFields(metadata, &fields);
  for (const auto* field : fields) {
    if (field->name() != "name" && field->name() != "team" && field->name() != "custom_json") unused.insert(field);
  }
  if (!unused.empty()) return;  // not what the helpers build: written field for field
  if (name == "contextual" && !metadata.has_custom_json() && schema_is(keys, "contextual_keys") &&
      schema_is(values, "contextual_values") && SameParams(keys, values)) {
    api::ContextualSourceHelper* contextual = out->mutable_contextual();
    *contextual->mutable_fields() = keys.params();
    if (metadata.team() != "default") contextual->set_team(metadata.team());
  } else if (!name.empty() && name != "contextual" && schema_is(keys, "ext_" + name + "_keys") &&
             schema_is(values, "ext_" + name + "_values")) {
    api::ExternalSourceHelper* helper = out->mutable_helper();
    helper->set_name(name);
    if (metadata.has_team()) helper->set_team(metadata.team());
    if (metadata.has_custom_json()) helper->set_custom_json(metadata.custom_json());
    *helper->mutable_key_fields() = keys.params();
    *helper->mutable_value_fields() = values.params();
  } else {
    return;
  }
  out->clear_metadata();
  out->clear_key_schema();
  out->clear_value_schema();
}

}  // namespace

void UnderiveJoin(const Json& join, const std::string& pointer, const std::string& path, bool nested,
                  const Choices& choices, const Context& ctx, api::Join* out, IntegerDoubles* integers) {
  if (!join.is_object()) {
    AddError(ctx, pointer, "a Join must be an object");
    return;
  }
  const Json meta = join.value("metaData", Json::object());
  const std::string name = meta.value("name", "");
  const std::string team = meta.value("team", "");
  JsonToProto(Without(join, {"metaData", "left", "joinParts", "labelPart", "bootstrapParts", "onlineExternalParts"}),
              pointer, path, out, integers, ctx.errors, ctx.file);

  // customJson: {check_consistency, lag, [additional_args], [additional_env], **kwargs, join_tags, join_part_tags}.
  api::JoinHelper* helper = out->mutable_helper();
  const Json custom = ParseCustomJson(meta, ctx, pointer);
  Json part_tags = Json::object();
  for (const auto& [key, value] : custom.items()) {
    if (key == "check_consistency") {
      if (value.is_boolean() && value.get<bool>()) helper->set_check_consistency(true);
    } else if (key == "lag") {
      const std::optional<int> lag = value.is_number_integer() ? IntegerOf<int>(value) : std::nullopt;
      if (lag.value_or(0) != 0) helper->set_lag(*lag);
    } else if (key == "additional_args") {
      ToJsonValue(value, helper->mutable_additional_args());
    } else if (key == "additional_env") {
      ToJsonValue(value, helper->mutable_additional_env());
    } else if (key == "join_tags") {
      if (value.is_object()) {
        for (const auto& [tag, tag_value] : value.items()) ToJsonField(tag, tag_value, helper->add_tags());
      }
    } else if (key == "join_part_tags") {
      part_tags = value;
    } else {
      ToJsonField(key, value, helper->add_kwargs());
    }
  }

  // The left: an events left got `ts: <timeColumn>` appended to its selects.
  if (join.contains("left")) {
    Json left = join["left"];
    if (left.is_object() && left.contains("events") && left["events"].is_object() && left["events"].contains("query") &&
        left["events"]["query"].is_object()) {
      Json& query = left["events"]["query"];
      if (query.contains("selects") && query["selects"].is_object() && query["selects"].contains("ts") &&
          query["selects"]["ts"] == query.value("timeColumn", Json())) {
        query["selects"].erase("ts");
      }
    }
    UnderiveSource(std::move(left), pointer + "/left", PathAppend(path, "left"), choices, ctx, out->mutable_left(),
                   integers);
    if (!nested) ShareSource(ctx, out->mutable_left());
  }

  const Json parts = join.value("joinParts", Json::array());
  if (!parts.is_array()) AddError(ctx, pointer + "/joinParts", "expected an array");
  for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
    JoinPart(parts[i], PointerAppend(pointer + "/joinParts", i), PathAppend(path, "join_parts", static_cast<int>(i)),
             choices, ctx, part_tags, out->add_join_parts(), integers);
  }

  // The label part: its metadata is derived except the schedule.
  if (join.contains("labelPart") && join["labelPart"].is_object()) {
    const Json& label = join["labelPart"];
    const std::string at = pointer + "/labelPart";
    const std::string label_path = PathAppend(path, "label_part");
    api::LabelPart* label_part = out->mutable_label_part();
    JsonToProto(Without(label, {"labels", "metaData"}), at, label_path, label_part, integers, ctx.errors, ctx.file);
    const Json labels = label.value("labels", Json::array());
    for (size_t i = 0; labels.is_array() && i < labels.size(); ++i) {
      JoinPart(labels[i], PointerAppend(at + "/labels", i), PathAppend(label_path, "labels", static_cast<int>(i)),
               choices, ctx, Json::object(), label_part->add_labels(), integers);
    }
    const std::string schedule =
        label.value("metaData", Json::object()).value("offlineSchedule", std::string("@daily"));
    if (schedule != "@daily") label_part->mutable_meta_data()->set_offline_schedule(schedule);
  }

  // Bootstrap parts; a last part reading the join's own logged table is bootstrap_from_log.
  Json bootstrap = join.value("bootstrapParts", Json::array());
  if (bootstrap.is_array() && !bootstrap.empty()) {
    const Json& last = bootstrap.back();
    const std::string ns = meta.value("outputNamespace", "");
    if (last.is_object() && last.size() == 1 && last.value("table", "") == ns + "." + Sanitize(name) + "_logged") {
      helper->set_bootstrap_from_log(true);
      bootstrap.erase(bootstrap.size() - 1);
    }
    if (!bootstrap.empty()) {
      JsonToProto(Json{{"bootstrapParts", bootstrap}}, pointer, path, out, integers, ctx.errors, ctx.file);
    }
  }

  const Json external = join.value("onlineExternalParts", Json::array());
  for (size_t i = 0; external.is_array() && i < external.size(); ++i) {
    const Json& part = external[i];
    const std::string at = PointerAppend(pointer + "/onlineExternalParts", i);
    const std::string part_path = PathAppend(path, "online_external_parts", static_cast<int>(i));
    api::ExternalPart* external_part = out->add_online_external_parts();
    if (!part.is_object()) {
      AddError(ctx, at, "expected an object");
      continue;
    }
    JsonToProto(Without(part, {"source"}), at, part_path, external_part, integers, ctx.errors, ctx.file);
    if (part.contains("source")) {
      ExternalSource(part["source"], at + "/source", PathAppend(part_path, "source"), choices, ctx,
                     external_part->mutable_source(), integers);
    }
  }

  // Dependencies: derived, unless given explicitly (then the left's, from the helper's list).
  const Json dependencies = meta.value("dependencies", Json::array());
  if (choices.explicit_dependencies && dependencies.is_array()) {
    std::set<std::string> seen;
    for (const Json& entry : dependencies) {
      const Json dep = entry.is_string() ? Json::parse(entry.get<std::string>(), nullptr, false) : Json();
      if (dep.is_object() && dep.contains("spec") && dep["spec"].is_string() &&
          seen.insert(dep["spec"].get<std::string>()).second) {
        helper->add_dependencies(dep["spec"].get<std::string>());
      }
    }
  }

  // MetaData: online/production False are written anyway; consistencySamplePercent 5.0 is the default.
  Json meta_plain = Without(meta, {"name", "team", "customJson", "dependencies", "consistencySamplePercent"});
  for (const char* flag : {"online", "production"}) {
    if (meta_plain.contains(flag) && meta_plain[flag] == 0) meta_plain.erase(flag);
  }
  if (meta.contains("consistencySamplePercent")) {
    const Json& percent = meta["consistencySamplePercent"];
    if (!helper->check_consistency() || !percent.is_number()) {
      JsonToProto(Json{{"consistencySamplePercent", percent}}, pointer + "/metaData", PathAppend(path, "meta_data"),
                  out->mutable_meta_data(), integers, ctx.errors, ctx.file);
    } else if (!(percent.is_number_float() && percent.get<double>() == 5.0)) {
      helper->set_consistency_sample_percent(percent.get<double>());
      if (percent.is_number_integer())
        integers->insert(PathAppend(PathAppend(path, "helper"), "consistency_sample_percent"));
    }
  }
  if (helper->ByteSizeLong() == 0) out->clear_helper();
  api::MetaData* meta_data = out->mutable_meta_data();
  if (nested) meta_data->set_name(name);
  JsonToProto(meta_plain, pointer + "/metaData", PathAppend(path, "meta_data"), meta_data, integers, ctx.errors,
              ctx.file);
  UnderiveTeamMetadata(meta, team, nested, nested, ctx, meta_data);
  if (meta_data->ByteSizeLong() == 0) out->clear_meta_data();
}

}  // namespace importer
}  // namespace chronon
