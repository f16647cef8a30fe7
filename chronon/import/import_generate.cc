// The generated workspace: textprotos, BUILD files, WORKSPACE, teams.json (import_session.h).
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
#include "chronon/common/json_writer.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/proto_json.h"
#include "chronon/import/import_internal.h"
#include "chronon/import/import_session.h"

namespace chronon {
namespace importer {

namespace fs = std::filesystem;

void Importer::AppendTarget(const std::string& rule, const std::string& name, const std::vector<std::string>& deps,
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

void Importer::Generate() {
  std::map<std::string, std::vector<const Object*>> packages;
  std::vector<std::string> production;
  for (const Object& object : objects_) {
    auto it = definitions_.find(object.name);
    if (it == definitions_.end()) continue;
    packages[object.package].push_back(&object);
    production.push_back(object.label());
    // The last use of the definition's text: moved, not copied.
    result_.textproto_lines += CountLines(it->second.src);
    result_.workspace[absl::StrCat(object.package, "/", object.target, ".textproto")] = std::move(it->second.src);
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
  result_.workspace["WORKSPACE"] = absl::StrCat(
      "workspace(name = \"", options_.workspace_name,
      "\")\n\nlocal_repository(\n    name = \"rules_chronon\",\n    path = \"", options_.rules,
      "\",\n)\n\nload(\n    \"@rules_chronon//rules:repositories.bzl\",\n"
      "    \"rules_chronon_dependencies\",\n    \"rules_chronon_offline_dependencies\",\n"
      "    \"rules_chronon_register_toolchains\",\n)\n\n"
      "# Offline: protobuf, Abseil, nlohmann-json and dtl from Debian's packages under /usr (with network, "
      "declare\n# the real repositories instead; docs/install.md).\n"
      "rules_chronon_offline_dependencies()\n\n"
      "# The compiler built from the rules' sources: a local_repository of a checkout has no prebuilt "
      "one.\nrules_chronon_dependencies(compiler = \"source\")\n\n"
      "rules_chronon_register_toolchains(compiler = \"source\")\n");
  result_.workspace["teams.json"] = teams_text_;
  // The README's recommended lines. A fixed action PATH keeps the action keys equal on every machine, so a CI
  // machine's disk or remote cache answers the compile actions (and the compiler's own build) of every other one.
  result_.workspace[".bazelrc"] =
      "# Actions see a fixed PATH: the same cache keys on every machine, so disk and remote caches hit.\n"
      "build --incompatible_strict_action_env\n"
      "# Many compile actions at once: each is about a millisecond of work in a persistent worker (README, \"The "
      "edit loop\").\n"
      "build --jobs=32 --local_cpu_resources=HOST_CPUS*16 --worker_max_instances=ChrononCompile=16\n"
      "try-import %workspace%/user.bazelrc\n";
}

}  // namespace importer
}  // namespace chronon
