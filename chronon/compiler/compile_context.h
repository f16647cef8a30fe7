// The state one compile shares between the concept functions (source.h, group_by.h, join.h, staging_query.h,
// team_metadata.h): the definition's text and locations, its diagnostics, the team config and the resolved
// dependencies. compiler.cc fills it and passes it to each; nothing else is shared.
#ifndef CHRONON_COMPILE_CONTEXT_H_
#define CHRONON_COMPILE_CONTEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronon/common/diagnostics.h"
#include "chronon/common/json.h"
#include "chronon/compiler/labels.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/compiler/teams.h"
#include "chronon/compiler/textproto.h"
#include "chronon/compiler/validate.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"

namespace chronon {

using Json = ::chronon::Json;

// The offline schedule GroupBy() and Join() write when none is given.
inline constexpr char kDefaultSchedule[] = "@daily";

// A compiled dependency, as read from the summary its own compile wrote.
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

// One top-level definition compiled: what dependents embed, what compile.py writes, and what else dependents
// read (a StagingQuery's output table).
struct CompiledObject {
  Json object;  // as the helpers built it, before compile.py's team metadata
  Json conf;    // the engine JSON compile.py writes; null for sources
  Json extra;   // null when none
  // When set (a GroupBy's), the conf is `object` with these members in place of its own: its metaData with the team
  // metadata, and its sources when a JoinSource's Join gets it too. Only they are copied, not the whole tree (issue
  // 26, finding 11); `conf` is then null.
  Json conf_members;
};

struct CompileContext {
  explicit CompileContext(Diagnostics* diagnostics) : diags(diagnostics) {}

  // The definition being compiled.
  std::string_view src_text;
  std::string target;  // its --label as given, for messages
  Label label;         // the same, parsed
  // The main workspace's name (--workspace): "@<it>//x:y" in a ref is the main repository's "//x:y".
  std::string main_repo;
  std::string name;  // its Chronon name, "team.[sub.]module.var"; empty for sources
  std::string team;  // the first component of the name; empty for sources

  Diagnostics* diags;
  // False: the definition is parsed without locations (Compile's first run): every location is unknown and
  // `locations` stays empty.
  bool locate = true;
  // JSON pointer -> where in the textproto it came from.
  LocationMap locations;

  TeamConfig teams;
  std::string teams_path;
  std::map<std::string, std::string> namespaces;  // team -> namespace, each looked up (and reported) once

  // Canonical label -> dependency summary.
  std::map<std::string, Dependency> deps;

  // Builds the messages nested in the definition that a Python helper builds (references, inline GroupBys and
  // Joins, sources, external sources): installed by compiler.cc, called back by ProtoToJson through Options().
  std::function<std::optional<Json>(const google::protobuf::Message& message, const ParseInfoTree* tree,
                                    const std::string& pointer)>
      nested;

  Location Loc(const std::string& pointer) const { return locations.Find(pointer); }
  Locate Locator(const std::string& prefix = "") const {
    return [this, prefix](const std::string& pointer) { return Loc(prefix + pointer); };
  }
  // The team config as the user knows it: teams.json, also when the rules hand over its per-team split.
  std::string TeamsName() const { return teams.source().empty() ? teams_path : teams.source(); }
  // ProtoToJson's options for this definition: its text, diagnostics, locations and `nested`.
  ToJsonOptions Options();
};

// The summary object of the dependency `ref` names, if it is a dependency of the target and a chronon_<want_kind>;
// otherwise reports invalid-label, missing-dependency or wrong-kind at `location`.
std::optional<Json> ResolveRef(CompileContext& ctx, const std::string& ref, const std::string& want_kind,
                               Location location);

// Locations inside a ParseInfoTree by field name: the tree of a nested message (nullptr when absent) and the
// location of a field (index -1 for a singular one).
const ParseInfoTree* NestedTree(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor,
                                const char* field, int index);
Location At(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor, const char* field,
            int index = -1);

// The helper arguments written as JSON values (tags, **kwargs, additional_args, additional_env) hold what Python
// would accept there, so that no wrong value reaches customJson silently; each finding is reported to ctx.diags.
// `owner`/`owner_tree`: the helper message and its locations; `field`: the JsonField or JsonValue field in it.
//
// A dict argument (`tags`, `kwargs`): every member has a key and a value, no key twice (helper-value-type,
// missing-map-key, duplicate-map-key). `named_arguments`: the function's own parameter names, which Python never
// binds to **kwargs (kwargs-argument); nullptr for tags.
void CheckHelperDict(CompileContext& ctx, const google::protobuf::Message& helper, const ParseInfoTree* owner_tree,
                     const char* field, const char* function, const std::vector<std::string>* named_arguments);
// Join(additional_args=, additional_env=): List[str] in Chronon's API (run.py joins additional_args into the
// command line), or a dict as Chronon's own sample writes; a scalar is an error that shows the list form.
void CheckHelperStringList(CompileContext& ctx, const google::protobuf::Message& helper,
                           const ParseInfoTree* owner_tree, const char* field, const char* function);

// The parameters of GroupBy() and Join() (Chronon's Python API at 5edd4fc9), which **kwargs never receives.
const std::vector<std::string>& GroupByArguments();
const std::vector<std::string>& JoinArguments();

}  // namespace chronon

#endif  // CHRONON_COMPILE_CONTEXT_H_
