#include "chronon/import/importer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/compiler.h"
#include "chronon/import/import_internal.h"
#include "chronon/json_writer.h"
#include "chronon/proto_json.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------------
// Shared helpers of the per-concept files.

void AddError(const Context& ctx, const std::string& pointer, const std::string& message) {
  ctx.errors->push_back({ctx.file, pointer, message});
}

Json Without(const Json& json, std::initializer_list<const char*> drop) {
  Json out = json;
  if (!out.is_object()) return out;
  for (const char* key : drop) out.erase(key);
  return out;
}

std::string PathAppend(const std::string& path, const std::string& field, int index) {
  std::string out = path.empty() ? field : absl::StrCat(path, "/", field);
  if (index >= 0) absl::StrAppend(&out, "/", index);
  return out;
}

void ToJsonValue(const Json& value, api::JsonValue* out) {
  if (value.is_null()) {
    out->set_null_value(true);
  } else if (value.is_boolean()) {
    out->set_bool_value(value.get<bool>());
  } else if (value.is_number_integer()) {
    out->set_int_value(value.get<int64_t>());
  } else if (value.is_number()) {
    out->set_float_value(value.get<double>());
  } else if (value.is_string()) {
    out->set_string_value(value.get<std::string>());
  } else if (value.is_array()) {
    api::JsonList* list = out->mutable_list_value();
    for (const Json& element : value) ToJsonValue(element, list->add_values());
  } else {
    api::JsonObject* object = out->mutable_object_value();
    for (const auto& [key, field] : value.items()) ToJsonField(key, field, object->add_fields());
  }
}

void ToJsonField(const std::string& key, const Json& value, api::JsonField* out) {
  api::JsonValue typed;
  ToJsonValue(value, &typed);
  out->set_key(key);
  // JsonValue and JsonField share the oneof's shape; copy it member by member.
  switch (typed.kind_case()) {
    case api::JsonValue::kNullValue:
      out->set_null_value(true);
      break;
    case api::JsonValue::kBoolValue:
      out->set_bool_value(typed.bool_value());
      break;
    case api::JsonValue::kIntValue:
      out->set_int_value(typed.int_value());
      break;
    case api::JsonValue::kFloatValue:
      out->set_float_value(typed.float_value());
      break;
    case api::JsonValue::kStringValue:
      out->set_string_value(typed.string_value());
      break;
    case api::JsonValue::kListValue:
      *out->mutable_list_value() = typed.list_value();
      break;
    case api::JsonValue::kObjectValue:
      *out->mutable_object_value() = typed.object_value();
      break;
    default:
      break;
  }
}

void UnderiveTeamMetadata(const Json& meta_data, const std::string& team, bool keep_namespace, bool keep_properties,
                          const Context& ctx, api::MetaData* out) {
  if (!keep_namespace && meta_data.contains("outputNamespace")) {
    std::optional<Json> ns = ctx.teams->Get(team, "namespace");
    if (ns && *ns == meta_data["outputNamespace"]) out->clear_output_namespace();
  }
  if (!keep_properties && meta_data.contains("tableProperties")) {
    std::optional<Json> properties = ctx.teams->Get(team, "table_properties");
    if (properties && properties->dump() == meta_data["tableProperties"].dump()) out->clear_table_properties();
  }
  if (out->offline_schedule() == "@daily") out->clear_offline_schedule();
}

// ---------------------------------------------------------------------------------------------------------

int ImportResult::identical() const {
  return static_cast<int>(std::count_if(files.begin(), files.end(), [](const FileResult& f) { return f.identical; }));
}

