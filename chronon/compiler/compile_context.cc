#include "chronon/compiler/compile_context.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"

namespace chronon {

ToJsonOptions CompileContext::Options() {
  ToJsonOptions options;
  options.text = src_text;
  options.diags = diags;
  options.locations = &locations;
  options.nested = nested;
  return options;
}

std::optional<Json> ResolveRef(CompileContext& ctx, const std::string& ref, const std::string& want_kind,
                               Location location) {
  std::optional<Label> label = ResolveLabel(ref, ctx.label, ctx.main_repo);
  if (!label) {
    const std::string suggestion = SuggestLabel(ref);
    ctx.diags->Error(
        location, "invalid-label",
        suggestion.empty()
            ? absl::StrCat("\"", ref, "\" is not a Bazel label (write \"//package:target\" or \":target\")")
            : absl::StrCat("\"", ref, "\" is not a Bazel label: a package starts with \"//\"; did you mean \"",
                           suggestion, "\"?"));
    return std::nullopt;
  }
  const std::string canonical = label->ToString();
  if (canonical == ctx.label.ToString()) {
    ctx.diags->Error(location, "self-reference",
                     absl::StrCat(ctx.target, " refers to itself; a ", want_kind,
                                  " cannot be built from its own output: name another target"));
    return std::nullopt;
  }
  auto it = ctx.deps.find(canonical);
  if (it == ctx.deps.end()) {
    ctx.diags->Error(location, "missing-dependency",
                     absl::StrCat(canonical, " is not a dependency of ", ctx.target, "; add \"", canonical,
                                  "\" to the deps of ", ctx.target));
    return std::nullopt;
  }
  if (it->second.kind != want_kind) {
    ctx.diags->Error(
        location, "wrong-kind",
        absl::StrCat(canonical, " is a chronon_", it->second.kind, ", but a chronon_", want_kind, " is needed here"));
    return std::nullopt;
  }
  return it->second.object;
}

const ParseInfoTree* NestedTree(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor,
                                const char* field, int index) {
  if (tree == nullptr) return nullptr;
  return tree->GetTreeForNested(descriptor->FindFieldByName(field), index);
}

Location At(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor, const char* field, int index) {
  return FieldLocation(tree, descriptor->FindFieldByName(field), index);
}

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// A JsonValue or JsonField's value as textproto (`string_value: "x"`), for the forms the messages show.
template <typename M>
std::string ValueText(const M& value) {
  switch (value.kind_case()) {
    case M::kBoolValue:
      return absl::StrCat("bool_value: ", value.bool_value() ? "true" : "false");
    case M::kIntValue:
      return absl::StrCat("int_value: ", value.int_value());
    case M::kFloatValue:
      return absl::StrCat("float_value: ", value.float_value());
    case M::kStringValue:
      return absl::StrCat("string_value: \"", absl::CEscape(value.string_value()), "\"");
    default:
      return "string_value: \"...\"";
  }
}

// A scalar element as the string Python would have needed: `string_value: "7"` for `int_value: 7`.
std::string ScalarAsString(const api::JsonValue& value) {
  switch (value.kind_case()) {
    case api::JsonValue::kBoolValue:
      return value.bool_value() ? "string_value: \"true\"" : "string_value: \"false\"";
    case api::JsonValue::kIntValue:
      return absl::StrCat("string_value: \"", value.int_value(), "\"");
    case api::JsonValue::kFloatValue:
      return absl::StrCat("string_value: \"", value.float_value(), "\"");
    default:
      return "string_value: \"...\"";
  }
}

template <typename M>
bool IsScalar(const M& value) {
  return value.kind_case() == M::kBoolValue || value.kind_case() == M::kIntValue ||
         value.kind_case() == M::kFloatValue || value.kind_case() == M::kStringValue;
}

void CheckValue(CompileContext& ctx, const api::JsonValue& value, const ParseInfoTree* tree, Location at,
                const std::string& what);

// The members of a JSON object: each has a key and a value, and no key is given twice.
void CheckFields(CompileContext& ctx, const google::protobuf::RepeatedPtrField<api::JsonField>& fields,
                 const ParseInfoTree* owner_tree, const FieldDescriptor* field, const std::string& what) {
  std::set<std::string> seen;
  const Descriptor* fd = api::JsonField::descriptor();
  for (int i = 0; i < fields.size(); ++i) {
    const api::JsonField& member = fields.Get(i);
    const Location at = FieldLocation(owner_tree, field, i);
    const ParseInfoTree* member_tree = owner_tree == nullptr ? nullptr : owner_tree->GetTreeForNested(field, i);
    if (!member.has_key()) {
      ctx.diags->Error(at, "missing-map-key",
                       absl::StrCat("each member of ", what, " needs a `key`: `", field->name(), " { key: \"name\" ",
                                    ValueText(member), " }`"));
      continue;
    }
    if (!seen.insert(member.key()).second) {
      ctx.diags->Error(
          at, "duplicate-map-key",
          absl::StrCat("the key \"", member.key(), "\" is given twice in ", what, "; each key may appear once"));
      continue;
    }
    if (member.kind_case() == api::JsonField::KIND_NOT_SET) {
      ctx.diags->Error(at, "helper-value-type",
                       absl::StrCat("\"", member.key(), "\" in ", what, " has no value: write `", field->name(),
                                    " { key: \"", absl::CEscape(member.key()),
                                    "\" string_value: \"...\" }` (or bool_value, int_value, float_value, list_value, "
                                    "object_value; `null_value: true` is Python's None)"));
      continue;
    }
    const std::string inner = absl::StrCat(what, "[\"", member.key(), "\"]");
    if (member.has_list_value()) {
      const ParseInfoTree* list_tree =
          member_tree == nullptr ? nullptr : member_tree->GetTreeForNested(fd->FindFieldByName("list_value"), -1);
      const FieldDescriptor* values = api::JsonList::descriptor()->FindFieldByName("values");
      for (int v = 0; v < member.list_value().values_size(); ++v) {
        CheckValue(ctx, member.list_value().values(v), list_tree ? list_tree->GetTreeForNested(values, v) : nullptr,
                   FieldLocation(list_tree, values, v), inner);
      }
    } else if (member.has_object_value()) {
      const ParseInfoTree* object_tree =
          member_tree == nullptr ? nullptr : member_tree->GetTreeForNested(fd->FindFieldByName("object_value"), -1);
      CheckFields(ctx, member.object_value().fields(), object_tree,
                  api::JsonObject::descriptor()->FindFieldByName("fields"), inner);
    }
  }
}

void CheckValue(CompileContext& ctx, const api::JsonValue& value, const ParseInfoTree* tree, Location at,
                const std::string& what) {
  const Descriptor* vd = api::JsonValue::descriptor();
  if (value.kind_case() == api::JsonValue::KIND_NOT_SET) {
    ctx.diags->Error(at, "helper-value-type",
                     absl::StrCat("an element of ", what,
                                  " has no value: write `values { string_value: \"...\" }` (or bool_value, int_value, "
                                  "float_value, list_value, object_value; `null_value: true` is Python's None)"));
  } else if (value.has_list_value()) {
    const ParseInfoTree* list_tree = tree ? tree->GetTreeForNested(vd->FindFieldByName("list_value"), -1) : nullptr;
    const FieldDescriptor* values = api::JsonList::descriptor()->FindFieldByName("values");
    for (int v = 0; v < value.list_value().values_size(); ++v) {
      CheckValue(ctx, value.list_value().values(v), list_tree ? list_tree->GetTreeForNested(values, v) : nullptr,
                 FieldLocation(list_tree, values, v), what);
    }
  } else if (value.has_object_value()) {
    CheckFields(ctx, value.object_value().fields(),
                tree ? tree->GetTreeForNested(vd->FindFieldByName("object_value"), -1) : nullptr,
                api::JsonObject::descriptor()->FindFieldByName("fields"), what);
  }
}

}  // namespace

