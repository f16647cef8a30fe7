// Bazel labels, as written in `ref` fields ("//pkg:target", ":target") and passed as --label. Mirrors what Bazel
// itself does with a label string; Chronon's Python has no counterpart (compile.py names objects by file path).
#ifndef CHRONON_LABELS_H_
#define CHRONON_LABELS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace chronon {

struct Label {
  std::string repo;  // "" for the main repository
  std::string package;
  std::string name;
  // The canonical form, "//package:name" or "@repo//package:name": how dependency summaries are keyed.
  std::string ToString() const;
};

// Parses an absolute label ("//a/b:c", "//a/b" for "//a/b:b", "@r//a:b"); nullopt for anything else.
std::optional<Label> ParseAbsoluteLabel(absl::string_view text);

// Resolves a label written in a textproto against the label of the target being compiled: "//x:y" stays in
// `current`'s repository, "@r//x:y" names its own, ":y" and "y" are in `current`'s package. "@<main_repo>//x:y"
// (the main workspace's own name, as Bazel's `workspace(name = ...)` gives it) is the main repository, "//x:y".
// nullopt for anything else, among them "x:y" (a package without `//`; see SuggestLabel).
std::optional<Label> ResolveLabel(const std::string& text, const Label& current, const std::string& main_repo = "");

// For text that ResolveLabel refuses, the label the user probably meant ("x:y" -> "//x:y"), or "" when none.
std::string SuggestLabel(const std::string& text);

}  // namespace chronon

#endif  // CHRONON_LABELS_H_