namespace {

struct KindDir {
  const char* dir;
  const char* kind;
  const char* rule;
  const char* message;
};
constexpr KindDir kKinds[] = {
    {"staging_queries", "staging_query", "chronon_staging_query", "StagingQuery"},
    {"group_bys", "group_by", "chronon_group_by", "GroupBy"},
    {"joins", "join", "chronon_join", "Join"},
};

const KindDir& KindOf(const std::string& kind) {
  for (const KindDir& k : kKinds) {
    if (kind == k.kind) return k;
  }
  return kKinds[0];
}

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

size_t CountLines(const std::string& text) {
  if (text.empty()) return 0;
  return std::count(text.begin(), text.end(), '\n') + (text.back() == '\n' ? 0 : 1);
}

std::string Format(const InputError& e) {
  return absl::StrCat(e.file, ": error: ", e.pointer.empty() ? "" : absl::StrCat("at ", e.pointer, ": "), e.message,
                      " [import-bad-input]");
}

// The members that differ between two JSON trees, as JSON pointers.
void Differences(const Json& want, const Json& got, const std::string& pointer, std::vector<std::string>* out) {
  if (out->size() >= 20) return;
  if (want.is_object() && got.is_object()) {
    std::vector<std::string> want_keys, got_keys;
    for (const auto& [key, value] : want.items()) want_keys.push_back(key);
    for (const auto& [key, value] : got.items()) got_keys.push_back(key);
    for (const auto& [key, value] : want.items()) {
      if (!got.contains(key)) {
        out->push_back(PointerAppend(pointer, key) + " (missing)");
      } else {
        Differences(value, got[key], PointerAppend(pointer, key), out);
      }
    }
    for (const auto& [key, value] : got.items()) {
      if (!want.contains(key)) out->push_back(PointerAppend(pointer, key) + " (extra)");
    }
    std::vector<std::string> common_want, common_got;
    for (const std::string& k : want_keys)
      if (got.contains(k)) common_want.push_back(k);
    for (const std::string& k : got_keys)
      if (want.contains(k)) common_got.push_back(k);
    if (common_want != common_got) out->push_back((pointer.empty() ? "/" : pointer) + " (member order)");
    return;
  }
  if (want.is_array() && got.is_array()) {
    for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
      if (i >= want.size()) {
        out->push_back(PointerAppend(pointer, i) + " (extra)");
      } else if (i >= got.size()) {
        out->push_back(PointerAppend(pointer, i) + " (missing)");
      } else {
        Differences(want[i], got[i], PointerAppend(pointer, i), out);
      }
    }
    return;
  }
  if (want.dump() != got.dump() || want.type() != got.type()) out->push_back(pointer.empty() ? "/" : pointer);
}

// Every `ref` and `staging_query` label in a definition.
void CollectRefs(const google::protobuf::Message& message, std::set<std::string>* refs) {
  const auto* r = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i)
          CollectRefs(r->GetRepeatedMessage(message, field, i), refs);
      } else {
        CollectRefs(r->GetMessage(message, field), refs);
      }
    } else if ((field->name() == "ref" || field->name() == "staging_query") &&
               field->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !field->is_repeated()) {
      refs->insert(r->GetString(message, field));
    }
  }
}

// The Chronon names an object's JSON mentions (embedded GroupBys and Joins), other than its own.
void CollectNames(const Json& json, const std::string& self, std::set<std::string>* names) {
  if (json.is_object()) {
    auto meta = json.find("metaData");
    if (meta != json.end() && meta->is_object() && meta->contains("name") && (*meta)["name"].is_string()) {
      const std::string name = (*meta)["name"].get<std::string>();
      if (name != self) names->insert(name);
    }
    for (const auto& [key, value] : json.items()) CollectNames(value, self, names);
  } else if (json.is_array()) {
    for (const Json& value : json) CollectNames(value, self, names);
  }
}

std::string SanitizeName(const std::string& text) {
  std::string out(text);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out;
}

struct Definition {
  std::string src;
  std::vector<std::string> deps;
  std::unique_ptr<google::protobuf::Message> message;
  Choices choice;
  IntegerDoubles integers;
};

class Importer {
 public:
  Importer(const std::string& from, const ImportOptions& options) : from_(from), options_(options) {}

  ImportResult Run() {
    if (!Load()) return std::move(result_);
    // The un-derive steps read members of the shape compile.py writes; another shape (a number where an object
    // belongs, deep inside) is bad input of the file being read, never a crash.
    try {
      Prepass();
      if (!result_.errors.empty()) return std::move(result_);
      for (const Object& object : objects_) ImportObject(object);
      if (!result_.errors.empty()) return std::move(result_);
      ShareSources();
    } catch (const Json::exception& e) {
      result_.errors.push_back(
          Format({current_file_, "", absl::StrCat("not the JSON compile.py writes (", e.what(), ")")}));
      return std::move(result_);
    }
    for (const Object& object : objects_) result_.files.push_back(files_[object.name]);
    Generate();
    return std::move(result_);
  }

