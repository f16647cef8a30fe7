#include "chronon/compiler/labels.h"

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

std::optional<Label> ResolveLabel(const std::string& text, const Label& current, const std::string& main_repo) {
  if (text.empty()) return std::nullopt;
  if (absl::StartsWith(text, "//")) {
    std::optional<Label> label = ParseAbsoluteLabel(text);
    if (label) label->repo = current.repo;
    return label;
  }
  if (absl::StartsWith(text, "@")) {
    std::optional<Label> label = ParseAbsoluteLabel(text);
    if (label && !main_repo.empty() && label->repo == main_repo) label->repo.clear();
    return label;
  }
  const std::string name = absl::StartsWith(text, ":") ? text.substr(1) : text;
  // A target name has no ':'; "x:y" is a package written without its leading "//".
  if (name.empty() || absl::StrContains(name, ':')) return std::nullopt;
  return Label{current.repo, current.package, std::string(name)};
}

std::string SuggestLabel(const std::string& text) {
  if (text.empty() || absl::StartsWith(text, "//") || absl::StartsWith(text, "@") || absl::StartsWith(text, ":")) {
    return "";
  }
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || text.find(':', colon + 1) != std::string::npos) return "";
  const std::string suggestion = "//" + text;
  return ParseAbsoluteLabel(suggestion) ? suggestion : "";
}

}  // namespace chronon
