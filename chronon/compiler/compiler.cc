// The orchestration of one compile: check the target's label and name, load the team config and the dependency
// summaries, parse the definition, hand it to its concept (source.h, group_by.h, join.h, staging_query.h) and
// write the outputs. What the Python helpers and compile.py derive lives in those files, not here.
#include "chronon/compiler/compiler.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "chronon/api.pb.h"
#include "chronon/common/json_writer.h"
#include "chronon/common/utf8.h"
#include "chronon/compiler/compile_context.h"
#include "chronon/compiler/group_by.h"
#include "chronon/compiler/join.h"
#include "chronon/compiler/labels.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/compiler/source.h"
#include "chronon/compiler/staging_query.h"
#include "chronon/compiler/textproto.h"
#include "google/protobuf/arena.h"

namespace chronon {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The target's label and Chronon name: both end up in the summary, which is JSON, so invalid UTF-8 there cannot be
// written (found by fuzzing). Sets ctx.label and ctx.team.
bool CheckLabelAndName(const CompileInput& input, CompileContext& ctx) {
  std::optional<Label> label = ParseAbsoluteLabel(input.label);
  if (!label || !IsValidUtf8(input.label)) {
    ctx.diags->Error({}, "invalid-label", absl::StrCat("--label=", input.label, " is not an absolute Bazel label"));
    return false;
  }
  ctx.label = *label;
  if (!IsValidUtf8(input.name)) {
    ctx.diags->Error({}, "invalid-name", absl::StrCat("the Chronon name \"", input.name, "\" is not UTF-8"));
    return false;
  }
  if (input.kind != Kind::kSource) {
    const size_t dot = input.name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == input.name.size()) {
      ctx.diags->Error({}, "invalid-name",
                       absl::StrCat("the Chronon name \"", input.name,
                                    "\" must be team.[sub.]name, from a definition in <kind folder>/<team>/"));
      return false;
    }
    ctx.team = input.name.substr(0, dot);
  }
  return true;
}

bool LoadTeams(const CompileInput& input, CompileContext& ctx) {
  if (input.kind == Kind::kSource && input.teams_text.empty()) return true;
  ctx.teams = TeamConfig::Parse(input.teams_text);
  std::vector<TeamConfigError> errors = ctx.teams.Errors(ctx.team);
  for (TeamConfigError& error : errors) {
    // Reported in teams.json, where the fix goes, not in the definition (nor in the split the rules made of it).
    ctx.diags->ErrorIn(ctx.TeamsName(), {error.line, error.column}, std::move(error.id), std::move(error.message));
  }
  if (!errors.empty()) return false;
  if (!ctx.team.empty() && !ctx.teams.HasTeam(ctx.team)) {
    ctx.diags->Error({}, "unknown-team",
                     absl::StrCat("team ", ctx.team, " does not exist in ", ctx.TeamsName(),
                                  "; add it there or move the definition to an existing team's folder"));
    return false;
  }
  return true;
}