 private:
  bool Load() {
    const fs::path root(from_);
    if (!ReadFile(root / "teams.json", &teams_text_)) {
      result_.errors.push_back(
          absl::StrCat((root / "teams.json").string(), ": error: cannot read the team config [import-bad-input]"));
      return false;
    }
    absl::StatusOr<TeamConfig> teams = TeamConfig::Parse(teams_text_);
    if (!teams.ok()) {
      result_.errors.push_back(
          absl::StrCat((root / "teams.json").string(), ": error: ", teams.status().message(), " [import-bad-input]"));
      return false;
    }
    teams_ = *std::move(teams);
    const fs::path production = root / "production";
    std::error_code ec;
    if (!fs::is_directory(production, ec)) {
      result_.errors.push_back(absl::StrCat(
          production.string(), ": error: no production/ tree (what compile.py writes) [import-bad-input]"));
      return false;
    }
    for (const KindDir& kind : kKinds) {
      const fs::path dir = production / kind.dir;
      if (!fs::is_directory(dir, ec)) continue;
      std::vector<fs::path> paths;
      for (const auto& team_dir : fs::directory_iterator(dir)) {
        const std::string team = team_dir.path().filename().string();
        if (absl::StartsWith(team, ".")) continue;
        if (!team_dir.is_directory()) {
          result_.errors.push_back(
              absl::StrCat(team_dir.path().string(), ": error: expected a team directory [import-bad-input]"));
          continue;
        }
        for (const auto& file : fs::directory_iterator(team_dir.path())) {
          if (absl::StartsWith(file.path().filename().string(), ".")) continue;
          paths.push_back(file.path());
        }
      }
      std::sort(paths.begin(), paths.end());
      for (const fs::path& path : paths) LoadFile(path, kind);
    }
    if (objects_.empty() && result_.errors.empty()) {
      result_.errors.push_back(absl::StrCat(
          production.string(), ": error: no GroupBy, Join or StagingQuery files found [import-bad-input]"));
    }
    return result_.errors.empty();
  }

