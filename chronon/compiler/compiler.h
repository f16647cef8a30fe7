// The Chronon compiler: one definition (a textproto holding what a Python user passes to GroupBy(), Join(), ...)
// plus the compiled outputs of the targets it references -> the engine JSON that Chronon's compile.py writes.
#ifndef CHRONON_COMPILER_H_
#define CHRONON_COMPILER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronon/common/diagnostics.h"

namespace chronon {

enum class Kind { kSource, kGroupBy, kJoin, kStagingQuery };

// "source", "group_by", "join", "staging_query"; nullopt for anything else.
std::optional<Kind> ParseKind(const std::string& name);
const char* KindName(Kind kind);

// A compiled dependency, as its own compile wrote it (CompileOutput::summary).
struct DependencyInput {
  std::string path;     // for diagnostics
  std::string summary;  // the JSON text
};

struct CompileInput {
  Kind kind = Kind::kGroupBy;
  // The Bazel label of the target, e.g. "//joins/example_team:example_join.v1". Relative references in the
  // textproto (":x") resolve against its package.
  std::string label;
  // The main workspace's name (ctx.workspace_name in the rules), so that "@<it>//x:y" in a ref means "//x:y".
  std::string workspace;
  // The Chronon name, "team.[sub.]module.var" (compile.py's naming from where the definition lives); empty for
  // sources.
  std::string name;
  std::string src_path;
  std::string src_text;
  std::string teams_path;
  std::string teams_text;
  std::vector<DependencyInput> deps;
  // False: CompileOutput::summary is left empty, for a caller that knows nothing will read it (the importer, for a
  // definition no other mentions: the summary of a large GroupBy holds it whole again, issue 26, finding 11).
  bool summary = true;
  // When set, the conf's text goes to it in pieces, in order, as it is written, and CompileOutput::conf stays empty:
  // the importer compares it with the file as it is made instead of holding a large conf whole (issue 26, finding
  // 11). The pieces make the whole conf exactly once when Compile returns outputs; otherwise they are to be ignored.
  std::function<void(std::string_view)> conf_sink;
};

struct CompileOutput {
  // The engine JSON, byte for byte as compile.py writes it (no trailing newline). Empty for sources, and when
  // CompileInput::conf_sink received it.
  std::string conf;
  // What dependents read: kind, label, name, team and the object as it is embedded in other objects. Empty when
  // CompileInput::summary is false.
  std::string summary;
};

// Gives the pages of what was freed back to the system (glibc's malloc_trim; nothing elsewhere) when what was freed
// came from an input of at least kReleaseFreedMemoryFrom bytes. glibc keeps freed pages in its heap, counted in the
// RSS, while large strings are mapped afresh: without it, a large definition's peak RSS holds both (issue 26, finding
// 11). The compile calls it once its parse is freed; the importer once a conf's JSON is. Below the limit the pages are
// few and trimming costs more than it gives: a persistent worker would unmap and fault its heap back in on every
// action (the unmapping flushes every core's TLB: 15% of the workers' time in a cold build of the bench repo).
inline constexpr size_t kReleaseFreedMemoryFrom = size_t{1} << 20;
void ReleaseFreedMemory(size_t input_bytes);

// Compiles one definition. Returns nullopt when `diags` has errors; warnings do not fail the compile.
std::optional<CompileOutput> Compile(const CompileInput& input, Diagnostics* diags);

}  // namespace chronon

#endif  // CHRONON_COMPILER_H_
