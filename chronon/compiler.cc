#include "chronon/compiler.h"

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "chronon/api.pb.h"
#include "chronon/json_writer.h"
#include "chronon/proto_json.h"
#include "chronon/teams.h"
#include "chronon/textproto.h"
#include "chronon/utf8.h"
#include "chronon/validate.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr char kDefaultSchedule[] = "@daily";

// ---------------------------------------------------------------------------------------------------------
// Bazel labels, as written in `ref` fields and passed on the command line.

struct Label {
  std::string repo;  // "" for the main repository
  std::string package;
  std::string name;
  std::string ToString() const { return absl::StrCat(repo.empty() ? "" : "@" + repo, "//", package, ":", name); }
};

// Parses an absolute label ("//a/b:c", "//a/b", "@r//a:b").
std::optional<Label> ParseAbsoluteLabel(absl::string_view text) {
  Label label;
  if (absl::StartsWith(text, "@")) {
    const size_t slashes = text.find("//");
    if (slashes == absl::string_view::npos) return std::nullopt;
    label.repo = std::string(text.substr(1, slashes - 1));
    text = text.substr(slashes);
  }
  if (!absl::StartsWith(text, "//")) return std::nullopt;
  text.remove_prefix(2);
  const size_t colon = text.find(':');
  label.package = std::string(text.substr(0, colon));
  label.name = colon == absl::string_view::npos ? std::string(text.substr(text.rfind('/') + 1))
                                                : std::string(text.substr(colon + 1));
  if (label.name.empty()) return std::nullopt;
  return label;
}

// Resolves a label written in a textproto against the package of the target being compiled.
std::optional<Label> ResolveLabel(const std::string& text, const Label& current) {
  if (text.empty()) return std::nullopt;
  if (absl::StartsWith(text, "//")) {
    std::optional<Label> label = ParseAbsoluteLabel(text);
    if (label) label->repo = current.repo;
    return label;
  }
  if (absl::StartsWith(text, "@")) return ParseAbsoluteLabel(text);
  const std::string name = absl::StartsWith(text, ":") ? text.substr(1) : text;
  if (name.empty()) return std::nullopt;
  return Label{current.repo, current.package, std::string(name)};
}

// ---------------------------------------------------------------------------------------------------------
// Python-isms.

std::string Dumps(const Json& value) {
  absl::StatusOr<std::string> text = WritePythonJson(value, -1);
  return text.ok() ? *text : "null";
}

// Python's str() of a number the user wrote: ints stay ints, floats use repr.
std::string PyStr(const Json& number) {
  if (number.is_number_float()) return PythonFloatRepr(number.get<double>());
  return number.dump();
}

// Scala/Python `sanitize`: every character outside [a-zA-Z0-9_] becomes '_'.
std::string Sanitize(const std::string& text) {
  std::string out(text);
  for (char& c : out) {
    if (!absl::ascii_isalnum(c) && c != '_') c = '_';
  }
  return out;
}

