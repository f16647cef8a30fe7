// UTF-8 validation shared by the textproto reader, the converter and the JSON writer.
#ifndef CHRONON_UTF8_H_
#define CHRONON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chronon {

// Decodes the UTF-8 sequence starting at text[i] into *code_point and returns its length in bytes, or 0 when it
// is not valid UTF-8 (truncated, overlong, a surrogate, or beyond U+10FFFF).
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* code_point);

inline bool IsValidUtf8(std::string_view text) {
  uint32_t cp;
  for (size_t i = 0; i < text.size();) {
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace chronon

#endif  // CHRONON_UTF8_H_