void CheckHelperDict(CompileContext& ctx, const google::protobuf::Message& helper, const ParseInfoTree* owner_tree,
                     const char* field_name, const char* function, const std::vector<std::string>* named_arguments) {
  const FieldDescriptor* field = helper.GetDescriptor()->FindFieldByName(field_name);
  google::protobuf::RepeatedPtrField<api::JsonField> fields;
  for (int i = 0; i < helper.GetReflection()->FieldSize(helper, field); ++i) {
    fields.Add()->CopyFrom(
        static_cast<const api::JsonField&>(helper.GetReflection()->GetRepeatedMessage(helper, field, i)));
  }
  const std::string what = absl::StrCat(function, "(", field_name, "=...)");
  CheckFields(ctx, fields, owner_tree, field, what);
  if (named_arguments == nullptr) return;
  for (int i = 0; i < fields.size(); ++i) {
    const std::string& key = fields.Get(i).key();
    if (std::find(named_arguments->begin(), named_arguments->end(), key) == named_arguments->end()) continue;
    const std::string form = PythonArgumentForm(absl::StrCat("chronon.api.", function), key);
    ctx.diags->Error(
        FieldLocation(owner_tree, field, i), "kwargs-argument",
        absl::StrCat("\"", key, "\" is a parameter of ", function, "(), so Python never passes it in **kwargs: ",
                     form.empty() ? absl::StrCat("write the field `", key, "` of the ", function, " itself") : form));
  }
}