  void LoadFile(const fs::path& path, const KindDir& kind) {
    const std::string team = path.parent_path().filename().string();
    const std::string file = path.filename().string();
    Object object;
    object.kind = kind.kind;
    object.rel = absl::StrCat(kind.dir, "/", team, "/", file);
    const std::string shown = absl::StrCat("production/", object.rel);
    auto error = [&](const std::string& pointer, const std::string& message) {
      result_.errors.push_back(Format({shown, pointer, message}));
    };
    if (!fs::is_regular_file(path)) return error("", "expected a file written by compile.py");
    if (!ReadFile(path, &object.text)) return error("", "cannot read the file");
    result_.json_lines += CountLines(object.text);
    try {
      object.json = Json::parse(object.text);
    } catch (const Json::parse_error& e) {
      size_t line = 1, column = 1;
      for (size_t i = 0; i + 1 < e.byte && i < object.text.size(); ++i) {
        if (object.text[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      result_.errors.push_back(
          absl::StrCat(shown, ":", line, ":", column, ": error: invalid JSON (", e.what(), ") [import-bad-input]"));
      return;
    }
    if (!object.json.is_object()) return error("", "expected a JSON object");
    const Json meta = object.json.value("metaData", Json());
    if (!meta.is_object() || !meta.contains("name") || !meta["name"].is_string()) {
      return error("/metaData/name", "missing: compile.py always writes the object's name");
    }
    object.name = meta["name"].get<std::string>();
    object.team = team;
    const std::string expected = absl::StrCat(team, ".", file);
    if (object.name != expected) {
      return error("/metaData/name",
                   absl::StrCat("\"", object.name, "\" does not match the file's path (compile.py names ", shown, " \"",
                                expected, "\")"));
    }
    std::vector<std::string> parts = absl::StrSplit(file, '.');
    if (parts.size() < 2 || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      return error("/metaData/name",
                   absl::StrCat("\"", object.name, "\" is not team.[sub.]module.var, the name compile.py gives"));
    }
    object.package = absl::StrCat(kind.dir, "/", team);
    for (size_t i = 0; i + 2 < parts.size(); ++i) absl::StrAppend(&object.package, "/", parts[i]);
    object.target = absl::StrCat(parts[parts.size() - 2], ".", parts.back());
    for (char c : object.package + object.target) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != '/') {
        return error("/metaData/name",
                     absl::StrCat("\"", object.name, "\" has characters a Bazel target name cannot hold here"));
      }
    }
    objects_.push_back(std::move(object));
  }

  void Prepass() {
    for (const Object& object : objects_) ctx_.by_name[object.name] = &object;
    ctx_.teams = &teams_;
    for (const Object& object : objects_) {
      if (object.kind != "join") continue;
      const std::string shown = "production/" + object.rel;
      current_file_ = shown;
      auto check_part = [&](const Json& part, const std::string& pointer) {
        if (!part.is_object() || !part.contains("groupBy") || !part["groupBy"].is_object()) {
          result_.errors.push_back(Format({shown, pointer, "a join part needs its groupBy"}));
          return;
        }
        const Json& group_by = part["groupBy"];
        const std::string name = group_by.value("metaData", Json::object()).value("name", "");
        auto present = ctx_.by_name.find(name);
        if (!group_by.contains("sources") && (present == ctx_.by_name.end() || present->second->kind != "group_by")) {
          result_.errors.push_back(Format({shown, pointer + "/groupBy",
                                           absl::StrCat("refers to GroupBy \"", name,
                                                        "\", which is neither inline (no sources) nor in "
                                                        "production/group_bys/")}));
          return;
        }
        if (!ctx_.embedded_group_bys.count(name)) ctx_.embedded_group_bys[name] = group_by;
      };
      const Json parts = object.json.value("joinParts", Json::array());
      for (size_t i = 0; parts.is_array() && i < parts.size(); ++i) {
        check_part(parts[i], PointerAppend("/joinParts", i));
      }
      const Json labels = object.json.value("labelPart", Json::object()).value("labels", Json::array());
      for (size_t i = 0; labels.is_array() && i < labels.size(); ++i) {
        check_part(labels[i], PointerAppend("/labelPart/labels", i));
      }
    }
  }

  // Imports `object` after what it embeds; the first choice whose compile gives the input's bytes wins.
  void ImportObject(const Object& object) {
    if (files_.count(object.name) || in_progress_.count(object.name)) return;
    in_progress_.insert(object.name);
    std::set<std::string> names;
    CollectNames(object.json, object.name, &names);
    for (const std::string& name : names) {
      auto it = ctx_.by_name.find(name);
      if (it != ctx_.by_name.end()) ImportObject(*it->second);
    }
    // Staging queries first: sources read their tables.
    if (object.kind != "staging_query") {
      for (const Object& other : objects_) {
        if (other.kind == "staging_query") ImportObject(other);
      }
    }
    FileResult file;
    file.rel = object.rel;
    file.label = object.label();
    for (const Choices& choice : kChoices) {
      std::string reason;
      std::vector<std::string> pointers;
      if (Attempt(object, choice, &reason, &pointers)) {
        file.identical = true;
        break;
      }
      if (!result_.errors.empty()) break;
      if (file.reason.empty()) {
        file.reason = reason;
        file.pointers = pointers;
      }
    }
    if (file.identical) {
      file.reason.clear();
      file.pointers.clear();
    }
    files_[object.name] = file;
  }

  static constexpr Choices kChoices[] = {{false, true}, {true, true}, {false, false}, {true, false}};

  // Un-derives `object` with `choice`, compiles the result and compares; on success records the definition.
  bool Attempt(const Object& object, const Choices& choice, std::string* reason, std::vector<std::string>* pointers) {
    std::vector<InputError> errors;
    ctx_.errors = &errors;
    ctx_.file = "production/" + object.rel;
    current_file_ = ctx_.file;
    Definition definition;
    definition.choice = choice;
    if (object.kind == "group_by") {
      auto m = std::make_unique<api::GroupBy>();
      UnderiveGroupBy(object.json, "", "", false, choice, ctx_, m.get(), &definition.integers);
      definition.message = std::move(m);
    } else if (object.kind == "join") {
      auto m = std::make_unique<api::Join>();
      UnderiveJoin(object.json, "", "", false, choice, ctx_, m.get(), &definition.integers);
      definition.message = std::move(m);
    } else {
      auto m = std::make_unique<api::StagingQuery>();
      UnderiveStagingQuery(object.json, ctx_, m.get(), &definition.integers);
      definition.message = std::move(m);
    }
    if (!errors.empty()) {
      for (const InputError& e : errors) result_.errors.push_back(Format(e));
      return false;
    }
    definition.src = absl::StrCat("# proto-file: chronon/api.proto\n# proto-message: chronon.api.",
                                  KindOf(object.kind).message, "\n#\n# Imported from production/", object.rel, ".\n",
                                  WriteTextproto(*definition.message, definition.integers));
    std::set<std::string> refs;
    CollectRefs(*definition.message, &refs);
    definition.deps.assign(refs.begin(), refs.end());
    std::optional<CompileOutput> output =
        CompileDefinition(*ParseKind(object.kind), object.label(), object.name,
                          absl::StrCat(object.package, "/", object.target, ".textproto"), definition, reason);
    if (!output) return false;
    if (output->conf != object.text) {
      const Json got = Json::parse(output->conf, nullptr, false);
      Differences(object.json, got, "", pointers);
      *reason = pointers->empty() ? "the bytes differ (same JSON, other formatting)" : "JSON members differ";
      return false;
    }
    summaries_[object.label()] = output->summary;
    ctx_.available.insert(object.name);
    if (object.kind == "staging_query") {
      ctx_.staging_query_tables[absl::StrCat(object.json["metaData"].value("outputNamespace", ""), ".",
                                             SanitizeName(object.name))] = object.label();
    }
    definitions_[object.name] = std::move(definition);
    return true;
  }

  std::optional<CompileOutput> CompileDefinition(Kind kind, const std::string& label, const std::string& name,
                                                 const std::string& src_path, const Definition& definition,
                                                 std::string* reason) {
    CompileInput input;
    input.kind = kind;
    input.label = label;
    input.name = name;
    input.src_path = src_path;
    input.src_text = definition.src;
    input.teams_path = "teams.json";
    input.teams_text = teams_text_;
    for (const std::string& ref : definition.deps) input.deps.push_back({ref, summaries_[ref]});
    Diagnostics diags(input.src_path, input.label);
    std::optional<CompileOutput> output = Compile(input, &diags);
    if (!output) *reason = absl::StrCat("the definition it would write does not compile:\n", diags.Format());
    return output;
  }

  // A Source written identically (after un-deriving) as a GroupBy's source or a Join's left in two or more
  // definitions becomes one chronon_source target in //sources, named after its table; each definition that
  // still gives its bytes with `ref` uses it.
  void ShareSources() {
    std::map<std::string, int> counts;
    std::vector<std::pair<std::string, const api::Source*>> order;
    for (const Object& object : objects_) {
      auto it = definitions_.find(object.name);
      if (it == definitions_.end()) continue;
      for (const api::Source* source : TopLevelSources(*it->second.message)) {
        const std::string key = source->SerializeAsString();
        if (counts[key]++ == 0) order.emplace_back(key, source);
      }
    }
    std::set<std::string> taken;
    std::map<std::string, std::unique_ptr<api::Source>> copies;
    for (const auto& [key, source] : order) {
      if (counts[key] < 2) continue;
      std::string base = SourceTargetName(*source);
      std::string name = base;
      for (int n = 2; taken.count(name); ++n) name = absl::StrCat(base, "_", n);
      taken.insert(name);
      Definition definition;
      definition.src =
          absl::StrCat("# proto-file: chronon/api.proto\n# proto-message: chronon.api.Source\n#\n",
                       "# Imported: the same source in ", counts[key], " definitions.\n", WriteTextproto(*source, {}));
      std::set<std::string> refs;
      CollectRefs(*source, &refs);
      definition.deps.assign(refs.begin(), refs.end());
      const std::string label = absl::StrCat("//sources:", name);
      std::string reason;
      std::optional<CompileOutput> output = CompileDefinition(
          Kind::kSource, label, "", absl::StrCat("sources/", name, ".textproto"), definition, &reason);
      if (!output) continue;
      summaries_[label] = output->summary;
      ctx_.shared_sources[key] = label;
      auto copy = std::make_unique<api::Source>(*source);
      definition.message = std::move(copy);
      sources_[name] = std::move(definition);
    }
    if (ctx_.shared_sources.empty()) return;
    // Re-import with the shared sources, in the same order (dependencies first); keep the inline form when the
    // reference does not give the same bytes.
    for (const Object& object : objects_) {
      auto it = definitions_.find(object.name);
      if (it == definitions_.end()) continue;
      bool uses = false;
      for (const api::Source* source : TopLevelSources(*it->second.message)) {
        uses = uses || ctx_.shared_sources.count(source->SerializeAsString());
      }
      if (!uses) continue;
      Definition previous = std::move(it->second);
      const std::string summary = summaries_[object.label()];
      std::string reason;
      std::vector<std::string> pointers;
      if (!Attempt(object, previous.choice, &reason, &pointers)) {
        definitions_[object.name] = std::move(previous);
        summaries_[object.label()] = summary;
      }
    }
    // Sources nobody references any more are not written.
    std::set<std::string> used;
    for (const auto& [name, definition] : definitions_) used.insert(definition.deps.begin(), definition.deps.end());
    for (auto it = sources_.begin(); it != sources_.end();) {
      it = used.count(absl::StrCat("//sources:", it->first)) ? std::next(it) : sources_.erase(it);
    }
  }

  static std::vector<const api::Source*> TopLevelSources(const google::protobuf::Message& message) {
    std::vector<const api::Source*> out;
    if (const auto* group_by = dynamic_cast<const api::GroupBy*>(&message)) {
      for (const api::Source& source : group_by->sources()) {
        if (!source.has_ref()) out.push_back(&source);
      }
    } else if (const auto* join = dynamic_cast<const api::Join*>(&message)) {
      if (join->has_left() && !join->left().has_ref()) out.push_back(&join->left());
    }
    return out;
  }

  // The table a source reads, without its namespace: `events { table: "ns.page_views" }` -> page_views.
  static std::string SourceTargetName(const api::Source& source) {
    std::string table;
    if (source.has_events()) {
      table = source.events().has_staging_query() ? source.events().staging_query() : source.events().table();
    } else if (source.has_entities()) {
      table = source.entities().has_staging_query() ? source.entities().staging_query()
                                                    : source.entities().snapshot_table();
    } else if (source.has_join_source()) {
      table = source.join_source().join().has_ref() ? source.join_source().join().ref()
                                                    : source.join_source().join().meta_data().name();
    }
    const size_t colon = table.rfind(':');
    if (colon != std::string::npos) table = table.substr(colon + 1);
    const size_t slash = table.find('/');
    if (slash != std::string::npos) table = table.substr(0, slash);
    const size_t dot = table.find('.');
    if (dot != std::string::npos && !source.has_join_source() && table.find(':') == std::string::npos &&
        !(source.has_events() && source.events().has_staging_query()) &&
        !(source.has_entities() && source.entities().has_staging_query())) {
      table = table.substr(dot + 1);
    }
    std::string name;
    for (char c : table)
      name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') ? c : '_';
    if (source.has_entities()) name += "_entities";
    if (source.has_join_source()) name += "_source";
    return name.empty() ? "source" : name;
  }

  static void AppendTarget(const std::string& rule, const std::string& name, const std::vector<std::string>& deps,
                           std::string* build) {
    absl::StrAppend(build, "\n", rule, "(\n    name = \"", name, "\",\n");
    if (deps.size() == 1) {
      absl::StrAppend(build, "    deps = [\"", deps[0], "\"],\n");
    } else if (!deps.empty()) {
      absl::StrAppend(build, "    deps = [\n");
      for (const std::string& dep : deps) absl::StrAppend(build, "        \"", dep, "\",\n");
      absl::StrAppend(build, "    ],\n");
    }
    absl::StrAppend(build, ")\n");
  }

  void Generate() {
    std::map<std::string, std::vector<const Object*>> packages;
    std::vector<std::string> production;
    for (const Object& object : objects_) {
      auto it = definitions_.find(object.name);
      if (it == definitions_.end()) continue;
      packages[object.package].push_back(&object);
      production.push_back(object.label());
      result_.workspace[absl::StrCat(object.package, "/", object.target, ".textproto")] = it->second.src;
    }
    for (auto& [package, members] : packages) {
      std::sort(members.begin(), members.end(), [](const Object* a, const Object* b) { return a->target < b->target; });
      std::set<std::string> rules;
      for (const Object* o : members) rules.insert(KindOf(o->kind).rule);
      std::string build = absl::StrCat("load(\"@rules_chronon//rules:defs.bzl\", ");
      std::vector<std::string> quoted;
      for (const std::string& rule : rules) quoted.push_back(absl::StrCat("\"", rule, "\""));
      absl::StrAppend(&build, absl::StrJoin(quoted, ", "),
                      ")\n\npackage(default_visibility = [\"//visibility:public\"])\n");
      for (const Object* o : members) {
        AppendTarget(KindOf(o->kind).rule, o->target, definitions_[o->name].deps, &build);
      }
      result_.workspace[package + "/BUILD"] = build;
    }
    if (!sources_.empty()) {
      std::string build =
          "load(\"@rules_chronon//rules:defs.bzl\", \"chronon_source\")\n\n"
          "package(default_visibility = [\"//visibility:public\"])\n";
      for (const auto& [name, definition] : sources_) {
        AppendTarget("chronon_source", name, definition.deps, &build);
        result_.workspace[absl::StrCat("sources/", name, ".textproto")] = definition.src;
        result_.textproto_lines += CountLines(definition.src);
      }
      result_.workspace["sources/BUILD"] = build;
    }
    for (const auto& [name, definition] : definitions_) result_.textproto_lines += CountLines(definition.src);
    std::sort(production.begin(), production.end());
    std::string root = absl::StrCat(
        "load(\"@rules_chronon//rules:defs.bzl\", \"chronon_production\")\n\nexports_files([\"teams.json\"])\n\n"
        "# Every definition imported from production/; `bazel run //:production.update` adopts the tree.\n"
        "chronon_production(\n    name = \"production\",\n    deps = [\n");
    for (const std::string& label : production) absl::StrAppend(&root, "        \"", label, "\",\n");
    absl::StrAppend(&root, "    ],\n)\n");
    absl::StrAppend(&root,
                    "\n# `bazel run //:chronon.fix` sets every Chronon target's deps from the refs of its textproto.\n"
                    "alias(\n    name = \"chronon.fix\",\n    actual = \"@rules_chronon//tools:fix\",\n)\n");
    result_.workspace["BUILD"] = root;
    result_.workspace["WORKSPACE"] =
        absl::StrCat("workspace(name = \"", options_.workspace_name,
                     "\")\n\nlocal_repository(\n    name = \"rules_chronon\",\n    path = \"", options_.rules,
                     "\",\n)\n\nload(\"@rules_chronon//rules:repositories.bzl\", \"rules_chronon_dependencies\", "
                     "\"rules_chronon_register_toolchains\")\n\n"
                     "# The compiler built from the rules' sources: a local_repository of a checkout has no prebuilt "
                     "one.\nrules_chronon_dependencies(compiler = \"source\")\n\n"
                     "rules_chronon_register_toolchains(compiler = \"source\")\n");
    result_.workspace["teams.json"] = teams_text_;
  }

  std::string from_;
  const ImportOptions& options_;
  ImportResult result_;
  std::string teams_text_;
  TeamConfig teams_;
  std::vector<Object> objects_;
  Context ctx_;
  std::set<std::string> in_progress_;
  std::string current_file_;  // for errors
  std::map<std::string, FileResult> files_;
  std::map<std::string, std::string> summaries_;   // label -> summary
  std::map<std::string, Definition> definitions_;  // Chronon name -> what round-tripped
  std::map<std::string, Definition> sources_;      // shared chronon_source target name -> its definition
};

}  // namespace

