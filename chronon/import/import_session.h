// One run of the importer (importer.h's Import): the class that reads production/, un-derives each object
// (import_internal.h and the per-concept *_import.cc), round-trips it through the compiler, shares sources and
// generates the workspace. Its parts: importer.cc (Run), import_load.cc (reading production/ and teams.json),
// import_round_trip.cc (un-derive, compile, compare), import_share_sources.cc (chronon_source targets),
// import_generate.cc (BUILD files, WORKSPACE). Internal to //chronon:importer.
#ifndef CHRONON_IMPORT_IMPORT_SESSION_H_
#define CHRONON_IMPORT_IMPORT_SESSION_H_

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chronon/compiler/compiler.h"
#include "chronon/compiler/teams.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/importer.h"
#include "google/protobuf/message.h"

namespace chronon {
namespace importer {

// The kinds of production/: their directory, kind, rule and class name.
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

// The kind's row of kKinds (the first for an unknown kind).
const KindDir& KindOf(const std::string& kind);

// The whole file; false when it cannot be read.
bool ReadFile(const std::filesystem::path& path, std::string* out);

// Whether the file at `path` holds exactly the bytes given to Write, piece by piece (the compile's conf as it is
// written, CompileInput::conf_sink): neither the file nor the conf is ever held in memory whole.
class SameBytes {
 public:
  explicit SameBytes(const std::string& path) : in_(path, std::ios::binary), same_(static_cast<bool>(in_)) {}
  void Write(std::string_view piece);
  // True when every piece matched the file and the file has nothing more.
  bool Same();

 private:
  std::ifstream in_;
  bool same_;
  std::vector<char> block_;
};

size_t CountLines(const std::string& text);

// An InputError in compiler format.
std::string Format(const InputError& e);

// The Chronon names a JSON value mentions (the metaData.name of it and of every object inside), other than `self`.
void CollectNames(const Json& json, const std::string& self, std::set<std::string>* names);

// Every `ref` and `staging_query` label in a definition.
void CollectRefs(const google::protobuf::Message& message, std::set<std::string>* refs);

// A definition that round-tripped: its textproto, its deps, its message (only the top-level sources are kept) and
// the choice it was written with.
struct Definition {
  std::string src;
  std::vector<std::string> deps;
  // A shared source's message (//sources); null for a GroupBy, Join or StagingQuery, which keeps only
  // `source_fingerprints` once its textproto is written.
  std::unique_ptr<google::protobuf::Message> message;
  std::vector<size_t> source_fingerprints;
  Choices choice;
  IntegerDoubles integers;
};

class Importer {
 public:
  Importer(const std::string& from, const ImportOptions& options) : from_(from), options_(options) {}

  ImportResult Run();

 private:
  // import_load.cc: reads teams.json and every file of production/ (bad input -> result_.errors).
  bool Load();
  void LoadFile(const std::filesystem::path& path, const KindDir& kind);
  // What the un-derive steps need of the whole tree: objects by name, the GroupBys embedded in Joins.
  void Prepass();
  void PrepassJoin(const Object& object);

  // import_round_trip.cc
  // `object.json`, parsed from its file again when it was released for a compile.
  static const Json& JsonOf(const Object& object);
  // Imports `object` after what it embeds; the first choice whose compile gives the input's bytes wins.
  void ImportObject(const Object& object);

  static constexpr Choices kChoices[] = {{false, true}, {true, true}, {false, false}, {true, false}};

  // Un-derives `object` with `choice`, compiles the result and compares; on success records the definition.
  // `bad_input`: the file is not what compile.py writes (no other choice can do better).
  bool Attempt(const Object& object, const Choices& choice, std::string* reason, std::vector<std::string>* pointers,
               bool* bad_input);
  // Leaves a file out of the import with `reason`; the rest goes on.
  void LeaveOut(const std::string& rel, const std::string& name, const std::string& reason);
  // `summary`: whether another definition may read its summary (CompileInput::summary).
  // `conf_sink`: CompileInput::conf_sink.
  std::optional<CompileOutput> CompileDefinition(Kind kind, const std::string& label, const std::string& name,
                                                 const std::string& src_path, Definition* definition,
                                                 std::string* reason, bool summary = true,
                                                 std::function<void(std::string_view)> conf_sink = nullptr);

  // import_share_sources.cc
  // A Source written identically (after un-deriving) as a GroupBy's source or a Join's left in two or more
  // definitions becomes one chronon_source target in //sources, named after its table; each definition that
  // still gives its bytes with `ref` uses it.
  void ShareSources();
  static std::vector<const api::Source*> TopLevelSources(const google::protobuf::Message& message);
  // Fingerprints of the serialized TopLevelSources of `message`, in order: all a recorded definition keeps of its
  // message (Definition::source_fingerprints), so that a large GroupBy's sources are not held once more during its
  // compile (issue 26, finding 11).
  static std::vector<size_t> SourceFingerprints(const google::protobuf::Message& message);
  static size_t SourceFingerprint(std::string_view serialized);
  // The message of a recorded GroupBy or Join, parsed from its textproto; nullptr for other kinds.
  static std::unique_ptr<google::protobuf::Message> ReadDefinition(const std::string& kind, const std::string& src);
  // The table a source reads, without its namespace: `events { table: "ns.page_views" }` -> page_views.
  static std::string SourceTargetName(const api::Source& source);

  // import_generate.cc
  static void AppendTarget(const std::string& rule, const std::string& name, const std::vector<std::string>& deps,
                           std::string* build);
  void Generate();

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
  std::vector<FileResult> left_out_;  // files that could not be read as compile.py writes them
  std::set<std::string> skipped_;     // the names of objects left out after they were read
  std::set<std::string> mentioned_;   // every name some object's JSON mentions (Object::names, and its own if nested)
  std::map<std::string, std::string> summaries_;   // label -> summary
  std::map<std::string, Definition> definitions_;  // Chronon name -> what round-tripped
  std::map<std::string, Definition> sources_;      // shared chronon_source target name -> its definition
};

}  // namespace importer
}  // namespace chronon

#endif  // CHRONON_IMPORT_IMPORT_SESSION_H_
