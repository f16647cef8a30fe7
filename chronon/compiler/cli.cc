#include "chronon/compiler/cli.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "chronon/api.pb.h"
#include "chronon/common/diagnostics.h"
#include "chronon/common/files.h"
#include "chronon/compiler/compiler.h"
#include "chronon/compiler/starlark_value.h"

namespace chronon {
namespace {

constexpr char kUnreadable[] = "unreadable-file";
constexpr char kUnwritable[] = "unwritable-output";
constexpr char kStarlarkValue[] = "starlark-value";

// Removes a previous output; never anything but a regular file (an output path could be /dev/null).
void RemoveOutput(const std::string& path) {
  std::error_code error;
  if (!path.empty() && std::filesystem::is_regular_file(std::filesystem::symlink_status(path, error))) {
    std::filesystem::remove(path, error);
  }
}

// Writes through a temporary file and a rename, so a reader never sees a partial file. Refuses to replace
// anything that is not a regular file.
bool WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::symlink_status(path, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << contents;
    if (!out.flush()) {
      out.close();
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// --src_text starts with a marker, the letter é as the rules' .bzl file spells it in UTF-8 (bytes C3 A9), which
// Bazel handles exactly as it handles the user's text. Bazel 4.2.3 keeps a .bzl string as one char per byte and
// writes a param file (and a worker request) in UTF-8, so every byte of 0x80 and above arrives encoded a second
// time: the marker then reads C3 83 C2 A9, and decoding the text once gives back the user's bytes. A Bazel that
// writes the bytes as they are delivers the marker as C3 A9, and the text is taken as it is. Only code points up
// to U+00FF can occur in the doubly encoded form (one byte each), so the decoder is these few lines, not a library.
constexpr char kMarkerRaw[] = "\xC3\xA9";
constexpr char kMarkerDoubled[] = "\xC3\x83\xC2\xA9";

bool UndoDoubleEncoding(absl::string_view text, std::string* out) {
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      continue;
    }
    if ((c != 0xC2 && c != 0xC3) || i + 1 == text.size()) return false;
    const unsigned char next = static_cast<unsigned char>(text[++i]);
    if ((next & 0xC0) != 0x80) return false;
    out->push_back(static_cast<char>(((c & 0x1F) << 6) | (next & 0x3F)));
  }
  return true;
}

// Reverses the rules' one-line escape of --src_text (compile.bzl's _escape_line): `\\`, `\n` and `\r`.
bool UnescapeLine(const std::string& escaped, std::string* out) {
  out->reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out->push_back(escaped[i]);
      continue;
    }
    if (++i == escaped.size()) return false;
    switch (escaped[i]) {
      case '\\':
        out->push_back('\\');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      default:
        return false;
    }
  }
  return true;
}

int Usage(const std::string& problem, std::string* messages) {
  *messages += "chronon_compiler: error: " + problem +
               "\nusage: chronon_compiler --kind=source|group_by|join|staging_query --label=//pkg:target "
               "[--name=team.name] [--workspace=NAME] [--origin=TEXT] --src=FILE [--src_text=TEXT | --src_value=REPR] "
               "[--out_src=FILE] [--teams=teams.json] "
               "[--dep=SUMMARY]... "
               "[--out_conf=FILE] --out_summary=FILE (or only --out_src: write the textproto, compile nothing)\n";
  return 2;
}

// The value of --src_text or --src_value after its marker, decoded once more when Bazel encoded it twice.
bool DecodeMarked(const std::string& flag, const std::string& value, std::string* decoded, std::string* messages) {
  if (absl::StartsWith(value, kMarkerDoubled)) {
    if (UndoDoubleEncoding(absl::string_view(value).substr(sizeof(kMarkerDoubled) - 1), decoded)) return true;
    Usage(flag + " is not doubly encoded UTF-8 after its marker", messages);
    return false;
  }
  if (absl::StartsWith(value, kMarkerRaw)) {
    *decoded = value.substr(sizeof(kMarkerRaw) - 1);
    return true;
  }
  Usage(flag + " must start with the marker \xC3\xA9 (the rules write it)", messages);
  return false;
}

const google::protobuf::Descriptor* MessageOf(Kind kind) {
  switch (kind) {
    case Kind::kSource:
      return api::Source::descriptor();
    case Kind::kGroupBy:
      return api::GroupBy::descriptor();
    case Kind::kJoin:
      return api::Join::descriptor();
    case Kind::kStagingQuery:
      return api::StagingQuery::descriptor();
  }
  return nullptr;
}

