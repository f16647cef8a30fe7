// Compiler-format diagnostics: `path:line:col: error: message [id]`, one line each, then the Bazel label.
#ifndef CHRONON_DIAGNOSTICS_H_
#define CHRONON_DIAGNOSTICS_H_

#include <string>
#include <vector>

namespace chronon {

// A 1-based position in the file being compiled; line 0 means "the file as a whole".
struct Location {
  int line = 0;
  int column = 0;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  Location location;
  std::string id;  // stable kebab-case id, documented in docs/diagnostics.md
  std::string message;
  std::string path;  // the file the location is in, when it is not the file being compiled (teams.json)
};

// Collects the diagnostics of one compile. Every check reports here and goes on, so that one run reports every
// mistake it can find; the caller writes no output when has_errors().
class Diagnostics {
 public:
  Diagnostics(std::string path, std::string label) : path_(std::move(path)), label_(std::move(label)) {}

  void Error(Location location, std::string id, std::string message);
  // An error at a location in another file the compile reads (teams.json); line 0: the file as a whole.
  void ErrorIn(std::string path, Location location, std::string id, std::string message);
  void Warning(Location location, std::string id, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  const std::string& path() const { return path_; }
  const std::string& label() const { return label_; }
  // Where the definition was written, when the file compiled was generated from it (chronon_module: the value, its
  // .bzl and the BUILD call); printed after the label.
  void set_origin(std::string origin) { origin_ = std::move(origin); }
  // A last line, after the origin: how to get the file the messages name when no file was written (cli.cc).
  void set_note(std::string note) { note_ = std::move(note); }

  // Every diagnostic as `path:line:col: error: message [id]`, then `  in target <label>` once, then
  // `  <origin>` and `  <note>` when there are.
  std::string Format() const;

 private:
  std::string path_;
  std::string label_;
  std::string origin_;
  std::string note_;
  std::vector<Diagnostic> diagnostics_;
  int error_count_ = 0;
};

}  // namespace chronon

#endif  // CHRONON_DIAGNOSTICS_H_
