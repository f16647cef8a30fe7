// JSON Pointers (RFC 6901), the paths by which diagnostics find the textproto location of a JSON node.
#ifndef CHRONON_JSON_POINTER_H_
#define CHRONON_JSON_POINTER_H_

#include <string>
#include <string_view>

namespace chronon {

// One reference token: '~' -> "~0", '/' -> "~1", so a map key with '/' stays one segment.
inline std::string JsonPointerToken(std::string_view token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace chronon

#endif  // CHRONON_JSON_POINTER_H_