// The header of a textproto written from chronon_module's value: the message, and where to edit it. The target is
// `<module>.<var>` in the package of `<module>.bzl` (starlark_module.bzl names it so; a variable has no dot).
std::string GeneratedHeader(Kind kind, const std::string& label) {
  const size_t slashes = label.find("//");
  const std::string plain = slashes == std::string::npos ? label : label.substr(slashes);
  const size_t colon = plain.rfind(':');
  const std::string package = colon == std::string::npos ? plain : plain.substr(0, colon);
  const std::string target = colon == std::string::npos ? "" : plain.substr(colon + 1);
  const size_t dot = target.rfind('.');
  const std::string module = dot == std::string::npos ? target : target.substr(0, dot);
  const std::string var = dot == std::string::npos ? "" : target.substr(dot + 1);
  const std::string macro = std::string("chronon_") + KindName(kind);
  return absl::StrCat("# proto-file: chronon/api.proto\n# proto-message: ", MessageOf(kind)->full_name(),
                      "\n#\n# Written by chronon_module(name = \"", module, "\", ", var, " = ...) in ", package,
                      ":BUILD from the value `", var, "` of ", module, ".bzl:\n# edit that file, not this one. Target ",
                      plain, " (", macro, ").\n");
}

// `bazel-out/<config>/bin/<rest>` as the user finds it, `bazel-bin/<rest>`; any other path as it is.
std::string BinPath(const std::string& exec_path) {
  constexpr absl::string_view kOut = "bazel-out/";
  if (!absl::StartsWith(exec_path, kOut)) return exec_path;
  const size_t config_end = exec_path.find('/', kOut.size());
  if (config_end == std::string::npos || exec_path.compare(config_end, 5, "/bin/") != 0) return exec_path;
  return "bazel-bin/" + exec_path.substr(config_end + 5);
}

