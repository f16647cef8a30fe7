#include "chronon/common/diagnostics.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace chronon {

void Diagnostics::Error(Location location, std::string id, std::string message) {
  diagnostics_.push_back({Severity::kError, location, std::move(id), std::move(message)});
  ++error_count_;
}

void Diagnostics::ErrorIn(std::string path, Location location, std::string id, std::string message) {
  diagnostics_.push_back({Severity::kError, location, std::move(id), std::move(message), std::move(path)});
  ++error_count_;
}

void Diagnostics::Warning(Location location, std::string id, std::string message) {
  diagnostics_.push_back({Severity::kWarning, location, std::move(id), std::move(message)});
}

std::string Diagnostics::Format() const {
  std::string out;
  for (const Diagnostic& d : diagnostics_) {
    // Messages are single lines: a newline inside one would break tools that parse `path:line:col:`.
    std::string message = d.message;
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    const Location loc = d.location.line > 0 ? d.location : Location{1, 1};
    absl::StrAppend(&out, d.path.empty() ? path_ : d.path, ":", loc.line, ":", loc.column, ": ",
                    d.severity == Severity::kError ? "error" : "warning", ": ", message, " [", d.id, "]\n");
  }
  if (!diagnostics_.empty() && !label_.empty()) absl::StrAppend(&out, "  in target ", label_, "\n");
  for (const std::string* line : {&origin_, &note_}) {
    if (diagnostics_.empty() || line->empty()) continue;
    std::string text = *line;
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    absl::StrAppend(&out, "  ", text, "\n");
  }
  return out;
}

}  // namespace chronon
