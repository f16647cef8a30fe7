// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex: the digests of the files the production/ update writes,
// in its index (.chronon_managed).
//
// Hand-written rather than taken from a library: the tools link fully static for every platform they ship to
// (linux x86_64 and arm64, cross-compiled), and build from source on systems without Debian's /usr. OpenSSL's
// libcrypto, linked statically, pulls in the resolver and dlopen and reads its config file at run time; libmd is
// Debian-only and has no Bazel module. SHA-256 is a fixed standard with published test vectors
// (sha256_test.cc), and only its one-shot form is needed here.
#ifndef CHRONON_COMMON_SHA256_H_
#define CHRONON_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace chronon {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace chronon

#endif  // CHRONON_COMMON_SHA256_H_
