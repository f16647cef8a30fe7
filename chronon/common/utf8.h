// UTF-8 decoding shared by the textproto reader, the converter and the JSON writer.
#ifndef CHRONON_UTF8_H_
#define CHRONON_UTF8_H_

#include <cstddef>
#include <string_view>

namespace chronon {

// Decodes the UTF-8 sequence at text[*pos] into *code_point and advances *pos past it. Returns nullptr on success,
// else a description of the problem ("overlong encoding", ...), leaving *pos where the bad sequence starts.
// Everything a Python str could not hold is rejected: overlongs, surrogates, code points above U+10FFFF.
const char* DecodeUtf8(std::string_view text, size_t* pos, char32_t* code_point);

inline bool IsValidUtf8(std::string_view text) {
  char32_t code_point;
  for (size_t pos = 0; pos < text.size();) {
    if (DecodeUtf8(text, &pos, &code_point) != nullptr) return false;
  }
  return true;
}

}  // namespace chronon

#endif  // CHRONON_UTF8_H_
