// What compile.py adds to an object after the Python helpers built it: the name and team from where the definition
// lives (module naming) and _set_team_level_metadata (namespace and table properties from teams.json). Also the
// check that none of these derived MetaData fields is written by hand.
#ifndef CHRONON_TEAM_METADATA_H_
#define CHRONON_TEAM_METADATA_H_

#include <string>

#include "chronon/api.pb.h"
#include "chronon/compiler/compile_context.h"

namespace chronon {

// compile.py's team_conf(team, "namespace"), looked up (and reported as team-config-missing-key at `pointer`)
// once per team; "" when neither the team nor `default` has one.
std::string TeamNamespace(CompileContext& ctx, const std::string& team, const std::string& pointer);

// _set_team_level_metadata(obj, team): outputNamespace and tableProperties from the team config unless set, team
// overwritten; a GroupBy's JoinSource parents get the GroupBy's team metadata too.
void SetTeamMetadata(CompileContext& ctx, Json* object, const std::string& team, const std::string& pointer);

// derived-field errors for the MetaData fields that `owner` ("GroupBy", "Join") or the team folder derive:
// custom_json, dependencies, team. `tree` is the meta_data message's.
void RejectDerivedMetaData(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree,
                           const char* owner);

// derived-field error for meta_data.team set by hand (every kind: the team is the folder the definition lives in).
void RejectDerivedTeam(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree);

// derived-field error for a meta_data.name written in a top-level definition (module naming gives it).
void RejectDerivedName(CompileContext& ctx, const api::MetaData& meta_data, const ParseInfoTree* tree);

}  // namespace chronon

#endif  // CHRONON_TEAM_METADATA_H_