ImportResult Import(const std::string& from, const ImportOptions& options) { return Importer(from, options).Run(); }

std::string WriteWorkspace(const ImportResult& result, const ImportOptions& options) {
  std::error_code ec;
  const fs::path to = fs::absolute(options.to, ec);
  if (fs::exists(fs::symlink_status(to, ec))) {
    if (!fs::is_directory(fs::symlink_status(to, ec)) || !fs::is_empty(to, ec)) {
      return absl::StrCat(to.string(), " exists and is not an empty directory; the importer never overwrites");
    }
  }
  if (!fs::is_directory(to.parent_path(), ec)) return absl::StrCat(to.parent_path().string(), " is not a directory");
  std::string pattern = (to.parent_path() / absl::StrCat(".", to.filename().string(), ".import-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) return absl::StrCat("cannot create a directory next to ", to.string());
  const fs::path staging(pattern);
  auto fail = [&](const std::string& message) {
    fs::remove_all(staging, ec);
    return message;
  };
  for (const auto& [rel, content] : result.workspace) {
    const fs::path path = staging / rel;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) return fail(absl::StrCat("cannot write ", path.string()));
  }
  fs::permissions(staging,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                      fs::perms::others_exec,
                  ec);
  if (fs::exists(to, ec)) fs::remove(to, ec);  // an empty directory, checked above
  if (std::rename(staging.c_str(), to.c_str()) != 0) {
    return fail(absl::StrCat("cannot rename the new workspace to ", to.string()));
  }
  return "";
}

int Main(int argc, char** argv) {
  ImportOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto flag = [&](const char* name, std::string* value) {
      const std::string prefix = absl::StrCat("--", name, "=");
      if (!absl::StartsWith(arg, prefix)) return false;
      *value = arg.substr(prefix.size());
      return true;
    };
    if (flag("from", &options.from) || flag("to", &options.to) || flag("rules", &options.rules) ||
        flag("workspace_name", &options.workspace_name)) {
      continue;
    }
    std::cerr << "usage: import --from=<chronon repo root> --to=<new workspace dir> [--rules=<rules_chronon path>] "
                 "[--workspace_name=<name>]\nunknown argument: "
              << arg << "\n";
    return 1;
  }
  if (options.from.empty() || options.to.empty()) {
    std::cerr << "usage: import --from=<chronon repo root> --to=<new workspace dir> [--rules=<rules_chronon path>]\n";
    return 1;
  }
  // Under `bazel run`, relative paths are the user's, not the runfiles directory's.
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  auto resolve = [&](std::string* path) {
    if (cwd != nullptr && !path->empty() && (*path)[0] != '/') {
      *path = (fs::path(cwd) / *path).lexically_normal().string();
    }
  };
  resolve(&options.from);
  resolve(&options.to);
  if (options.rules.empty()) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    std::error_code ec;
    if (workspace != nullptr && fs::exists(fs::path(workspace) / "rules" / "defs.bzl", ec)) {
      options.rules = workspace;
    } else {
      std::cerr << "error: pass --rules=<path of the rules_chronon checkout> for the new WORKSPACE's "
                   "local_repository\n";
      return 1;
    }
  } else {
    resolve(&options.rules);
  }
  std::error_code ec;
  if (fs::exists(options.to, ec) && (!fs::is_directory(options.to, ec) || !fs::is_empty(options.to, ec))) {
    std::cerr << "error: " << options.to << " exists and is not an empty directory; the importer never overwrites\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  ImportResult result = Import(options.from, options);
  if (!result.errors.empty()) {
    for (const std::string& e : result.errors) std::cerr << e << "\n";
    std::cerr << "nothing written\n";
    return 1;
  }
  const std::string error = WriteWorkspace(result, options);
  if (!error.empty()) {
    std::cerr << "error: " << error << "\nnothing written\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const FileResult& file : result.files) {
    if (file.identical) continue;
    std::cout << "NOT IMPORTED: production/" << file.rel << ": " << file.reason << "\n";
    for (const std::string& pointer : file.pointers) std::cout << "  differs: " << pointer << "\n";
  }
  std::cout << result.identical() << "/" << result.files.size() << " identical (compiled in-process against "
            << options.from << "/production)\n";
  std::cout << "read " << result.json_lines << " JSON lines, wrote " << result.textproto_lines
            << " textproto lines, in " << absl::StrFormat("%.2f", seconds) << " s\n";
  std::cout << "wrote " << options.to << "; build and compare it with:\n  cd " << options.to
            << " && bazel build //:production && diff -r -x '.*' bazel-bin/production " << options.from
            << "/production\n";
  return result.identical() == static_cast<int>(result.files.size()) ? 0 : 2;
}

}  // namespace importer
}  // namespace chronon
