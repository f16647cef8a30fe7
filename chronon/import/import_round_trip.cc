// Each object un-derived, compiled and compared with its bytes, trying the choices in order (import_session.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/common/json_limits.h"
#include "chronon/common/json_writer.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/import_session.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

namespace {

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

std::string SanitizeName(const std::string& text) {
  std::string out(text);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out;
}

}  // namespace

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

const Json& Importer::JsonOf(const Object& object) {
  if (object.released) {
    // The file parsed when it was loaded (LoadFile). If it changed since, and can no longer be read, is nested too
    // deep or is not JSON, Json::parse throws (an empty text is a parse error too) and Run stops the import with an
    // error naming the file, writing nothing: never a crash, never a tree built from two versions of a file.
    std::string text;
    if (!ReadFile(object.path, &text) || JsonTooDeep(text)) text.clear();
    object.json = Json::parse(text);
    object.released = false;
  }
  return object.json;
}

// Imports `object` after what it embeds; the first choice whose compile gives the input's bytes wins.
void Importer::ImportObject(const Object& object) {
  if (files_.count(object.name) || in_progress_.count(object.name) || skipped_.count(object.name)) return;
  in_progress_.insert(object.name);
  for (const std::string& name : object.names) {
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
    bool bad_input = false;
    try {
      if (Attempt(object, choice, &reason, &pointers, &bad_input)) {
        file.identical = true;
        break;
      }
    } catch (const Json::exception& e) {
      // The un-derive steps read members of the shape compile.py writes; another shape (a number where an object
      // belongs, deep inside) is bad input of this file, never a crash, and never the end of the others.
      reason = Format({ctx_.file, "", absl::StrCat("not the JSON compile.py writes (", e.what(), ")")});
      bad_input = true;
    }
    if (file.reason.empty() || bad_input) {
      file.reason = reason;
      file.pointers = pointers;
    }
    if (bad_input) break;
  }
  if (file.identical) {
    file.reason.clear();
    file.pointers.clear();
  }
  files_[object.name] = file;
}

// Un-derives `object` with `choice`, compiles the result and compares; on success records the definition.
bool Importer::Attempt(const Object& object, const Choices& choice, std::string* reason,
                       std::vector<std::string>* pointers, bool* bad_input) {
  std::vector<InputError> errors;
  ctx_.errors = &errors;
  ctx_.file = "production/" + object.rel;
  current_file_ = ctx_.file;
  Definition definition;
  definition.choice = choice;
  const Json& json = JsonOf(object);
  if (object.kind == "group_by") {
    auto m = std::make_unique<api::GroupBy>();
    UnderiveGroupBy(json, "", "", false, choice, ctx_, m.get(), &definition.integers);
    definition.message = std::move(m);
  } else if (object.kind == "join") {
    auto m = std::make_unique<api::Join>();
    UnderiveJoin(json, "", "", false, choice, ctx_, m.get(), &definition.integers);
    definition.message = std::move(m);
  } else {
    auto m = std::make_unique<api::StagingQuery>();
    UnderiveStagingQuery(json, ctx_, m.get(), &definition.integers);
    definition.message = std::move(m);
  }
  if (!errors.empty()) {
    std::vector<std::string> messages;
    for (const InputError& e : errors) messages.push_back(Format(e));
    *reason = absl::StrJoin(messages, "; ");
    *bad_input = true;
    return false;
  }
  // The JSON is not needed after un-deriving: released, it is parsed again when read after (issue 26, finding 11).
  object.json = Json();
  object.released = true;
  std::error_code size_error;
  const std::uintmax_t conf_bytes = std::filesystem::file_size(object.path, size_error);
  ReleaseFreedMemory(size_error ? 0 : static_cast<size_t>(conf_bytes));
  definition.src = absl::StrCat("# proto-file: chronon/api.proto\n# proto-message: chronon.api.",
                                KindOf(object.kind).message, "\n#\n# Imported from production/", object.rel, ".\n");
  AppendTextproto(*definition.message, definition.integers, &definition.src);
  std::set<std::string> refs;
  CollectRefs(*definition.message, &refs);
  definition.deps.assign(refs.begin(), refs.end());
  definition.source_fingerprints = SourceFingerprints(*definition.message);
  definition.message.reset();
  // Only a staging query (read by its table) and what some JSON mentions by name can be a later definition's dep.
  // The conf is compared with the file as it is written, never held whole (issue 26, finding 11).
  const std::string src_path = absl::StrCat(object.package, "/", object.target, ".textproto");
  SameBytes same(object.path);
  std::optional<CompileOutput> output =
      CompileDefinition(*ParseKind(object.kind), object.label(), object.name, src_path, &definition, reason,
                        /*summary=*/object.kind == "staging_query" || mentioned_.count(object.name) > 0,
                        [&same](std::string_view piece) { same.Write(piece); });
  if (!output) return false;
  if (!same.Same()) {
    // What differs, from the conf as one text: compiled again, only when the bytes differ.
    std::optional<CompileOutput> again = CompileDefinition(*ParseKind(object.kind), object.label(), object.name,
                                                           src_path, &definition, reason, /*summary=*/false);
    if (!again) return false;
    const Json got = Json::parse(again->conf, nullptr, false);
    Differences(JsonOf(object), got, "", pointers);
    *reason = pointers->empty() ? "the bytes differ (same JSON, other formatting)" : "JSON members differ";
    return false;
  }
  summaries_[object.label()] = std::move(output->summary);
  ctx_.available.insert(object.name);
  if (object.kind == "staging_query") {
    ctx_.staging_query_tables[absl::StrCat(JsonOf(object)["metaData"].value("outputNamespace", ""), ".",
                                           SanitizeName(object.name))] = object.label();
  }
  definitions_[object.name] = std::move(definition);
  return true;
}

std::optional<CompileOutput> Importer::CompileDefinition(Kind kind, const std::string& label, const std::string& name,
                                                         const std::string& src_path, Definition* definition,
                                                         std::string* reason, bool summary,
                                                         std::function<void(std::string_view)> conf_sink) {
  CompileInput input;
  input.kind = kind;
  input.label = label;
  input.name = name;
  input.src_path = src_path;
  // Moved in and back out: a copy would double the largest string of a large definition.
  input.src_text = std::move(definition->src);
  input.teams_path = "teams.json";
  input.teams_text = teams_text_;
  input.summary = summary;
  input.conf_sink = std::move(conf_sink);
  for (const std::string& ref : definition->deps) input.deps.push_back({ref, summaries_[ref]});
  Diagnostics diags(input.src_path, input.label);
  std::optional<CompileOutput> output = Compile(input, &diags);
  definition->src = std::move(input.src_text);
  if (!output) *reason = absl::StrCat("the definition it would write does not compile:\n", diags.Format());
  return output;
}

}  // namespace importer
}  // namespace chronon
