// See json_writer.h for why this exists instead of nlohmann's dump().

#include "chronon/common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "chronon/common/json_pointer.h"
#include "chronon/common/utf8.h"

namespace chronon {
namespace {

// chronon::Json (chronon/common/json.h)

void AppendUnicodeEscape(char32_t unit, std::string* out) {
  static constexpr char kHexDigits[] = "0123456789abcdef";  // Python: lower.
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) {
    out->push_back(kHexDigits[(unit >> shift) & 0xF]);
  }
}

// Appends `s` as a quoted JSON string with Python's ensure_ascii=True rules:
// only printable ASCII stays literal, '/' is not escaped.
absl::Status AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    if (const char* problem = DecodeUtf8(s, &pos, &cp)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid UTF-8 at byte ", pos, ": ", problem));
    }
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (cp >= 0x20 && cp <= 0x7E) {
          out->push_back(static_cast<char>(cp));
        } else if (cp < 0x10000) {
          AppendUnicodeEscape(cp, out);
        } else {  // Astral: \uXXXX can only hold a UTF-16 surrogate pair.
          cp -= 0x10000;
          AppendUnicodeEscape(0xD800 + (cp >> 10), out);
          AppendUnicodeEscape(0xDC00 + (cp & 0x3FF), out);
        }
    }
  }
  out->push_back('"');
  return absl::OkStatus();
}

// The size of the pieces a sink receives (at least; a long string goes in one piece).
constexpr size_t kPiece = 1 << 16;

class Writer {
 public:
  // `sink`: when set, the text goes to it in pieces as it is written (Flush) instead of staying in one string.
  Writer(int indent, const std::function<void(std::string_view)>* sink = nullptr) : indent_(indent), sink_(sink) {}

  // Hands the text written so far to the sink once it holds at least `at_least` bytes.
  void Flush(size_t at_least) {
    if (sink_ == nullptr || out_.size() < at_least || out_.empty()) return;
    (*sink_)(out_);
    out_.clear();
  }

  absl::Status Write(const Json& value, int depth);

  std::string TakeOutput() { return std::move(out_); }

  // Adds the JSON Pointer of the failing value to an error from Write().
  absl::Status Annotate(const absl::Status& status) const {
    return absl::Status(status.code(), absl::StrCat(status.message(), " (at ",
                                                    error_path_.empty() ? "the top-level value" : error_path_, ")"));
  }

 private:
  absl::Status WriteContainer(const Json& value, int depth);

  // Python puts every member on its own line only when indenting.
  void NewLine(int depth) {
    if (indent_ < 0) return;
    out_.push_back('\n');
    out_.append(static_cast<size_t>(indent_) * depth, ' ');
  }

  // Records one step of the failing value's path while the error unwinds.
  absl::Status Fail(absl::Status status, std::string_view token) {
    error_path_.insert(0, absl::StrCat("/", JsonPointerToken(token)));
    return status;
  }

  const int indent_;
  const std::function<void(std::string_view)>* sink_;
  std::string out_;
  std::string error_path_;  // JSON Pointer, built leaf first.
};

absl::Status Writer::Write(const Json& value, int depth) {
  switch (value.type()) {
    case Json::value_t::null:
      out_ += "null";
      return absl::OkStatus();
    case Json::value_t::boolean:
      out_ += value.get<bool>() ? "true" : "false";
      return absl::OkStatus();
    case Json::value_t::number_integer:
      absl::StrAppend(&out_, value.get<int64_t>());
      return absl::OkStatus();
    case Json::value_t::number_unsigned:
      absl::StrAppend(&out_, value.get<uint64_t>());
      return absl::OkStatus();
    case Json::value_t::number_float: {
      const double d = value.get<double>();
      if (!std::isfinite(d)) {
        // Python would write NaN/Infinity, which is not JSON and which
        // Chronon's engine rejects; fail here rather than at load time.
        return absl::InvalidArgumentError(absl::StrCat("non-finite number ", PythonFloatRepr(d), " is not valid JSON"));
      }
      out_ += PythonFloatRepr(d);
      return absl::OkStatus();
    }
    case Json::value_t::string:
      return AppendQuoted(value.get_ref<const std::string&>(), &out_);
    case Json::value_t::array:
    case Json::value_t::object:
      return WriteContainer(value, depth);
    case Json::value_t::binary:
      return absl::InvalidArgumentError("binary values have no JSON form");
    case Json::value_t::discarded:
      break;
  }
  return absl::InvalidArgumentError("discarded value has no JSON form");
}

absl::Status Writer::WriteContainer(const Json& value, int depth) {
  const bool is_object = value.is_object();
  out_.push_back(is_object ? '{' : '[');
  // Python writes empty containers inline ("{}", "[]") even when indenting.
  if (!value.empty()) {
    size_t index = 0;
    for (auto it = value.begin(); it != value.end(); ++it, ++index) {
      // With indent the line break follows, so Python drops the space.
      if (index > 0) out_ += indent_ >= 0 ? "," : ", ";
      NewLine(depth + 1);
      if (is_object) {
        if (absl::Status status = AppendQuoted(it.key(), &out_); !status.ok()) {
          // Blame the object, not the (unprintable) key.
          return absl::Status(status.code(), absl::StrCat("object key: ", status.message()));
        }
        out_ += ": ";
      }
      if (absl::Status status = Write(it.value(), depth + 1); !status.ok()) {
        return Fail(status, is_object ? it.key() : absl::StrCat(index));
      }
      Flush(kPiece);
    }
    NewLine(depth);
  }
  out_.push_back(is_object ? '}' : ']');
  return absl::OkStatus();
}

}  // namespace

std::string PythonFloatRepr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";

  // Shortest round-trip digits (like Python's repr, correctly rounded), in
  // scientific form, e.g. "-1.2345678901234568e+17" or "5e+00". That already
  // is Python's exponent form: no ".0", signed exponent of >= 2 digits.
  char buf[32];  // Longest output: "-2.2250738585072014e-308".
  const std::to_chars_result result = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view sci(buf, result.ptr - buf);
  const size_t e_pos = sci.find('e');
  const bool negative_exponent = sci[e_pos + 1] == '-';
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 2, sci.data() + sci.size(), exponent);
  if (negative_exponent) exponent = -exponent;

  // Python's float_repr_style "short" uses exponent form outside [-4, 16).
  if (exponent < -4 || exponent >= 16) return std::string(sci);

  // Otherwise re-place the decimal point in the same digits.
  std::string_view mantissa = sci.substr(0, e_pos);
  std::string out;
  if (mantissa.front() == '-') {
    out += '-';
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(-exponent - 1, '0');
    out += digits;
  } else if (digits.size() <= static_cast<size_t>(exponent) + 1) {
    // Integral value: pad with zeros and add ".0" as Python does.
    out += digits;
    out.append(exponent + 1 - digits.size(), '0');
    out += ".0";
  } else {
    out += digits.substr(0, exponent + 1);
    out += '.';
    out += digits.substr(exponent + 1);
  }
  return out;
}

absl::StatusOr<std::string> WritePythonJson(const Json& value, int indent) {
  Writer writer(indent);
  if (absl::Status status = writer.Write(value, 0); !status.ok()) {
    return writer.Annotate(status);
  }
  return writer.TakeOutput();
}

absl::Status WritePythonJson(const Json& value, int indent, const std::function<void(std::string_view)>& sink) {
  Writer writer(indent, &sink);
  if (absl::Status status = writer.Write(value, 0); !status.ok()) {
    return writer.Annotate(status);
  }
  writer.Flush(0);
  return absl::OkStatus();
}

}  // namespace chronon
