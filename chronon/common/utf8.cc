#include "chronon/common/utf8.h"

namespace chronon {

const char* DecodeUtf8(std::string_view s, size_t* pos, char32_t* code_point) {
  const auto lead = static_cast<unsigned char>(s[*pos]);
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return nullptr;
  }
  size_t length;
  char32_t cp;
  if (lead < 0xC0) return "unexpected continuation byte";
  if (lead < 0xE0) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead < 0xF0) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead < 0xF8) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return "invalid lead byte";
  }
  for (size_t i = 1; i < length; ++i) {
    if (*pos + i >= s.size()) return "truncated sequence";
    const auto byte = static_cast<unsigned char>(s[*pos + i]);
    if ((byte & 0xC0) != 0x80) return "truncated sequence";
    cp = (cp << 6) | (byte & 0x3F);
  }
  // The smallest code point that needs `length` bytes; anything below it
  // could have been encoded shorter.
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[length]) return "overlong encoding";
  if (cp >= 0xD800 && cp <= 0xDFFF) return "UTF-16 surrogate encoded in UTF-8";
  if (cp > 0x10FFFF) return "code point above U+10FFFF";
  *code_point = cp;
  *pos += length;
  return nullptr;
}

}  // namespace chronon
