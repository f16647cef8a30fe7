// Shared by the importer's per-concept files: the state of one import and the un-derive steps, the inverse of
// the forward rules (GroupBy(), Join(), StagingQuery(), Source helpers and compile.py). Each concept's un-derive
// rules sit beside its forward rules: chronon/<concept>_import.cc next to chronon/<concept>.cc.
#ifndef CHRONON_IMPORT_IMPORT_INTERNAL_H_
#define CHRONON_IMPORT_IMPORT_INTERNAL_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "chronon/api.pb.h"
#include "chronon/common/json.h"
#include "chronon/compiler/teams.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace chronon {
namespace importer {

using Json = ::chronon::Json;

// One object of production/: its kind, Chronon name, and where its target goes.
struct Object {
  std::string kind;  // "group_by", "join", "staging_query"
  std::string rel;   // path under production/, e.g. "group_bys/team/module.var"
  std::string name;  // metaData.name, "team.[sub.]module.var"
  std::string team;
  std::string package;  // "group_bys/team[/sub]"
  std::string target;   // "module.var"
  std::string label() const { return "//" + package + ":" + target; }
  // The file as read is not kept (issue 26, finding 11: a 100 MB conf would stay in memory for the whole import);
  // the compile's output is compared with the file itself, as it is written (SameBytes).
  std::string path;
  // The parsed file; released (null, `released` set) while the object's definition compiles, and parsed from `path`
  // again when it is read after that (Importer::JsonOf): a large conf's tree is not held beside the compile's.
  mutable Json json;
  mutable bool released = false;
  // The Chronon names its JSON mentions (embedded GroupBys and Joins), other than its own (Importer::Prepass).
  std::set<std::string> names;
};

// A problem with the input; the import stops and writes nothing.
struct InputError {
  std::string file;
  std::string pointer;
  std::string message;
};

// Authoring doubles written as integer literals (`sample_percent: 100`), by textproto field path
// ("meta_data/sample_percent", "aggregations/2/helper/k").
using IntegerDoubles = std::set<std::string>;

// The engine JSON -> the thrift mirror, field for field (the inverse of ProtoToJson): thrift field names in
// camelCase, booleans 1/0, enums as numbers, maps as objects. An unknown member or a value of the wrong type
// is an InputError at its JSON pointer. `path` is the textproto path of `message` for IntegerDoubles.
bool JsonToProto(const Json& json, const std::string& pointer, const std::string& path,
                 google::protobuf::Message* message, IntegerDoubles* integers, std::vector<InputError>* errors,
                 const std::string& file);
// The same, moving the strings of `json` into `message` instead of copying them (a large source's selects are not
// held twice, issue 26, finding 11); what is left of `json` is not to be read.
bool JsonToProto(Json&& json, const std::string& pointer, const std::string& path, google::protobuf::Message* message,
                 IntegerDoubles* integers, std::vector<InputError>* errors, const std::string& file);

// The textproto a person would write for `message`: one field per line, small messages on one line.
std::string WriteTextproto(const google::protobuf::Message& message, const IntegerDoubles& integers);
// The same, appended to `out` (a header before it, without a copy of the text).
void AppendTextproto(const google::protobuf::Message& message, const IntegerDoubles& integers, std::string* out);

// What the un-derive steps read about the whole tree.
struct Context {
  const TeamConfig* teams = nullptr;
  // Objects by Chronon name.
  std::map<std::string, const Object*> by_name;
  // A GroupBy's copy as embedded in a Join (what GroupBy() built, without team metadata), by name.
  std::map<std::string, Json> embedded_group_bys;
  // Staging query output table -> its label.
  std::map<std::string, std::string> staging_query_tables;
  // Names of the objects whose import round-tripped so far: the only ones a `ref` may name.
  std::set<std::string> available;
  // Sources shared as chronon_source targets: the serialized un-derived Source -> its label.
  std::map<std::string, std::string> shared_sources;
  std::string file;  // the file being imported, for errors
  std::vector<InputError>* errors = nullptr;
};

// The choices an object's import may try; the first whose compile gives the input's bytes wins.
struct Choices {
  bool explicit_dependencies = false;  // helper { dependencies } instead of deriving them from the sources
  bool refs = true;                    // refs to targets of their own (else inline)
};

// chronon/source_import.cc (beside source.cc): a Source as written (a ref to a staging query's target when it reads its
// table). `source` (a GroupBy's source or a Join's left) as a `ref` when it is one of ctx.shared_sources.
void ShareSource(const Context& ctx, api::Source* source);

// `source` is taken over (the caller moves its copy in): its strings are moved into `out`.
void UnderiveSource(Json source, const std::string& pointer, const std::string& path, const Choices& choices,
                    const Context& ctx, api::Source* out, IntegerDoubles* integers);

// chronon/group_by_import.cc (beside group_by.cc): `group_by` is the engine JSON of a GroupBy; `nested` when it sits
// inside a Join (then it keeps its name).
void UnderiveGroupBy(const Json& group_by, const std::string& pointer, const std::string& path, bool nested,
                     const Choices& choices, const Context& ctx, api::GroupBy* out, IntegerDoubles* integers);

// chronon/join_import.cc (beside join.cc)
void UnderiveJoin(const Json& join, const std::string& pointer, const std::string& path, bool nested,
                  const Choices& choices, const Context& ctx, api::Join* out, IntegerDoubles* integers);

// chronon/staging_query_import.cc (beside staging_query.cc)
void UnderiveStagingQuery(const Json& staging_query, const Context& ctx, api::StagingQuery* out,
                          IntegerDoubles* integers);

// Shared helpers (import_helpers.cc).
void AddError(const Context& ctx, const std::string& pointer, const std::string& message);
// chronon/team_metadata_import.cc (beside team_metadata.cc): drops outputNamespace / tableProperties that the
// team config gives anyway, and the default schedule.
void UnderiveTeamMetadata(const Json& meta_data, const std::string& team, bool keep_namespace, bool keep_properties,
                          const Context& ctx, api::MetaData* out);
// The JSON of `json` without the members in `drop`.
Json Without(const Json& json, std::initializer_list<const char*> drop);
// metaData.customJson (a JSON object in a string) parsed; an empty object when absent, and an error at `pointer`'s
// metaData/customJson when it is not an object.
Json ParseCustomJson(const Json& meta, const Context& ctx, const std::string& pointer);
std::string PathAppend(const std::string& path, const std::string& field, int index = -1);
// The Python value of a helper argument, as a typed JsonField / JsonValue.
void ToJsonField(const std::string& key, const Json& value, api::JsonField* out);
void ToJsonValue(const Json& value, api::JsonValue* out);

}  // namespace importer
}  // namespace chronon

#endif  // CHRONON_IMPORT_IMPORT_INTERNAL_H_
