// Sources written identically in several definitions become chronon_source targets (import_session.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "chronon/common/json_writer.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/import_session.h"
#include "google/protobuf/text_format.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

// A Source written identically (after un-deriving) as a GroupBy's source or a Join's left in two or more
// definitions becomes one chronon_source target in //sources, named after its table; each definition that
// still gives its bytes with `ref` uses it.
void Importer::ShareSources() {
  // Each recorded definition kept only a fingerprint of its top-level sources (Attempt): the sources of the
  // definitions that share a fingerprint with another are read again from their textprotos, and compared whole.
  std::map<size_t, int> fingerprints;
  for (const auto& [name, definition] : definitions_) {
    for (size_t fingerprint : definition.source_fingerprints) fingerprints[fingerprint]++;
  }
  auto candidate = [&fingerprints](size_t fingerprint) {
    auto it = fingerprints.find(fingerprint);
    return it != fingerprints.end() && it->second >= 2;
  };
  std::vector<std::unique_ptr<google::protobuf::Message>> read_again;  // what `order` points into
  std::map<std::string, int> counts;
  std::vector<std::pair<const std::string*, const api::Source*>> order;  // each key held once, in `counts`
  for (const Object& object : objects_) {
    auto it = definitions_.find(object.name);
    if (it == definitions_.end()) continue;
    const Definition& definition = it->second;
    if (std::none_of(definition.source_fingerprints.begin(), definition.source_fingerprints.end(), candidate)) {
      continue;
    }
    std::unique_ptr<google::protobuf::Message> message = ReadDefinition(object.kind, definition.src);
    if (message == nullptr) continue;
    for (const api::Source* source : TopLevelSources(*message)) {
      std::string key = source->SerializeAsString();
      if (!candidate(SourceFingerprint(key))) continue;
      auto [entry, inserted] = counts.emplace(std::move(key), 0);
      if (entry->second++ == 0) order.emplace_back(&entry->first, source);
    }
    read_again.push_back(std::move(message));
  }
  std::set<std::string> taken;
  std::set<size_t> shared_fingerprints;
  for (const auto& [key_of, source] : order) {
    const std::string& key = *key_of;
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
    std::optional<CompileOutput> output =
        CompileDefinition(Kind::kSource, label, "", absl::StrCat("sources/", name, ".textproto"), &definition, &reason);
    if (!output) continue;
    summaries_[label] = std::move(output->summary);
    ctx_.shared_sources[key] = label;
    shared_fingerprints.insert(SourceFingerprint(key));
    auto copy = std::make_unique<api::Source>(*source);
    definition.message = std::move(copy);
    sources_[name] = std::move(definition);
  }
  order.clear();
  counts.clear();
  read_again.clear();  // the shared sources were copied into sources_
  if (ctx_.shared_sources.empty()) return;
  // Re-import with the shared sources, in the same order (dependencies first); keep the inline form when the
  // reference does not give the same bytes.
  for (const Object& object : objects_) {
    auto it = definitions_.find(object.name);
    if (it == definitions_.end()) continue;
    // A fingerprint shared by chance only costs an import that gives the same definition again.
    const std::vector<size_t>& own = it->second.source_fingerprints;
    if (std::none_of(own.begin(), own.end(), [&](size_t f) { return shared_fingerprints.count(f) > 0; })) continue;
    Definition previous = std::move(it->second);
    const std::string summary = summaries_[object.label()];
    std::string reason;
    std::vector<std::string> pointers;
    bool bad_input = false;
    if (!Attempt(object, previous.choice, &reason, &pointers, &bad_input)) {
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

std::vector<size_t> Importer::SourceFingerprints(const google::protobuf::Message& message) {
  std::vector<size_t> out;
  for (const api::Source* source : TopLevelSources(message))
    out.push_back(SourceFingerprint(source->SerializeAsString()));
  return out;
}

size_t Importer::SourceFingerprint(std::string_view serialized) { return std::hash<std::string_view>()(serialized); }

std::unique_ptr<google::protobuf::Message> Importer::ReadDefinition(const std::string& kind, const std::string& src) {
  std::unique_ptr<google::protobuf::Message> message;
  if (kind == "group_by") {
    message = std::make_unique<api::GroupBy>();
  } else if (kind == "join") {
    message = std::make_unique<api::Join>();
  } else {
    return nullptr;  // no top-level sources
  }
  // The text the compile parsed: it parses again, to the message it was written from.
  if (!google::protobuf::TextFormat::ParseFromString(src, message.get())) return nullptr;
  return message;
}

std::vector<const api::Source*> Importer::TopLevelSources(const google::protobuf::Message& message) {
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
std::string Importer::SourceTargetName(const api::Source& source) {
  std::string table;
  if (source.has_events()) {
    table = source.events().has_staging_query() ? source.events().staging_query() : source.events().table();
  } else if (source.has_entities()) {
    table =
        source.entities().has_staging_query() ? source.entities().staging_query() : source.entities().snapshot_table();
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

}  // namespace importer
}  // namespace chronon
