#include "chronon/labels.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace chronon {

std::string Label::ToString() const { return absl::StrCat(repo.empty() ? "" : "@" + repo, "//", package, ":", name); }

std::optional<Label> ParseAbsoluteLabel(absl::string_view text) {
  Label label;
  if (absl::StartsWith(text, "@")) {
    const size_t slashes = text.find("//");
    if (slashes == absl::string_view::npos) return std::nullopt;
    label.repo = std::string(text.substr(1, slashes - 1));
    text = text.substr(slashes);
  }
  if (!absl::StartsWith(text, "//")) return std::nullopt;
  text.remove_prefix(2);
  const size_t colon = text.find(':');
  label.package = std::string(text.substr(0, colon));
  label.name = colon == absl::string_view::npos ? std::string(text.substr(text.rfind('/') + 1))
                                                : std::string(text.substr(colon + 1));
  if (label.name.empty()) return std::nullopt;
  return label;
}

std::optional<Label> ResolveLabel(const std::string& text, const Label& current) {
  if (text.empty()) return std::nullopt;
  if (absl::StartsWith(text, "//")) {
    std::optional<Label> label = ParseAbsoluteLabel(text);
    if (label) label->repo = current.repo;
    return label;
  }
  if (absl::StartsWith(text, "@")) return ParseAbsoluteLabel(text);
  const std::string name = absl::StartsWith(text, ":") ? text.substr(1) : text;
  if (name.empty()) return std::nullopt;
  return Label{current.repo, current.package, std::string(name)};
}

}  // namespace chronon
