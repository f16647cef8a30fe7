#include "chronon/compiler/compile_context.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace chronon {

ToJsonOptions CompileContext::Options() {
  ToJsonOptions options;
  options.text = src_text;
  options.diags = diags;
  options.locations = &locations;
  options.nested = nested;
  return options;
}

std::optional<Json> ResolveRef(CompileContext& ctx, const std::string& ref, const std::string& want_kind,
                               Location location) {
  std::optional<Label> label = ResolveLabel(ref, ctx.label, ctx.main_repo);
  if (!label) {
    const std::string suggestion = SuggestLabel(ref);
    ctx.diags->Error(
        location, "invalid-label",
        suggestion.empty()
            ? absl::StrCat("\"", ref, "\" is not a Bazel label (write \"//package:target\" or \":target\")")
            : absl::StrCat("\"", ref, "\" is not a Bazel label: a package starts with \"//\"; did you mean \"",
                           suggestion, "\"?"));
    return std::nullopt;
  }
  const std::string canonical = label->ToString();
  if (canonical == ctx.label.ToString()) {
    ctx.diags->Error(location, "self-reference",
                     absl::StrCat(ctx.target, " refers to itself; a ", want_kind,
                                  " cannot be built from its own output: name another target"));
    return std::nullopt;
  }
  auto it = ctx.deps.find(canonical);
  if (it == ctx.deps.end()) {
    ctx.diags->Error(location, "missing-dependency",
                     absl::StrCat(canonical, " is not a dependency of ", ctx.target, "; add \"", canonical,
                                  "\" to the deps of ", ctx.target));
    return std::nullopt;
  }
  if (it->second.kind != want_kind) {
    ctx.diags->Error(
        location, "wrong-kind",
        absl::StrCat(canonical, " is a chronon_", it->second.kind, ", but a chronon_", want_kind, " is needed here"));
    return std::nullopt;
  }
  return it->second.object;
}

const ParseInfoTree* NestedTree(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor,
                                const char* field, int index) {
  if (tree == nullptr) return nullptr;
  return tree->GetTreeForNested(descriptor->FindFieldByName(field), index);
}

Location At(const ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor, const char* field, int index) {
  return FieldLocation(tree, descriptor->FindFieldByName(field), index);
}

}  // namespace chronon
