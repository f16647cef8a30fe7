// Renders JSON exactly the way Python's json.dumps does, so that the engine
// JSON produced by this compiler is byte-identical to the JSON produced by the
// reference Python implementation.
//
// Why not nlohmann's dump(2, ' ', true)? Checked against nlohmann 3.11.2 (the
// version installed here), it differs from Python's json.dumps in ways that
// change bytes:
//   * Floats: nlohmann switches to exponent notation from 1e15 on, Python only
//     from 1e16 (1e15 -> "1e+15" vs "1000000000000000.0", 9999999999999998.0
//     -> "9.999999999999998e+15" vs "9999999999999998.0").
//   * Floats: nlohmann's Grisu2 is not always shortest or correctly rounded;
//     about 1 in 700 random doubles get other digits than Python's repr
//     (e.g. -3.556169393814842e-26 -> "-3.5561693938148423e-26",
//     1234567890123456.8 -> "1.2345678901234567e+15").
//   * NaN and infinity: nlohmann writes null, Python writes NaN / Infinity.
//     Chronon's engine rejects both, so we refuse them instead.
//   * Compact mode (indent < 0): nlohmann uses "," and ":", Python ", " and
//     ": ".
// What does already match: ensure_ascii escaping (including 0x7F, lowercase
// hex and surrogate pairs), empty {} and [] written inline, "," at line end
// and ": " after keys when indenting, and no trailing newline.

#ifndef CHRONON_JSON_WRITER_H_
#define CHRONON_JSON_WRITER_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "chronon/common/json.h"

namespace chronon {

// Returns Python 3's repr() of `v`: the shortest digits that round-trip, in
// fixed notation when the decimal exponent is in [-4, 16) (always with a
// fractional part, e.g. "5.0", "-0.0", "0.0001"), otherwise in exponent
// notation ("1e-05", "1e+16", "1.2345678901234568e+17"). Non-finite values
// give Python's "nan", "inf" and "-inf".
std::string PythonFloatRepr(double v);

// Returns what Python's json.dumps(value, indent=indent) returns when
// indent >= 0, or json.dumps(value) (one line, separators ", " and ": ") when
// indent < 0. Object members keep the ordered_json's order; strings are
// escaped as with ensure_ascii=True; there is no trailing newline.
//
// Fails with InvalidArgument for NaN or infinite numbers, for strings (values
// or keys) that are not valid UTF-8, and for binary or discarded values. The
// message names the problem and the JSON Pointer of the offending value.
absl::StatusOr<std::string> WritePythonJson(const Json& value, int indent);

// The same text, handed to `sink` in order in pieces of 64 KB or more (a long string goes whole) instead of made as
// one string, so that a large conf is never held whole. On failure, part of the text may have gone to `sink`.
absl::Status WritePythonJson(const Json& value, int indent, const std::function<void(std::string_view)>& sink);

}  // namespace chronon

#endif  // CHRONON_JSON_WRITER_H_