// utils.wait_for_name: "wait_for_" + dep with every non-alphanumeric run collapsed to '_', no trailing '_'.
std::string WaitForName(const std::string& dep) {
  std::string out;
  for (char c : absl::StrCat("wait_for_", dep)) {
    const char mapped = absl::ascii_isalnum(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(mapped);
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

Json StringOrNull(const Json& object, const std::string& key) {
  if (object.is_object() && object.contains(key)) return object[key];
  return nullptr;
}

const Json* Find(const Json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string GetString(const Json& object, const std::string& key) {
  const Json* value = Find(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

bool IsTrue(const Json& object, const std::string& key) {
  const Json* value = Find(object, key);
  return value != nullptr && value->is_number_integer() && value->get<int64_t>() == 1;
}

// The single member of a Source union ("events", "entities" or "joinSource") and its name.
std::pair<std::string, Json*> SourceMember(Json& source) {
  for (const char* kind : {"events", "entities", "joinSource"}) {
    if (source.is_object() && source.contains(kind)) return {kind, &source[kind]};
  }
  return {"", nullptr};
}

std::pair<std::string, const Json*> SourceMember(const Json& source) {
  for (const char* kind : {"events", "entities", "joinSource"}) {
    const Json* member = Find(source, kind);
    if (member != nullptr) return {kind, member};
  }
  return {"", nullptr};
}

std::string OperationName(int op) {
  const google::protobuf::EnumValueDescriptor* value = api::Operation_descriptor()->FindValueByNumber(op);
  return value != nullptr ? value->name() : absl::StrCat(op);
}

// A JsonValue / JsonField authoring message as a JSON value (Python value of a helper argument).
template <typename M>
Json HelperValue(const M& value) {
  switch (value.kind_case()) {
    case M::kBoolValue:
      return value.bool_value();
    case M::kIntValue:
      return value.int_value();
    case M::kFloatValue:
      return value.float_value();
    case M::kStringValue:
      return value.string_value();
    case M::kListValue: {
      Json list = Json::array();
      for (const api::JsonValue& element : value.list_value().values()) list.push_back(HelperValue(element));
      return list;
    }
    case M::kObjectValue: {
      Json object = Json::object();
      for (const api::JsonField& field : value.object_value().fields()) object[field.key()] = HelperValue(field);
      return object;
    }
    default:
      return nullptr;
  }
}

template <typename Repeated>
Json HelperObject(const Repeated& fields) {
  Json object = Json::object();
  for (const api::JsonField& field : fields) object[field.key()] = HelperValue(field);
  return object;
}

const ParseInfoTree* Nested(const ParseInfoTree* tree, const Descriptor* descriptor, const char* field, int index) {
  if (tree == nullptr) return nullptr;
  return tree->GetTreeForNested(descriptor->FindFieldByName(field), index);
}

Location At(const ParseInfoTree* tree, const Descriptor* descriptor, const char* field, int index = -1) {
  return FieldLocation(tree, descriptor->FindFieldByName(field), index);
}

// ---------------------------------------------------------------------------------------------------------

struct Dependency {
  std::string kind;
  std::string name;
  std::string team;
  Json object;
  Json extra;
  Json conf;  // the engine JSON, for joins (a JoinSource parent compiled in the same module)
  // The namespace its team's config gives (what compile.py writes into a JoinSource parent that has none).
  std::string team_namespace;
};

class Compiler {
 public:
  Compiler(const CompileInput& input, Diagnostics* diags) : input_(input), diags_(diags) {}

  std::optional<CompileOutput> Run();

 private:
  bool LoadTeams();
  void LoadDependencies();
  template <typename M>
  bool Parse(M* message, ParseInfoTree* tree);
  ToJsonOptions Options();
  std::optional<Json> Nested(const google::protobuf::Message& message, const ParseInfoTree* tree,
                             const std::string& pointer);
  std::optional<Json> ResolveRef(const std::string& ref, const std::string& want_kind, Location location);
  Location Loc(const std::string& pointer) const { return locations_.Find(pointer); }
  // The team config as the user knows it: teams.json, also when the rules hand over its per-team split.
  std::string TeamsName() const { return teams_.source().empty() ? input_.teams_path : teams_.source(); }
  Locate Locator(const std::string& prefix = "") const {
    return [this, prefix](const std::string& pointer) { return Loc(prefix + pointer); };
  }

  // The helpers of Chronon's Python API.
  Json BuildSource(const api::Source& source, const ParseInfoTree* tree, const std::string& pointer);
  Json BuildExternalSource(const api::ExternalSource& source, const ParseInfoTree* tree, const std::string& pointer);
  Json BuildGroupBy(const api::GroupBy& group_by, const ParseInfoTree* tree, const std::string& pointer);
  Json BuildJoin(const api::Join& join, const ParseInfoTree* tree, const std::string& pointer);
  void BuildAggregations(const api::GroupBy& group_by, const ParseInfoTree* tree, const std::string& pointer,
                         Json* aggregations);
  void ValidateGroupBy(const Json& group_by, const std::string& pointer);
  void ValidateLabelPart(Json* label_part, const std::string& pointer);
  std::vector<std::string> SourceDependencies(const Json& source, const std::vector<std::string>& explicit_deps,
                                              int lag);
  std::string JoinOutputTable(Json* join, const std::string& namespace_if_unset);
  void RejectDerivedMetaData(const api::MetaData& meta_data, const ParseInfoTree* tree, const char* owner);

  // What compile.py adds after the helpers.
  void SetTeamMetadata(Json* object, const std::string& team, const std::string& pointer);
  std::string TeamNamespace(const std::string& team, const std::string& pointer);

  std::optional<CompileOutput> CompileSource();
  std::optional<CompileOutput> CompileGroupBy();
  std::optional<CompileOutput> CompileJoin();
  std::optional<CompileOutput> CompileStagingQuery();
  std::optional<CompileOutput> Finish(Json object, Json conf, const Descriptor* descriptor, Json extra = nullptr);

  const CompileInput& input_;
  Diagnostics* diags_;
  Label label_;
  std::string team_;
  TeamConfig teams_;
  std::map<std::string, Dependency> deps_;
  std::map<std::string, std::string> namespaces_;  // team -> namespace, each looked up (and reported) once
  LocationMap locations_;
};

template <typename M>
bool Compiler::Parse(M* message, ParseInfoTree* tree) {
  if (absl::StripAsciiWhitespace(input_.src_text).empty()) {
    diags_->Error({1, 1}, "empty-definition",
                  absl::StrCat("the file is empty; a ", KindName(input_.kind), " definition needs at least ",
                               input_.kind == Kind::kStagingQuery ? "a `query`" : "its sources"));
    return false;
  }
  return ParseTextproto(input_.src_text, message, tree, diags_);
}

bool Compiler::LoadTeams() {
  if (input_.kind == Kind::kSource && input_.teams_text.empty()) return true;
  teams_ = TeamConfig::Parse(input_.teams_text);
  std::vector<TeamConfigError> errors = teams_.Errors(team_);
  for (TeamConfigError& error : errors) {
    // Reported in teams.json, where the fix goes, not in the definition (nor in the split the rules made of it).
    diags_->ErrorIn(TeamsName(), {error.line, error.column}, std::move(error.id), std::move(error.message));
  }
  if (!errors.empty()) return false;
  if (!team_.empty() && !teams_.HasTeam(team_)) {
    diags_->Error({}, "unknown-team",
                  absl::StrCat("team ", team_, " does not exist in ", TeamsName(),
                               "; add it there or move the definition to an existing team's folder"));
    return false;
  }
  return true;
}

void Compiler::LoadDependencies() {
  for (const DependencyInput& dep : input_.deps) {
    Json summary = Json::parse(dep.summary, nullptr, /*allow_exceptions=*/false);
    // What Finish() writes; checked so that a corrupt file is a diagnostic rather than a crash (found by fuzzing).
    auto is = [&summary](const char* key, bool (Json::*type)() const, bool optional) {
      const auto it = summary.find(key);
      return it == summary.end() ? optional : ((*it).*type)() || (optional && it->is_null());
    };
    if (summary.is_discarded() || !summary.is_object() || !is("label", &Json::is_string, false) ||
        !is("kind", &Json::is_string, false) || !ParseKind(summary["kind"].get<std::string>()) ||
        !is("name", &Json::is_string, false) || !is("team", &Json::is_string, false) ||
        !is("object", &Json::is_object, false) || !is("extra", &Json::is_object, true) ||
        !is("conf", &Json::is_object, true)) {
      diags_->Error({}, "invalid-dependency",
                    absl::StrCat(dep.path, " is not the output of a Chronon target; rebuild it"));
      continue;
    }
    Dependency d;
    d.kind = summary.value("kind", "");
    d.name = summary.value("name", "");
    d.team = summary.value("team", "");
    d.object = std::move(summary["object"]);
    d.extra = summary.value("extra", Json());
    d.team_namespace = summary.value("teamNamespace", "");
    d.conf = summary.value("conf", Json());
    deps_[summary["label"].get<std::string>()] = std::move(d);
  }
}

ToJsonOptions Compiler::Options() {
  ToJsonOptions options;
  options.text = input_.src_text;
  options.diags = diags_;
  options.locations = &locations_;
  options.nested = [this](const google::protobuf::Message& message, const ParseInfoTree* tree,
                          const std::string& pointer) { return Nested(message, tree, pointer); };
  return options;
}

// Messages inside the definition that a Python helper builds: references, inline GroupBys and Joins.
std::optional<Json> Compiler::Nested(const google::protobuf::Message& message, const ParseInfoTree* tree,
                                     const std::string& pointer) {
  const Descriptor* descriptor = message.GetDescriptor();
  const FieldDescriptor* ref = descriptor->FindFieldByName("ref");
  if (ref != nullptr && message.GetReflection()->HasField(message, ref)) {
    const Location location = FieldLocation(tree, ref, -1);
    std::vector<const FieldDescriptor*> set;
    message.GetReflection()->ListFields(message, &set);
    if (set.size() > 1) {
      diags_->Error(
          location, "ref-with-fields",
          absl::StrCat("`ref` names another target; it cannot be combined with other fields of ", descriptor->name()));
      return Json::object();
    }
    locations_.Set(pointer, location);
    const char* kind = descriptor == api::Source::descriptor()    ? "source"
                       : descriptor == api::GroupBy::descriptor() ? "group_by"
                                                                  : "join";
    std::optional<Json> object = ResolveRef(message.GetReflection()->GetString(message, ref), kind, location);
    if (!object) return Json::object();
    if (descriptor == api::Join::descriptor()) {
      const Label parent_label = *ResolveLabel(message.GetReflection()->GetString(message, ref), label_);
      const Dependency& parent = deps_[parent_label.ToString()];
      auto module = [](const Label& l) { return l.name.substr(0, l.name.rfind('.')); };
      if (parent_label.repo == label_.repo && parent_label.package == label_.package &&
          module(parent_label) == module(label_) && parent.conf.is_object()) {
        // A parent defined in the same module as this definition: compile.py compiled and wrote it first in
        // the same process, so the shared object already carries what compiling it added (team metadata).
        object = parent.conf;
      } else {
        // Building a JoinSource reads the parent's output table, which writes the team namespace into the
        // parent join (compile.py mutates it; every later serialization shows it).
        JoinOutputTable(&*object, parent.team_namespace);
      }
    }
    return object;
  }
  if (descriptor == api::GroupBy::descriptor()) {
    return BuildGroupBy(static_cast<const api::GroupBy&>(message), tree, pointer);
  }
  if (descriptor == api::Join::descriptor()) {
    Json join = BuildJoin(static_cast<const api::Join&>(message), tree, pointer);
    std::optional<Json> ns = teams_.Get(team_, "namespace");
    JoinOutputTable(&join, ns && ns->is_string() ? ns->get<std::string>() : "");
    return join;
  }
  if (descriptor == api::Source::descriptor()) {
    return BuildSource(static_cast<const api::Source&>(message), tree, pointer);
  }
  if (descriptor == api::ExternalSource::descriptor()) {
    return BuildExternalSource(static_cast<const api::ExternalSource&>(message), tree, pointer);
  }
  return std::nullopt;
}

// ExternalSource() / ContextualSource() of join.py: metadata (name, team, customJson) and STRUCT schemas
// "ext_{name}_keys" / "ext_{name}_values" ("contextual_keys" / "contextual_values").
Json Compiler::BuildExternalSource(const api::ExternalSource& source, const ParseInfoTree* tree,
                                   const std::string& pointer) {
  const Descriptor* d = api::ExternalSource::descriptor();
  ToJsonOptions options = Options();
  Json out = ProtoToJson(source, tree, pointer, options);
  if (!source.has_helper() && !source.has_contextual()) return out;
  if (source.has_helper() && source.has_contextual()) {
    diags_->Error(At(tree, d, "contextual"), "external-and-contextual",
                  "an external source is either `helper { ... }` (ExternalSource) or `contextual { ... }` "
                  "(ContextualSource), not both");
    return out;
  }
  for (const char* field : {"metadata", "key_schema", "value_schema"}) {
    const FieldDescriptor* f = d->FindFieldByName(field);
    if (source.GetReflection()->HasField(source, f)) {
      diags_->Error(At(tree, d, field), "derived-field",
                    absl::StrCat(field, " is derived from the ExternalSource/ContextualSource arguments in `",
                                 source.has_helper() ? "helper" : "contextual", "`"));
    }
  }
  auto convert = [&](const google::protobuf::RepeatedPtrField<api::DataField>& list, const ParseInfoTree* t,
                     const Descriptor* owner, const char* name) {
    Json params = Json::array();
    for (int i = 0; i < list.size(); ++i) {
      const ParseInfoTree* field_tree = chronon::Nested(t, owner, name, i);
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
    const ParseInfoTree* helper_tree = chronon::Nested(tree, d, "helper", -1);
    const Descriptor* hd = api::ExternalSourceHelper::descriptor();
    if (helper.name() == "contextual") {
      diags_->Error(At(helper_tree, hd, "name"), "contextual-name", "Please use `ContextualSource`");
    }
    if (helper.name().empty()) {
      diags_->Error(At(tree, d, "helper"), "missing-name", "an ExternalSource needs a `name`");
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
    const ParseInfoTree* helper_tree = chronon::Nested(tree, d, "contextual", -1);
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

std::optional<Json> Compiler::ResolveRef(const std::string& ref, const std::string& want_kind, Location location) {
  std::optional<Label> label = ResolveLabel(ref, label_);
  if (!label) {
    diags_->Error(location, "invalid-label",
                  absl::StrCat("\"", ref, "\" is not a Bazel label (write \"//package:target\" or \":target\")"));
    return std::nullopt;
  }
  const std::string canonical = label->ToString();
  auto it = deps_.find(canonical);
  if (it == deps_.end()) {
    diags_->Error(location, "missing-dependency",
                  absl::StrCat(canonical, " is not a dependency of ", input_.label, "; add \"", canonical,
                               "\" to the deps of ", input_.label));
    return std::nullopt;
  }
  if (it->second.kind != want_kind) {
    diags_->Error(
        location, "wrong-kind",
        absl::StrCat(canonical, " is a chronon_", it->second.kind, ", but a chronon_", want_kind, " is needed here"));
    return std::nullopt;
  }
  return it->second.object;
}

// ---------------------------------------------------------------------------------------------------------
// Sources.

Json Compiler::BuildSource(const api::Source& source, const ParseInfoTree* tree, const std::string& pointer) {
  // Convert member by member so StagingQueryEventSource / StagingQueryEntitySource can fill the table.
  ToJsonOptions options = Options();
  Json out = ProtoToJson(source, tree, pointer, options);
  const struct {
    bool has;
    const char* member;
    const char* table_field;
    const std::string* staging_query;
    const ParseInfoTree* tree;
    const Descriptor* descriptor;
  } members[] = {
      {source.has_events(), "events", "table", &source.events().staging_query(),
       chronon::Nested(tree, api::Source::descriptor(), "events", -1), api::EventSource::descriptor()},
      {source.has_entities(), "entities", "snapshotTable", &source.entities().staging_query(),
       chronon::Nested(tree, api::Source::descriptor(), "entities", -1), api::EntitySource::descriptor()},
  };
  int set = source.has_events() + source.has_entities() + source.has_join_source();
  if (set != 1) {
    diags_->Error(Loc(pointer), "invalid-source", "a source sets exactly one of `events`, `entities` or `join_source`");
    return out;
  }
  for (const auto& m : members) {
    if (!m.has || m.staging_query->empty()) continue;
    const Location location = At(m.tree, m.descriptor, "staging_query");
    if (out[m.member].contains(m.table_field)) {
      diags_->Error(location, "table-and-staging-query",
                    absl::StrCat("set either `staging_query` or the table, not both"));
      continue;
    }
    std::optional<Json> sq = ResolveRef(*m.staging_query, "staging_query", location);
    if (!sq) continue;
    const Dependency& dep = deps_[ResolveLabel(*m.staging_query, label_)->ToString()];
    Json member = Json::object();
    member[m.table_field] = dep.extra.value("outputTable", "");
    for (auto& [key, value] : out[m.member].items()) member[key] = value;
    // StagingQueryEventSource always passes is_cumulative (False by default).
    if (std::string(m.member) == "events" && !member.contains("isCumulative")) member["isCumulative"] = 0;
    out[m.member] = std::move(member);
  }
  SortByFieldNumber(&out, api::Source::descriptor());
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// GroupBy() of group_by.py.

void Compiler::RejectDerivedMetaData(const api::MetaData& meta_data, const ParseInfoTree* tree, const char* owner) {
  const Descriptor* d = api::MetaData::descriptor();
  if (meta_data.has_custom_json()) {
    diags_->Error(At(tree, d, "custom_json"), "derived-field",
                  absl::StrCat("meta_data.custom_json is derived by ", owner,
                               "(); write extra keyword arguments as `helper { kwargs { ... } }`"));
  }
  if (meta_data.dependencies_size() > 0) {
    diags_->Error(At(tree, d, "dependencies", 0), "derived-field",
                  absl::StrCat("meta_data.dependencies is derived by ", owner,
                               "(); write explicit dependencies as `helper { dependencies: \"...\" }`"));
  }
  if (meta_data.has_team()) {
    diags_->Error(At(tree, d, "team"), "derived-field",
                  "meta_data.team is derived from where the definition lives (its team folder)");
  }
}

std::vector<std::string> Compiler::SourceDependencies(const Json& source, const std::vector<std::string>& explicit_deps,
                                                      int lag) {
  auto [kind, member] = SourceMember(source);
  std::vector<std::string> deps;
  if (member == nullptr) return deps;
  const Json query = member->value("query", Json::object());
  if (!explicit_deps.empty()) {
    for (const std::string& dep : explicit_deps) {
      Json entry = Json::object();
      entry["name"] = WaitForName(dep);
      entry["spec"] = dep;
      entry["start"] = StringOrNull(query, "startPartition");
      entry["end"] = StringOrNull(query, "endPartition");
      deps.push_back(Dumps(entry));
    }
    return deps;
  }
  // utils.wait_for_simple_schema; an empty table gives Python's None.
  auto simple = [&](const std::string& table) -> Json {
    if (table.empty()) return nullptr;
    const std::vector<std::string> parts = absl::StrSplit(table, '/');
    const std::string clean = parts[0];
    const std::string sub = absl::StrJoin(parts.begin() + 1, parts.end(), "/");
    const std::string partition = query.contains("partitionColumn") ? GetString(query, "partitionColumn") : "ds";
    Json entry = Json::object();
    entry["name"] = absl::StrCat("wait_for_", clean, "_", partition, lag != 0 ? absl::StrCat("_minus_", lag) : "");
    entry["spec"] = absl::StrCat(clean, "/", partition, "=",
                                 lag != 0 ? absl::StrCat("{{ macros.ds_add(ds, -", lag, ") }}") : "{{ ds }}",
                                 sub.empty() ? "" : "/" + sub);
    entry["start"] = StringOrNull(query, "startPartition");
    entry["end"] = StringOrNull(query, "endPartition");
    return entry;
  };
  if (kind == "entities" && member->contains("mutationTable")) {
    for (const char* field : {"snapshotTable", "mutationTable"}) {
      Json entry = simple(GetString(*member, field));
      if (!entry.is_null()) deps.push_back(Dumps(entry));
    }
  } else if (kind == "entities") {
    deps.push_back(Dumps(simple(GetString(*member, "snapshotTable"))));
  } else if (kind == "events") {
    deps.push_back(Dumps(simple(GetString(*member, "table"))));
  } else if (kind == "joinSource") {
    Json parent = member->value("join", Json::object());
    std::optional<Json> ns = teams_.Get(team_, "namespace");
    deps.push_back(Dumps(simple(JoinOutputTable(&parent, ns && ns->is_string() ? ns->get<std::string>() : ""))));
  }
  return deps;
}

// utils.get_join_output_table_name(join, full_name=True); fills the parent's namespace from its team's config
// (`namespace_if_unset`) as compile.py does.
std::string Compiler::JoinOutputTable(Json* join, const std::string& namespace_if_unset) {
  Json& meta_data = (*join)["metaData"];
  if (!meta_data.contains("outputNamespace") && !namespace_if_unset.empty()) {
    meta_data["outputNamespace"] = namespace_if_unset;
    SortByFieldNumber(&meta_data, api::MetaData::descriptor());
  }
  return absl::StrCat(GetString(meta_data, "outputNamespace"), ".", Sanitize(GetString(meta_data, "name")));
}

void Compiler::BuildAggregations(const api::GroupBy& group_by, const ParseInfoTree* tree, const std::string& pointer,
                                 Json* aggregations) {
  for (int i = 0; i < group_by.aggregations_size(); ++i) {
    const api::Aggregation& aggregation = group_by.aggregations(i);
    const api::AggregationHelper& helper = aggregation.helper();
    Json& out = (*aggregations)[i];
    const std::string at = PointerAppend(PointerAppend(pointer, "aggregations"), i);
    const ParseInfoTree* agg_tree = chronon::Nested(tree, api::GroupBy::descriptor(), "aggregations", i);
    const ParseInfoTree* helper_tree = chronon::Nested(agg_tree, api::Aggregation::descriptor(), "helper", -1);
    // Aggregation(operation=None) means LAST.
    if (!out.contains("operation") && !helper.raw()) out["operation"] = static_cast<int>(api::LAST);
    const int op = out.value("operation", static_cast<int>(api::LAST));
    const bool has_args = helper.has_k() || helper.percentiles_size() > 0;
    if (has_args && aggregation.arg_map_size() > 0) {
      diags_->Error(Loc(at + "/argMap"), "arg-map-and-helper",
                    "give the operation's arguments either as `arg_map` or as `helper { k / percentiles }`");
      continue;
    }
    auto k_literal = [&]() -> Json {
      const std::vector<std::string_view> tokens =
          ScalarTokens(input_.src_text, helper_tree, api::AggregationHelper::descriptor()->FindFieldByName("k"));
      if (!tokens.empty() && IsIntegerLiteral(tokens[0])) return static_cast<int64_t>(helper.k());
      return helper.k();
    };
    if (op == api::APPROX_PERCENTILE && helper.percentiles_size() > 0) {
      // APPROX_PERCENTILE(percentiles, k=128): argMap {"k": str(k), "percentiles": repr(list)}.
      const std::vector<std::string_view> tokens = ScalarTokens(
          input_.src_text, helper_tree, api::AggregationHelper::descriptor()->FindFieldByName("percentiles"));
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
      diags_->Error(Loc(at), "unexpected-argument",
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
        diags_->Error(Loc(at), "missing-argument",
                      "APPROX_PERCENTILE needs `helper { percentiles: [...] }` (APPROX_PERCENTILE(percentiles))");
      } else if (!kTakesK.count(op)) {
        diags_->Error(Loc(at), "unexpected-argument", absl::StrCat(OperationName(op), " takes no `k` argument"));
      }
      Json arg_map = Json::object();
      arg_map["k"] = PyStr(k_literal());
      out["argMap"] = std::move(arg_map);
    } else if (!out.contains("argMap") && !helper.raw()) {
      static const std::set<int> kNeedsK = {
          api::LAST_K, api::FIRST_K, api::TOP_K, api::BOTTOM_K, api::APPROX_HISTOGRAM_K, api::BOUNDED_UNIQUE_COUNT};
      if (kNeedsK.count(op)) {
        diags_->Error(Loc(at), "missing-argument",
                      absl::StrCat(OperationName(op), " needs its size: write `helper { k: 10 }` (", OperationName(op),
                                   "(10) in Python)"));
      }
      // The Aggregation() helper always writes an argMap, {} without arguments.
      out["argMap"] = Json::object();
    }
    SortByFieldNumber(&out, api::Aggregation::descriptor());
  }
}

Json Compiler::BuildGroupBy(const api::GroupBy& group_by, const ParseInfoTree* tree, const std::string& pointer) {
  const Descriptor* d = api::GroupBy::descriptor();
  RejectDerivedMetaData(group_by.meta_data(), chronon::Nested(tree, d, "meta_data", -1), "GroupBy");
  ToJsonOptions options = Options();
  const int errors_before = diags_->error_count();
  Json g = ProtoToJson(group_by, tree, pointer, options);
  const api::GroupByHelper& helper = group_by.helper();
  // A definition that did not convert (bad references, bad values) would only produce follow-on errors.
  if (diags_->error_count() > errors_before) return g;

  // 1. Required arguments.
  if (group_by.sources_size() == 0) {
    diags_->Error(Loc(pointer), "missing-sources", "Sources are not specified");
    return g;
  }
  if (group_by.meta_data().has_historical_backfill() && !group_by.has_backfill_start_date()) {
    diags_->Error(Loc(pointer + "/metaData/historicalBackfill"), "historical-backfill-without-start",
                  "historical_backfill can only be set when backfill_start_date is specified.");
  }
  if (g.contains("aggregations")) BuildAggregations(group_by, tree, pointer, &g["aggregations"]);

  // 3. Every key and aggregation input is selected from every source; a `ts` select becomes the time column.
  std::vector<std::string> columns(group_by.key_columns().begin(), group_by.key_columns().end());
  for (const api::Aggregation& aggregation : group_by.aggregations()) columns.push_back(aggregation.input_column());
  Json& sources = g["sources"];
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string at = PointerAppend(PointerAppend(pointer, "sources"), i);
    auto [kind, member] = SourceMember(sources[i]);
    if (member == nullptr) continue;
    if (!member->contains("query")) {
      diags_->Error(Loc(at), "missing-query", "a GroupBy source needs a `query`");
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
        diags_->Error(Loc(at + "/" + kind + "/query/selects/ts"), "mismatched-ts",
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
    for (std::string& dep : SourceDependencies(source, explicit_deps, helper.lag())) {
      dependencies.push_back(std::move(dep));
    }
  }

  // 5. customJson: kwargs, lag, groupby_tags, column_tags.
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
  meta_data["team"] = team_;
  if (!meta_data.contains("offlineSchedule")) meta_data["offlineSchedule"] = kDefaultSchedule;
  SortByFieldNumber(&g, d);

  // 8. validate_group_by, and the validator's derivation check.
  ValidateGroupBy(g, pointer);
  if (g.contains("derivations")) {
    std::vector<std::string> keys(group_by.key_columns().begin(), group_by.key_columns().end());
    std::vector<std::string> available = PreDerivedGroupByColumns(g);
    available.insert(available.end(), keys.begin(), keys.end());
    ValidateDerivations(g["derivations"], keys, available, pointer + "/derivations", Locator(), diags_);
  }
  return g;
}

void Compiler::ValidateGroupBy(const Json& g, const std::string& pointer) {
  const Json sources = g.value("sources", Json::array());
  const bool has_aggregations = g.contains("aggregations");
  const Json aggregations = g.value("aggregations", Json::array());
  const Json* accuracy = Find(g, "accuracy");
  const bool snapshot = accuracy != nullptr && *accuracy == static_cast<int>(api::SNAPSHOT);
  bool windowed = false;
  for (const Json& aggregation : aggregations) {
    windowed = windowed || !aggregation.value("windows", Json::array()).empty();
  }
  bool any_streaming = false;
  std::vector<std::set<std::string>> column_sets;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string at = PointerAppend(PointerAppend(pointer, "sources"), i);
    auto [kind, member] = SourceMember(sources[i]);
    if (member == nullptr) continue;
    if (!member->contains("query")) continue;  // reported as missing-query
    const Json query = member->value("query", Json::object());
    const bool has_time = query.contains("timeColumn");
    std::set<std::string> columns;
    const Json selects = query.value("selects", Json::object());
    for (auto& [key, value] : selects.items()) columns.insert(key);
    column_sets.push_back(columns);
    if (kind == "events") {
      if (member->contains("topic")) any_streaming = true;
      if (IsTrue(*member, "isCumulative") && !has_time) {
        diags_->Error(
            Loc(at + "/events/isCumulative"), "cumulative-without-time-column",
            absl::StrCat("Please set query.timeColumn for Cumulative Events Table: ", GetString(*member, "table")));
      }
      if (query.contains("mutationTimeColumn")) {
        diags_->Error(Loc(at + "/events/query/mutationTimeColumn"), "event-source-mutation-time",
                      "ingestionTimeColumn should not be specified for event source as it should be the same with "
                      "timeColumn");
      }
      if (query.contains("reversalColumn")) {
        diags_->Error(Loc(at + "/events/query/reversalColumn"), "event-source-reversal",
                      "reversalColumn should not be specified for event source as it won't have mutations");
      }
      if (!snapshot && !has_time) {
        diags_->Error(Loc(at + "/events/query"), "missing-time-column",
                      "please specify query.timeColumn for non-snapshot accurate group by with event source");
      }
      if (snapshot && member->contains("topic")) {
        diags_->Error(Loc(pointer + "/accuracy"), "snapshot-streaming",
                      "SNAPSHOT accuracy should not be specified for streaming sources");
      }
    } else {
      if (kind == "entities" && member->contains("mutationTopic")) any_streaming = true;
      if (kind == "joinSource") {
        const Json left = member->value("join", Json::object()).value("left", Json::object());
        const bool streams = (left.contains("events") && left["events"].contains("topic")) ||
                             (left.contains("entities") && left["entities"].contains("mutationTopic"));
        if (!streams) {
          diags_->Error(Loc(at), "join-source-not-streaming",
                        "When using a JoinSource as the source for a GroupBy, the parent join must have a topic. "
                        "The parent join's left source needs an events `topic` or an entities `mutation_topic`.");
        }
        any_streaming = any_streaming || streams;
      }
      if (windowed && !has_time) {
        diags_->Error(Loc(at), "missing-time-column",
                      "Please specify timeColumn for entity source with windowed aggregations");
      }
    }
    if (!has_aggregations && (kind == "events" || (kind == "entities" && (member->contains("mutationTable") ||
                                                                          member->contains("mutationTopic"))))) {
      diags_->Error(Loc(at), "aggregations-required",
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
      diags_->Error(Loc(PointerAppend(PointerAppend(pointer, "sources"), i)), "mismatched-source-columns",
                    absl::StrCat("Mismatched columns among sources [1, ", i + 1, "], Difference: {'",
                                 absl::StrJoin(difference, "', '"), "'}"));
    }
  }
  if (IsTrue(g, "isIncremental")) {
    for (const Json& source : sources) {
      if (!source.contains("events")) {
        diags_->Error(Loc(pointer + "/isIncremental"), "incremental-needs-events",
                      "is_incremental is only supported for event sources");
        break;
      }
    }
    const bool effective_snapshot = accuracy != nullptr ? snapshot : !any_streaming;
    if (!effective_snapshot) {
      diags_->Error(Loc(pointer + "/isIncremental"), "incremental-needs-snapshot",
                    "is_incremental is only supported for SNAPSHOT accuracy group bys");
    }
  }
  for (size_t i = 0; i < aggregations.size(); ++i) {
    const Json& aggregation = aggregations[i];
    const std::string at = PointerAppend(PointerAppend(pointer, "aggregations"), i);
    const std::string input = GetString(aggregation, "inputColumn");
    const int op = aggregation.value("operation", static_cast<int>(api::LAST));
    if (input.empty()) {
      diags_->Error(Loc(at), "missing-input-column",
                    absl::StrCat("input_column is required for all operations, found: input_column = None and "
                                 "operation ",
                                 absl::AsciiStrToLower(OperationName(op))));
    }
    if (op == api::APPROX_PERCENTILE) {
      const Json arg_map = aggregation.value("argMap", Json::object());
      if (!arg_map.contains("percentiles")) {
        diags_->Error(Loc(at), "approx-percentile-arguments",
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
          diags_->Error(Loc(at), "approx-percentile-arguments",
                        absl::StrCat("[Percentiles] Unable to decode percentiles value, expected json array with "
                                     "values between 0 and 1 inclusive (ex: [0.6, 0.1]), received: ",
                                     arg_map["percentiles"].get<std::string>()));
        }
      }
    }
    if (op == api::UNIQUE_COUNT || op == api::HISTOGRAM) {
      diags_->Warning(Loc(at), "unbounded-operation",
                      absl::StrCat(OperationName(op),
                                   " keeps every distinct value and can grow without bound; consider the APPROX_ "
                                   "or bounded variant"));
    }
    bool agg_hourly = false;
    for (const Json& window : aggregation.value("windows", Json::array())) {
      if (window.value("timeUnit", 1) == api::HOURS) agg_hourly = true;
    }
    if (agg_hourly && (snapshot || g.contains("backfillStartDate"))) {
      diags_->Error(Loc(at + "/windows"), "hourly-window-with-snapshot",
                    absl::StrCat("Detected a snapshot accuracy group by with an hourly aggregation. Resolution with "
                                 "snapshot accuracy is not fine enough to allow hourly group bys. Consider removing "
                                 "the `backfill start date` param if set or adjusting the aggregation window. "
                                 "input_column: ",
                                 input));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// LabelPart() of join.py: a label GroupBy with aggregations has one aggregation with one DAYS window, and the
// offsets follow that window.

void Compiler::ValidateLabelPart(Json* label_part, const std::string& pointer) {
  const Json labels = label_part->value("labels", Json::array());
  bool aggregated = false;
  for (const Json& label : labels)
    aggregated = aggregated || label.value("groupBy", Json::object()).contains("aggregations");
  if (!aggregated) return;
  if (labels.size() > 1) {
    diags_->Error(Loc(pointer + "/labels"), "label-multiple-parts", "Multiple label joinPart is not supported yet");
    return;
  }
  const Json aggregations = labels[0]["groupBy"]["aggregations"];
  const std::string at = pointer + "/labels/0/groupBy/aggregations";
  if (aggregations.size() != 1 || aggregations[0].value("windows", Json::array()).size() != 1) {
    diags_->Error(Loc(at), "label-aggregation-shape",
                  "Too many aggregations or invalid windows found. Single aggregation with one window allowed.");
    return;
  }
  const Json window = aggregations[0]["windows"][0];
  if (window.value("timeUnit", 1) != api::DAYS) {
    diags_->Error(Loc(at + "/0/windows/0"), "label-window-unit", "Label aggregation window unit must be DAYS");
    return;
  }
  const int size = window.value("length", 0);
  if (label_part->value("leftStartOffset", size) != size || label_part->value("leftEndOffset", size) != size) {
    diags_->Warning(Loc(pointer + "/leftStartOffset"), "label-offsets-inferred",
                    absl::StrCat("left_start_offset and left_end_offset will be inferred to be same as aggregation "
                                 "window ",
                                 size, " and the incorrect values will be ignored."));
  }
  (*label_part)["leftStartOffset"] = size;
  (*label_part)["leftEndOffset"] = size;
  SortByFieldNumber(label_part, api::LabelPart::descriptor());
}

// ---------------------------------------------------------------------------------------------------------
// Join() of join.py.

Json Compiler::BuildJoin(const api::Join& join, const ParseInfoTree* tree, const std::string& pointer) {
  const Descriptor* d = api::Join::descriptor();
  RejectDerivedMetaData(join.meta_data(), chronon::Nested(tree, d, "meta_data", -1), "Join");
  ToJsonOptions options = Options();
  const int errors_before = diags_->error_count();
  Json j = ProtoToJson(join, tree, pointer, options);
  const api::JoinHelper& helper = join.helper();
  if (diags_->error_count() > errors_before) return j;
  const std::vector<std::string> explicit_deps(helper.dependencies().begin(), helper.dependencies().end());

  // 1. The left source: no cumulative events, no JoinSource; an events left gets `ts` appended to its selects.
  if (!join.has_left()) {
    diags_->Error(Loc(pointer), "missing-left", "a Join needs a `left` source");
    return j;
  }
  Json& left = j["left"];
  const Location left_at = Loc(pointer + "/left");
  if (left.contains("events") && IsTrue(left["events"], "isCumulative")) {
    diags_->Error(Loc(pointer + "/left/events/isCumulative"), "cumulative-left",
                  "Using EventSource with isCumulative=True as Left source in Joins is NOT supported by Chronon now. "
                  "You can use either EntitySource or EventSource with isCumulative=False.");
  }
  if (left.contains("joinSource")) {
    diags_->Error(left_at, "join-source-left",
                  "Using JoinSource as Left source in Joins is NOT supported by Chronon now. For offline-only use "
                  "case, you can directly depend on the Join's output table.");
  }
  if (left.contains("events") && left["events"].contains("query")) {
    Json& query = left["events"]["query"];
    if (query.contains("selects") && !query["selects"].empty()) {
      if (query["selects"].contains("ts")) {
        diags_->Error(Loc(pointer + "/left/events/query/selects/ts"), "reserved-ts",
                      "'ts' is a reserved key word for Chronon, please specify the expression in timeColumn");
      }
      query["selects"]["ts"] = StringOrNull(query, "timeColumn");
    }
  }

  // 2-3. Left dependencies, then each right part's GroupBy dependencies (once per source, normalized).
  std::vector<std::string> left_deps = SourceDependencies(left, explicit_deps, helper.lag());
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
    ValidateLabelPart(&label_part, pointer + "/labelPart");
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

  // 5. customJson: check_consistency, lag, additional_args, additional_env, kwargs, join_tags, join_part_tags.
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
        ScalarTokens(input_.src_text, chronon::Nested(tree, d, "helper", -1),
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
      diags_->Error(Loc(pointer + "/onlineExternalParts"), "duplicate-external-part",
                    absl::StrCat("Found ", count - 1, " duplicate(s) for external part (",
                                 key.first.empty() ? "None" : "'" + key.first + "'", ", '", key.second,
                                 "'). Please address all the above mentioned duplicates."));
    }
  }

  // 9. bootstrap_from_log appends a part reading the join's own logged table.
  if (helper.bootstrap_from_log()) {
    const Json* sample = Find(meta_data, "samplePercent");
    if (!IsTrue(meta_data, "online") || sample == nullptr || !(sample->get<double>() > 0)) {
      diags_->Error(At(chronon::Nested(tree, d, "helper", -1), api::JoinHelper::descriptor(), "bootstrap_from_log"),
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
      for (std::string& dep : SourceDependencies(source, {}, 0)) deps.push_back(std::move(dep));
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

// ---------------------------------------------------------------------------------------------------------
// compile.py.

std::string Compiler::TeamNamespace(const std::string& team, const std::string& pointer) {
  auto cached = namespaces_.find(team);
  if (cached != namespaces_.end()) return cached->second;
  std::optional<Json> ns = teams_.Get(team, "namespace");
  if (!ns || !ns->is_string()) {
    diags_->Error(Loc(pointer), "team-config-missing-key",
                  absl::StrCat("neither team ", team, " nor `default` has a \"namespace\" in ", TeamsName(),
                               "; add one or set meta_data.output_namespace"));
    namespaces_[team] = "";
    return "";
  }
  return namespaces_[team] = ns->get<std::string>();
}

// _set_team_level_metadata: namespace and table properties from the team config unless set; team overwritten.
void Compiler::SetTeamMetadata(Json* object, const std::string& team, const std::string& pointer) {
  Json& meta_data = (*object)["metaData"];
  if (!meta_data.contains("outputNamespace")) meta_data["outputNamespace"] = TeamNamespace(team, pointer);
  if (!meta_data.contains("tableProperties") || meta_data["tableProperties"].empty()) {
    std::optional<Json> properties = teams_.Get(team, "table_properties");
    if (!properties) {
      diags_->Error(Loc(pointer), "team-config-missing-key",
                    absl::StrCat("neither team ", team, " nor `default` has \"table_properties\" in ", TeamsName()));
    } else {
      meta_data["tableProperties"] = *properties;
    }
  }
  meta_data["team"] = team;
  SortByFieldNumber(&meta_data, api::MetaData::descriptor());
  // A GroupBy's JoinSource parents get the GroupBy's team metadata.
  if (object->contains("sources")) {
    for (size_t i = 0; i < (*object)["sources"].size(); ++i) {
      Json& source = (*object)["sources"][i];
      if (source.contains("joinSource") && source["joinSource"].contains("join")) {
        SetTeamMetadata(&source["joinSource"]["join"], team, pointer);
      }
    }
  }
}

std::optional<CompileOutput> Compiler::Finish(Json object, Json conf, const Descriptor* descriptor, Json extra) {
  if (diags_->has_errors()) return std::nullopt;
  CompileOutput output;
  if (!conf.is_null()) {
    SortByFieldNumber(&conf, descriptor);
    absl::StatusOr<std::string> text = WritePythonJson(conf, 2);
    if (!text.ok()) {
      diags_->Error({}, "unwritable-value", std::string(text.status().message()));
      return std::nullopt;
    }
    output.conf = *std::move(text);
  }
  Json summary = Json::object();
  summary["kind"] = KindName(input_.kind);
  summary["label"] = input_.label;
  summary["name"] = input_.name;
  summary["team"] = team_;
  if (input_.kind != Kind::kSource) {
    std::optional<Json> ns = teams_.Get(team_, "namespace");
    if (ns && ns->is_string()) summary["teamNamespace"] = *ns;
  }
  summary["object"] = std::move(object);
  if (!extra.is_null()) summary["extra"] = std::move(extra);
  if (input_.kind == Kind::kJoin && !conf.is_null()) summary["conf"] = conf;
  output.summary = summary.dump();
  return output;
}

std::optional<CompileOutput> Compiler::CompileSource() {
  api::Source source;
  ParseInfoTree tree;
  if (!Parse(&source, &tree)) return std::nullopt;
  if (source.has_ref()) {
    diags_->Error(FieldLocation(&tree, api::Source::descriptor()->FindFieldByName("ref"), -1), "ref-not-allowed",
                  "a chronon_source defines a source; reference other sources where they are used instead");
    return std::nullopt;
  }
  Json object = BuildSource(source, &tree, "");
  return Finish(std::move(object), nullptr, api::Source::descriptor());
}

std::optional<CompileOutput> Compiler::CompileGroupBy() {
  api::GroupBy group_by;
  ParseInfoTree tree;
  if (!Parse(&group_by, &tree)) return std::nullopt;
  if (group_by.has_ref()) {
    diags_->Error(FieldLocation(&tree, api::GroupBy::descriptor()->FindFieldByName("ref"), -1), "ref-not-allowed",
                  "`ref` is for using a GroupBy inside a Join; a chronon_group_by defines one");
    return std::nullopt;
  }
  if (group_by.meta_data().has_name()) {
    diags_->Error(
        At(chronon::Nested(&tree, api::GroupBy::descriptor(), "meta_data", -1), api::MetaData::descriptor(), "name"),
        "derived-field", absl::StrCat("meta_data.name is derived from where the definition lives: ", input_.name));
  }
  Json g = BuildGroupBy(group_by, &tree, "");
  ValidateDeprecation(g, "group_by", input_.name, Locator(), diags_);
  // Module naming: name and team.
  g["metaData"]["name"] = input_.name;
  g["metaData"]["team"] = team_;
  SortByFieldNumber(&g, api::GroupBy::descriptor());
  Json conf = g;
  SetTeamMetadata(&conf, team_, "");
  // _set_templated_values: the GroupBy's own dependencies.
  const std::string ns = GetString(conf["metaData"], "outputNamespace");
  const std::string logged = absl::StrCat(ns.empty() ? "{{ db }}" : ns, ".", Sanitize(input_.name), "_logged");
  for (Json& dep : conf["metaData"]["dependencies"]) {
    dep = absl::StrReplaceAll(dep.get<std::string>(),
                              {{"{{ logged_table }}", logged}, {"{{ db }}", TeamNamespace(team_, "")}});
  }
  return Finish(std::move(g), std::move(conf), api::GroupBy::descriptor());
}

std::optional<CompileOutput> Compiler::CompileJoin() {
  api::Join join;
  ParseInfoTree tree;
  if (!Parse(&join, &tree)) return std::nullopt;
  const Descriptor* d = api::Join::descriptor();
  if (join.has_ref()) {
    diags_->Error(FieldLocation(&tree, d->FindFieldByName("ref"), -1), "ref-not-allowed",
                  "`ref` is for using a Join inside a JoinSource; a chronon_join defines one");
    return std::nullopt;
  }
  if (join.meta_data().has_name()) {
    diags_->Error(At(chronon::Nested(&tree, d, "meta_data", -1), api::MetaData::descriptor(), "name"), "derived-field",
                  absl::StrCat("meta_data.name is derived from where the definition lives: ", input_.name));
  }
  Json j = BuildJoin(join, &tree, "");
  j["metaData"]["name"] = input_.name;
  j["metaData"]["team"] = team_;
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
      diags_->Error(Loc("/joinParts"), "online-join-offline-group-by",
                    absl::StrCat("join ", input_.name, " is online but includes the following offline group_bys: ",
                                 absl::StrJoin(offline, ", ")));
    }
    if (!unset.empty()) {
      diags_->Warning(
          Loc("/joinParts"), "online-join-group-by-not-online",
          absl::StrCat("You must make all dependent GroupBys `online` if you want to make your join [", input_.name,
                       "] `online`. You can do this by passing the `online=True` argument to the "
                       "GroupBy constructor. Fix the following: [",
                       absl::StrJoin(unset, ", "), "]"));
    }
  }

  ValidateKeyMappings(j, Locator(), diags_);
  ValidateProduction(j, input_.name, Locator(), diags_);
  ValidateDeprecation(j, "join", input_.name, Locator(), diags_);
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
    ValidateDerivations(j["derivations"], left_columns, available, "/derivations", Locator(), diags_);
  }

  Json conf = j;
  SetTeamMetadata(&conf, team_, "");
  Json& meta_data = conf["metaData"];
  const std::string ns = GetString(meta_data, "outputNamespace");
  const std::string table = absl::StrCat(ns, ".", Sanitize(input_.name));
  if (conf.contains("bootstrapParts") && !conf["bootstrapParts"].empty()) {
    const std::vector<std::pair<std::string, std::string>> replacements = {
        {"{{ logged_table }}", absl::StrCat(ns.empty() ? "{{ db }}" : ns, ".", Sanitize(input_.name), "_logged")},
        {"{{ db }}", TeamNamespace(team_, "")}};
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
  return Finish(std::move(j), std::move(conf), d);
}

std::optional<CompileOutput> Compiler::CompileStagingQuery() {
  api::StagingQuery staging_query;
  ParseInfoTree tree;
  if (!Parse(&staging_query, &tree)) return std::nullopt;
  ToJsonOptions options = Options();
  Json s = ProtoToJson(staging_query, &tree, "", options);
  Json& meta_data = s["metaData"];
  if (meta_data.is_null()) meta_data = Json::object();
  meta_data["name"] = input_.name;
  meta_data["team"] = team_;
  SortByFieldNumber(&s, api::StagingQuery::descriptor());
  if (IsTrue(s, "createView")) {
    static const std::regex kStart(R"(\{\{\s*start_date\s*\}\})", std::regex::icase);
    static const std::regex kEnd(R"(\{\{\s*end_date\s*\}\})", std::regex::icase);
    const std::string query = GetString(s, "query");
    std::vector<std::string> found;
    if (std::regex_search(query, kStart)) found.push_back("start_date");
    if (std::regex_search(query, kEnd)) found.push_back("end_date");
    if (!found.empty()) {
      diags_->Error(Loc("/createView"), "view-with-date-templates",
                    absl::StrCat("StagingQuery '", input_.name,
                                 "' with createView=True cannot contain date templates: {", absl::StrJoin(found, ", "),
                                 "}. Views should contain all data and use partition pushdown for filtering."));
    }
  }
  Json conf = s;
  SetTeamMetadata(&conf, team_, "");
  // staging_query._resolve: the table sources built on this query read.
  Json extra = Json::object();
  extra["outputTable"] = absl::StrCat(GetString(conf["metaData"], "outputNamespace"), ".", Sanitize(input_.name));
  return Finish(std::move(s), std::move(conf), api::StagingQuery::descriptor(), std::move(extra));
}

std::optional<CompileOutput> Compiler::Run() {
  std::optional<Label> label = ParseAbsoluteLabel(input_.label);
  // Both end up in the summary, which is JSON: invalid UTF-8 there cannot be written (found by fuzzing).
  if (!label || !IsValidUtf8(input_.label)) {
    diags_->Error({}, "invalid-label", absl::StrCat("--label=", input_.label, " is not an absolute Bazel label"));
    return std::nullopt;
  }
  label_ = *label;
  if (!IsValidUtf8(input_.name)) {
    diags_->Error({}, "invalid-name", absl::StrCat("the Chronon name \"", input_.name, "\" is not UTF-8"));
    return std::nullopt;
  }
  if (input_.kind != Kind::kSource) {
    const size_t dot = input_.name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == input_.name.size()) {
      diags_->Error({}, "invalid-name",
                    absl::StrCat("the Chronon name \"", input_.name,
                                 "\" must be team.[sub.]name, from a definition in <kind folder>/<team>/"));
      return std::nullopt;
    }
    team_ = input_.name.substr(0, dot);
  }
  if (!LoadTeams()) return std::nullopt;
  LoadDependencies();
  if (diags_->has_errors()) return std::nullopt;
  switch (input_.kind) {
    case Kind::kSource:
      return CompileSource();
    case Kind::kGroupBy:
      return CompileGroupBy();
    case Kind::kJoin:
      return CompileJoin();
    case Kind::kStagingQuery:
      return CompileStagingQuery();
  }
  return std::nullopt;
}

}  // namespace

std::optional<Kind> ParseKind(const std::string& name) {
  if (name == "source") return Kind::kSource;
  if (name == "group_by") return Kind::kGroupBy;
  if (name == "join") return Kind::kJoin;
  if (name == "staging_query") return Kind::kStagingQuery;
  return std::nullopt;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kSource:
      return "source";
    case Kind::kGroupBy:
      return "group_by";
    case Kind::kJoin:
      return "join";
    case Kind::kStagingQuery:
      return "staging_query";
  }
  return "";
}

std::optional<CompileOutput> Compile(const CompileInput& input, Diagnostics* diags) {
  // The definition is checked field by field, but dependency summaries are only checked at their top level: one
  // that was corrupted inside (they are our own outputs, so only by hand) must still give a diagnostic, not a crash.
  try {
    return Compiler(input, diags).Run();
  } catch (const nlohmann::json::exception& e) {
    diags->Error({}, "internal-error",
                 absl::StrCat("cannot compile this definition against its dependencies (", e.what(),
                              "); rebuild them, and report a bug if this persists"));
    return std::nullopt;
  }
}

}  // namespace chronon
