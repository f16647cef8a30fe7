// libFuzzer target over chronon::Compile, the compiler's entry point (what one ChrononCompile action runs).
//
// Input format (what tests/fuzz/make_corpus.sh writes for every definition of examples/ and tests/sample/):
//
//   <kind>\n<label>\n<name>\n<definition textproto>\0<dependency summary>\0<dependency summary>...
//
// kind is source, group_by, join or staging_query (anything else: group_by); label and name are what Bazel
// passes; a definition that starts with `struct(` is a chronon_module value (Starlark's repr(), as --src_value
// carries it: tests/fuzz/starlark_values/), read by chronon/compiler/starlark_value.h and compiled if it reads; each
// dependency summary is the JSON a dependency's compile wrote. teams.json is fixed (tests/errors/teams.json). The
// target checks the compiler's contract, not just the absence of crashes: it returns either an output or errors, never
// both, every diagnostic has an id, and a successful compile's outputs are valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "chronon/api.pb.h"
#include "chronon/common/diagnostics.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/starlark_value.h"
#include "nlohmann/json.hpp"

namespace {

// tests/errors/teams.json (every team of examples/ and tests/sample/), embedded by build.sh.
constexpr char kTeams[] =
#include "teams_json.inc"
    ;

std::string_view NextLine(std::string_view* rest) {
  const size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
  return line;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "contract violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string kind_name(NextLine(&rest));
  chronon::CompileInput input;
  input.kind = chronon::ParseKind(kind_name).value_or(chronon::Kind::kGroupBy);
  input.label = std::string(NextLine(&rest));
  input.name = std::string(NextLine(&rest));
  input.src_path = "fuzz.textproto";
  input.teams_path = "teams.json";
  input.teams_text = kTeams;
  size_t nul = rest.find('\0');
  input.src_text = std::string(rest.substr(0, nul));
  if (input.src_text.rfind("struct(", 0) == 0) {
    // A chronon_module value (Starlark's repr(), what --src_value carries): its textproto is what gets compiled.
    const google::protobuf::Descriptor* descriptor =
        input.kind == chronon::Kind::kSource         ? chronon::api::Source::descriptor()
        : input.kind == chronon::Kind::kJoin         ? chronon::api::Join::descriptor()
        : input.kind == chronon::Kind::kStagingQuery ? chronon::api::StagingQuery::descriptor()
                                                     : chronon::api::GroupBy::descriptor();
    std::string text, error;
    const bool read = chronon::TextprotoOfStarlarkValue(input.src_text, *descriptor, &text, &error);
    Check(read != !error.empty(), "a value read with an error, or refused without one");
    Check(read || text.empty(), "text written for a refused value");
    if (!read) return 0;
    input.src_text = std::move(text);
  }
  int index = 0;
  while (nul != std::string_view::npos) {
    rest.remove_prefix(nul + 1);
    nul = rest.find('\0');
    input.deps.push_back({"dep" + std::to_string(index++) + ".chronon.json", std::string(rest.substr(0, nul))});
  }

  chronon::Diagnostics diags(input.src_path, input.label);
  const std::optional<chronon::CompileOutput> output = chronon::Compile(input, &diags);
  Check(output.has_value() != diags.has_errors(), "an output together with errors, or neither");
  for (const chronon::Diagnostic& d : diags.diagnostics()) {
    Check(!d.id.empty(), "a diagnostic without an id");
    // internal-error is the safety net for dependency summaries corrupted inside; without any, it is a bug.
    Check(d.id != "internal-error" || !input.deps.empty(), "internal-error without dependencies");
  }
  const std::string formatted = diags.Format();
  // CHRONON_FUZZ_PRINT=1: show what each input compiled to (to check that the seeds compile).
  if (std::getenv("CHRONON_FUZZ_PRINT") != nullptr) {
    std::fprintf(stderr, "%s: %s%s", input.label.c_str(), output ? "ok\n" : "failed\n", formatted.c_str());
  }
  if (output) {
    Check(nlohmann::ordered_json::accept(output->summary), "the summary is not JSON");
    Check(input.kind == chronon::Kind::kSource ? output->conf.empty() : nlohmann::ordered_json::accept(output->conf),
          "the conf is not JSON");
  }
  return 0;
}