int RunCompileOrThrow(const std::vector<std::string>& args, std::string* messages, std::string* out_conf,
                      std::string* out_summary) {
  std::string kind, src, out_src, teams, origin;
  std::optional<std::string> src_text, src_value;
  CompileInput input;
  std::vector<std::string> dep_paths;
  // Parsed by hand, not with Abseil's flags library, because the persistent worker (worker.h) parses one argument
  // list per request in a long-lived process, and absl flags do not fit that: ABSL_FLAG values are process-wide
  // globals that keep the previous request's values unless each is reset by hand (and would race if requests
  // were ever handled concurrently); absl::ParseCommandLine is meant to run once from main() and exits the process
  // on an unknown flag or a bad value, where a worker must answer with a usage error and live on; and a
  // std::vector<std::string> flag takes one comma-separated value, the last --dep winning, so the repeated
  // `--dep=PATH` (paths may hold commas) would need a custom flag type anyway.
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (flag == "--kind")
      kind = value;
    else if (flag == "--label")
      input.label = value;
    else if (flag == "--name")
      input.name = value;
    else if (flag == "--workspace")
      input.workspace = value;
    else if (flag == "--origin")
      origin = value;
    else if (flag == "--src")
      src = value;
    else if (flag == "--out_src")
      out_src = value;
    else if (flag == "--src_text") {
      std::string decoded;
      if (!DecodeMarked(flag, value, &decoded, messages)) return 2;
      src_text.emplace();
      if (!UnescapeLine(decoded, &*src_text)) return Usage("--src_text has a bad escape", messages);
    } else if (flag == "--src_value") {
      src_value.emplace();
      if (!DecodeMarked(flag, value, &*src_value, messages)) return 2;
    } else if (flag == "--teams")
      teams = value;
    else if (flag == "--dep")
      dep_paths.push_back(value);
    else if (flag == "--out_conf")
      *out_conf = value;
    else if (flag == "--out_summary")
      *out_summary = value;
    else
      return Usage("unknown argument " + arg, messages);
  }
  const std::optional<Kind> parsed_kind = ParseKind(kind);
  if (!parsed_kind) return Usage("--kind must be source, group_by, join or staging_query", messages);
  if (src_text && src_value) return Usage("give --src_text or --src_value, not both", messages);
  if (!out_src.empty() && !src_text && !src_value) return Usage("--out_src needs --src_text or --src_value", messages);
  // Only --out_src: the textproto alone (the rules' output group chronon_textproto), nothing compiled.
  const bool textproto_only = !out_src.empty() && out_summary->empty() && out_conf->empty();
  if (src.empty() || (out_summary->empty() && !textproto_only) || input.label.empty()) {
    return Usage("--src, --label and --out_summary are required", messages);
  }
  if (*parsed_kind != Kind::kSource && out_conf->empty() && !textproto_only) {
    return Usage("--out_conf is required", messages);
  }
  input.kind = *parsed_kind;
  input.src_path = src;
  input.teams_path = teams;

  // Outputs of an earlier run must not survive a failed one.
  RemoveOutput(*out_conf);
  RemoveOutput(*out_summary);
  RemoveOutput(out_src);

  Diagnostics diags(src, input.label);
  diags.set_origin(origin);
  if (src_value) {
    // chronon_module's value, as Starlark's repr(): its textproto, under a header naming where it was written.
    src_text = GeneratedHeader(*parsed_kind, input.label);
    std::string error;
    if (!TextprotoOfStarlarkValue(*src_value, *MessageOf(*parsed_kind), &*src_text, &error)) {
      diags.Error({}, kStarlarkValue,
                  "the value that chronon_module passed is not one that python.bzl's helpers make (" + error + ")");
      *messages += diags.Format();
      return 1;
    }
  }
  if ((src_text || src_value) && out_src.empty()) {
    // The text came in the arguments and this action does not write it (a file per action would cost a cold build
    // of 1,250 definitions 0.5 s of file creation): say how to get the file the messages point at (not for a value
    // that has no textproto: the action that writes it fails the same way).
    diags.set_note(absl::StrCat("the file: bazel build --output_groups=chronon_textproto ", input.label, " writes ",
                                BinPath(src)));
  }
  if (src_text) {
    // The definition came in the arguments (chronon_module's generated text, or a `text` attribute): --src is only
    // the name the messages give it; --out_src, when given, is where it is written.
    input.src_text = std::move(*src_text);
    if (!out_src.empty() && !WriteFileAtomically(out_src, input.src_text)) {
      *messages += "chronon_compiler: error: cannot write " + out_src + " [" + kUnwritable + "]\n";
      RemoveOutput(out_src);
      return 1;
    }
    if (textproto_only) return 0;
  } else if (!ReadFile(src, &input.src_text)) {
    *messages += src + ":1:1: error: cannot read the file [" + kUnreadable + "]\n";
    return 1;
  }
  if (!teams.empty() && !ReadFile(teams, &input.teams_text)) {
    *messages += teams + ":1:1: error: cannot read the team config [" + kUnreadable + "]\n";
    return 1;
  }
  for (const std::string& path : dep_paths) {
    DependencyInput dep{path, ""};
    if (!ReadFile(path, &dep.summary)) {
      *messages += path + ":1:1: error: cannot read the dependency [" + kUnreadable + "]\n";
      return 1;
    }
    input.deps.push_back(std::move(dep));
  }

  const std::optional<CompileOutput> output = Compile(input, &diags);
  *messages += diags.Format();
  if (!output) return 1;
  if ((!out_conf->empty() && !WriteFileAtomically(*out_conf, output->conf)) ||
      !WriteFileAtomically(*out_summary, output->summary)) {
    *messages += "chronon_compiler: error: cannot write the outputs " + *out_conf + ", " + *out_summary + " [" +
                 kUnwritable + "]\n";
    RemoveOutput(*out_conf);
    RemoveOutput(*out_summary);
    return 1;
  }
  return 0;
}

}  // namespace

bool ExpandParamFiles(const std::vector<std::string>& args, std::vector<std::string>* expanded, std::string* error) {
  for (const std::string& arg : args) {
    if (absl::StartsWith(arg, "@")) {
      std::string contents;
      if (!ReadFile(arg.substr(1), &contents)) {
        *error = "chronon_compiler: error: cannot read param file " + arg.substr(1) + "\n";
        return false;
      }
      for (absl::string_view line : absl::StrSplit(contents, '\n', absl::SkipEmpty())) expanded->emplace_back(line);
    } else {
      expanded->push_back(arg);
    }
  }
  return true;
}

int RunCompile(const std::vector<std::string>& args, std::string* messages) {
  std::string out_conf, out_summary;
  try {
    return RunCompileOrThrow(args, messages, &out_conf, &out_summary);
  } catch (const std::exception& e) {
    // A bug, not a user error; still leave no output behind, and let a worker live on.
    *messages += std::string("chronon_compiler: error: internal error: ") + e.what() + " [internal-error]\n";
  } catch (...) {
    *messages += "chronon_compiler: error: internal error [internal-error]\n";
  }
  RemoveOutput(out_conf);
  RemoveOutput(out_summary);
  return 1;
}

}  // namespace chronon
