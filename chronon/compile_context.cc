#include "chronon/compile_context.h"

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
  std::optional<Label> label = ResolveLabel(ref, ctx.label);
  if (!label) {
    ctx.diags->Error(location, "invalid-label",
                     absl::StrCat("\"", ref, "\" is not a Bazel label (write \"//package:target\" or \":target\")"));
    return std::nullopt;
  }
  const std::string canonical = label->ToString();
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