void CheckHelperStringList(CompileContext& ctx, const google::protobuf::Message& helper,
                           const ParseInfoTree* owner_tree, const char* field_name, const char* function) {
  const FieldDescriptor* field = helper.GetDescriptor()->FindFieldByName(field_name);
  if (!helper.GetReflection()->HasField(helper, field)) return;
  const auto& value = static_cast<const api::JsonValue&>(helper.GetReflection()->GetMessage(helper, field));
  const Location at = FieldLocation(owner_tree, field, -1);
  const ParseInfoTree* tree = owner_tree ? owner_tree->GetTreeForNested(field, -1) : nullptr;
  const std::string what = absl::StrCat(function, "(", field_name, "=...)");
  if (IsScalar(value)) {
    ctx.diags->Error(at, "helper-value-type",
                     absl::StrCat(field_name, " is a list of strings (", function, "(", field_name,
                                  "=[\"--step-days=7\"])), not a single value: write `", field_name,
                                  " { list_value { values { ", ValueText(value), " } } }`"));
    return;
  }
  if (value.has_list_value()) {
    const Descriptor* vd = api::JsonValue::descriptor();
    const ParseInfoTree* list_tree = tree ? tree->GetTreeForNested(vd->FindFieldByName("list_value"), -1) : nullptr;
    const FieldDescriptor* values = api::JsonList::descriptor()->FindFieldByName("values");
    for (int v = 0; v < value.list_value().values_size(); ++v) {
      const api::JsonValue& element = value.list_value().values(v);
      if (element.has_string_value()) continue;
      ctx.diags->Error(FieldLocation(list_tree, values, v), "helper-value-type",
                       absl::StrCat("each element of ", field_name, " is a string (", function, "(", field_name,
                                    "=[\"--step-days=7\"]); run.py joins them with spaces): write `values { ",
                                    ScalarAsString(element), " }`"));
    }
    return;
  }
  CheckValue(ctx, value, tree, at, what);
}

const std::vector<std::string>& GroupByArguments() {
  static const auto* arguments = new std::vector<std::string>{"sources",
                                                              "keys",
                                                              "aggregations",
                                                              "online",
                                                              "production",
                                                              "backfill_start_date",
                                                              "dependencies",
                                                              "env",
                                                              "table_properties",
                                                              "output_namespace",
                                                              "accuracy",
                                                              "lag",
                                                              "offline_schedule",
                                                              "name",
                                                              "tags",
                                                              "derivations",
                                                              "historical_backfill",
                                                              "deprecation_date",
                                                              "description",
                                                              "is_incremental"};
  return *arguments;
}

const std::vector<std::string>& JoinArguments() {
  static const auto* arguments = new std::vector<std::string>{"left",
                                                              "right_parts",
                                                              "check_consistency",
                                                              "additional_args",
                                                              "additional_env",
                                                              "dependencies",
                                                              "online",
                                                              "production",
                                                              "output_namespace",
                                                              "table_properties",
                                                              "env",
                                                              "lag",
                                                              "skew_keys",
                                                              "sample_percent",
                                                              "consistency_sample_percent",
                                                              "online_external_parts",
                                                              "offline_schedule",
                                                              "historical_backfill",
                                                              "row_ids",
                                                              "bootstrap_parts",
                                                              "bootstrap_from_log",
                                                              "label_part",
                                                              "derivations",
                                                              "deprecation_date",
                                                              "tags",
                                                              "description",
                                                              "model_transforms"};
  return *arguments;
}

}  // namespace chronon
