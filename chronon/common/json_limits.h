// The one nesting limit for the JSON that the tools read from a user's tree (the importer's confs, the checked-in
// confs that the update and the plan compare). compile.py's confs nest about a dozen levels; a file nested deeper than
// kMaxJsonDepth is refused with a message before any parser or recursive walker sees it, so that no input can
// exhaust the stack.
#ifndef CHRONON_COMMON_JSON_LIMITS_H_
#define CHRONON_COMMON_JSON_LIMITS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace chronon {

inline constexpr int kMaxJsonDepth = 512;

// Whether `text`'s arrays and objects nest deeper than kMaxJsonDepth (brackets inside strings do not count). A scan
// of the bytes, with no recursion: it runs before the parser.
inline bool JsonTooDeep(absl::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// The message for a file that JsonTooDeep refuses.
inline std::string JsonTooDeepMessage() {
  return absl::StrCat("arrays and objects nested deeper than ", kMaxJsonDepth,
                      " levels (compile.py writes about a dozen); not read");
}

}  // namespace chronon

#endif  // CHRONON_COMMON_JSON_LIMITS_H_