void LoadDependencies(const CompileInput& input, CompileContext& ctx) {
  for (const DependencyInput& dep : input.deps) {
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
      ctx.diags->Error({}, "invalid-dependency",
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
    ctx.deps[summary["label"].get<std::string>()] = std::move(d);
  }
}

// The messages inside the definition that a Python helper builds: references, inline GroupBys and Joins, sources,
// external sources. ProtoToJson calls this (through ctx.nested) for every message below the root.
std::optional<Json> BuildNested(CompileContext& ctx, const google::protobuf::Message& message,
                                const ParseInfoTree* tree, const std::string& pointer) {
  const Descriptor* descriptor = message.GetDescriptor();
  const FieldDescriptor* ref = descriptor->FindFieldByName("ref");
  if (ref != nullptr && message.GetReflection()->HasField(message, ref)) {
    const Location location = FieldLocation(tree, ref, -1);
    std::vector<const FieldDescriptor*> set;
    message.GetReflection()->ListFields(message, &set);
    // `imported_by_name` goes with a GroupBy's `ref` (join.cc reads it).
    set.erase(std::remove_if(set.begin(), set.end(),
                             [](const FieldDescriptor* f) { return f->name() == "imported_by_name"; }),
              set.end());
    if (set.size() > 1) {
      ctx.diags->Error(
          location, "ref-with-fields",
          absl::StrCat("`ref` names another target; it cannot be combined with other fields of ", descriptor->name()));
      return Json::object();
    }
    ctx.locations.Set(pointer, location);
    const char* kind = descriptor == api::Source::descriptor()    ? "source"
                       : descriptor == api::GroupBy::descriptor() ? "group_by"
                                                                  : "join";
    std::optional<Json> object = ResolveRef(ctx, message.GetReflection()->GetString(message, ref), kind, location);
    if (!object) return Json::object();
    if (descriptor == api::Join::descriptor()) {
      const Label parent_label =
          *ResolveLabel(message.GetReflection()->GetString(message, ref), ctx.label, ctx.main_repo);
      const Dependency& parent = ctx.deps[parent_label.ToString()];
      auto module = [](const Label& l) { return l.name.substr(0, l.name.rfind('.')); };
      if (parent_label.repo == ctx.label.repo && parent_label.package == ctx.label.package &&
          module(parent_label) == module(ctx.label) && parent.conf.is_object()) {
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
    const auto& group_by = static_cast<const api::GroupBy&>(message);
    if (group_by.has_imported_by_name()) {
      ctx.diags->Error(FieldLocation(tree, descriptor->FindFieldByName("imported_by_name"), -1),
                       "imported-by-name-inline",
                       "`imported_by_name` goes with `ref`: an inline GroupBy is defined in the Join's module, and "
                       "compile.py already embeds it with the Join's team");
    }
    return BuildGroupBy(ctx, group_by, tree, pointer);
  }
  if (descriptor == api::Join::descriptor()) {
    Json join = BuildJoin(ctx, static_cast<const api::Join&>(message), tree, pointer);
    std::optional<Json> ns = ctx.teams.Get(ctx.team, "namespace");
    JoinOutputTable(&join, ns && ns->is_string() ? ns->get<std::string>() : "");
    return join;
  }
  if (descriptor == api::Source::descriptor()) {
    return BuildSource(ctx, static_cast<const api::Source&>(message), tree, pointer);
  }
  if (descriptor == api::ExternalSource::descriptor()) {
    return BuildExternalSource(ctx, static_cast<const api::ExternalSource&>(message), tree, pointer);
  }
  return std::nullopt;
}

// The engine JSON (sorted and written as compile.py writes it) and the summary dependents read.
std::optional<CompileOutput> Finish(const CompileInput& input, CompileContext& ctx, CompiledObject compiled,
                                    const Descriptor* descriptor) {
  if (ctx.diags->has_errors()) return std::nullopt;
  CompileOutput output;
  Json& conf = compiled.conf;
  // The conf's text, from `tree` sorted as compile.py writes it; false (reported) when a value cannot be written.
  auto write_conf = [&](Json* tree) {
    SortByFieldNumber(tree, descriptor);
    if (input.conf_sink) {
      const absl::Status written = WritePythonJson(*tree, 2, input.conf_sink);
      if (!written.ok()) ctx.diags->Error({}, "unwritable-value", std::string(written.message()));
      return written.ok();
    }
    absl::StatusOr<std::string> text = WritePythonJson(*tree, 2);
    if (!text.ok()) {
      ctx.diags->Error({}, "unwritable-value", std::string(text.status().message()));
      return false;
    }
    output.conf = *std::move(text);
    return true;
  };
  if (!compiled.conf_members.is_null()) {
    // The conf is the object with these members in place: swapped in for writing, and back.
    Json& object = compiled.object;
    for (auto& member : compiled.conf_members.items()) std::swap(object[member.key()], member.value());
    const bool written = write_conf(&object);
    for (auto& member : compiled.conf_members.items()) std::swap(object[member.key()], member.value());
    compiled.conf_members = Json();
    if (!written) return std::nullopt;
  } else if (!conf.is_null()) {
    if (!write_conf(&conf)) return std::nullopt;
    // Only a Join's summary carries the conf; any other's tree is freed before the summary is made.
    if (input.kind != Kind::kJoin) conf = Json();
  }
  if (!input.summary) return output;
  Json summary = Json::object();
  summary["kind"] = KindName(input.kind);
  summary["label"] = input.label;
  summary["name"] = input.name;
  summary["team"] = ctx.team;
  if (input.kind != Kind::kSource) {
    std::optional<Json> ns = ctx.teams.Get(ctx.team, "namespace");
    if (ns && ns->is_string()) summary["teamNamespace"] = *ns;
  }
  summary["object"] = std::move(compiled.object);
  if (!compiled.extra.is_null()) summary["extra"] = std::move(compiled.extra);
  if (input.kind == Kind::kJoin && !conf.is_null()) summary["conf"] = std::move(conf);
  output.summary = summary.dump();
  return output;
}

// True when a floating-point field is set anywhere in `message`: its JSON depends on how the number is written
// (`100` stays an integer, `100.0` a float), which only the text at the field's location tells.
bool HasFloatingPoint(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        return true;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (field->is_repeated()) {
          for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
            if (HasFloatingPoint(reflection->GetRepeatedMessage(message, field, i))) return true;
          }
        } else if (HasFloatingPoint(reflection->GetMessage(message, field))) {
          return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

// Parses the definition as an M and compiles it with `compile` (CompileGroupBy, CompileJoin, ...). Without
// ctx.locate, the parse records no locations (no ParseInfoTree, so no LocationMap either) and a definition with a
// floating-point field gives nullopt without a diagnostic: Compile() then compiles it again with them.
template <typename M>
std::optional<CompileOutput> ParseAndCompile(const CompileInput& input, CompileContext& ctx,
                                             std::optional<CompiledObject> (*compile)(CompileContext&, const M&,
                                                                                      const ParseInfoTree&)) {
  if (absl::StripAsciiWhitespace(input.src_text).empty()) {
    ctx.diags->Error({1, 1}, "empty-definition",
                     absl::StrCat("the file is empty; a ", KindName(input.kind), " definition needs at least ",
                                  input.kind == Kind::kStagingQuery ? "a `query`" : "its sources"));
    return std::nullopt;
  }
  std::optional<CompiledObject> compiled;
  {
    // On an arena: a large definition's many small messages cost less memory and time to make and to free.
    google::protobuf::Arena arena;
    M* message = google::protobuf::Arena::CreateMessage<M>(&arena);
    ParseInfoTree tree;  // stays empty without ctx.locate: every location is then unknown
    if (!ParseTextproto(input.src_text, message, ctx.locate ? &tree : nullptr, ctx.diags)) return std::nullopt;
    if (!ctx.locate && HasFloatingPoint(*message)) return std::nullopt;
    compiled = compile(ctx, *message, tree);
  }
  if (!compiled) return std::nullopt;
  // The message, its parse tree and the locations are not needed to write the outputs: freed before the outputs'
  // text is made, the peak memory of a large definition is lower (issue 26, finding 11).
  // A run without locations that reported a warning is compiled again (Compile): it stops before the outputs, so
  // that a CompileInput::conf_sink receives the conf once.
  if (!ctx.locate && !ctx.diags->diagnostics().empty()) return std::nullopt;
  ctx.locations = LocationMap();
  ReleaseFreedMemory(input.src_text.size());
  return Finish(input, ctx, *std::move(compiled), M::descriptor());
}

std::optional<CompileOutput> Run(const CompileInput& input, Diagnostics* diags, bool locate) {
  CompileContext ctx(diags);
  ctx.locate = locate;
  ctx.src_text = input.src_text;
  ctx.target = input.label;
  ctx.main_repo = input.workspace;
  ctx.name = input.name;
  ctx.teams_path = input.teams_path;
  ctx.nested = [&ctx](const google::protobuf::Message& message, const ParseInfoTree* tree, const std::string& pointer) {
    return BuildNested(ctx, message, tree, pointer);
  };
  if (!CheckLabelAndName(input, ctx)) return std::nullopt;
  if (!LoadTeams(input, ctx)) return std::nullopt;
  LoadDependencies(input, ctx);
  if (diags->has_errors()) return std::nullopt;
  switch (input.kind) {
    case Kind::kSource:
      return ParseAndCompile<api::Source>(input, ctx, &CompileSource);
    case Kind::kGroupBy:
      return ParseAndCompile<api::GroupBy>(input, ctx, &CompileGroupBy);
    case Kind::kJoin:
      return ParseAndCompile<api::Join>(input, ctx, &CompileJoin);
    case Kind::kStagingQuery:
      return ParseAndCompile<api::StagingQuery>(input, ctx, &CompileStagingQuery);
  }
  return std::nullopt;
}

}  // namespace

void ReleaseFreedMemory(size_t input_bytes) {
#if defined(__GLIBC__)
  if (input_bytes >= kReleaseFreedMemoryFrom) malloc_trim(0);
#else
  (void)input_bytes;
#endif
}

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
  auto run = [&input](Diagnostics* to, bool locate) -> std::optional<CompileOutput> {
    try {
      return Run(input, to, locate);
    } catch (const nlohmann::json::exception& e) {
      to->Error({}, "internal-error",
                absl::StrCat("cannot compile this definition against its dependencies (", e.what(),
                             "); rebuild them, and report a bug if this persists"));
      return std::nullopt;
    }
  };
  // Locations serve diagnostics and the few numbers whose JSON depends on how they are written. First compiled
  // without them: a definition that gives neither (nearly every one that compiles) is done, without protobuf's parse
  // tree and the location of every JSON node, which held about half of a large definition's peak memory (issue 26,
  // finding 11). Any other is compiled again with its locations, and only that run reports: the same outputs and
  // diagnostics as one compile with locations, at twice the CPU time.
  Diagnostics quiet(diags->path(), diags->label());
  std::optional<CompileOutput> output = run(&quiet, /*locate=*/false);
  if (output && quiet.diagnostics().empty()) return output;
  output.reset();
  return run(diags, /*locate=*/true);
}

}  // namespace chronon
