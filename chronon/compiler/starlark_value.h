// The textproto of a value of Chronon's Python API in Starlark (//chronon:python.bzl), from Starlark's repr() of it.
//
// chronon_module (rules/private/starlark_module.bzl) hands each value to its compile action as repr(value): a
// struct(...) tree of lists, tuples, dicts, strings, numbers, True, False and None that python.bzl's helpers built
// and checked. repr() is a Bazel builtin, while writing the textproto in Starlark was most of a package's loading
// time (docs/performance.md); and unlike json.encode, which sorts a dict's keys, repr() keeps the order a map was
// written in (selects, env, tags), which is data. This reads that repr and writes the textproto the compiler then
// parses like a hand-written one: fields in api.proto's order, enums by name, numbers exactly as written (`10`
// stays an int and `10.0` a float, which compile.py's argMap tells apart), a message of at most three scalars on
// one line.
//
// Only repr()'s literal syntax for those types is read (no library reads Starlark values in C++; the grammar is a
// screen of code). Nothing is evaluated: any name but struct, True, False and None is an error.
#ifndef CHRONON_COMPILER_STARLARK_VALUE_H_
#define CHRONON_COMPILER_STARLARK_VALUE_H_

#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"

namespace chronon {

// Values nested deeper than this (structs, lists, dicts) are refused before they can exhaust the stack.
constexpr int kMaxStarlarkValueDepth = 200;

// Appends to `text` the textproto of `repr`, repr() of a python.bzl value of message `descriptor` (e.g.
// chronon.api.GroupBy): one field a line, nested messages indented by two spaces, lines ending in "\n". Returns
// false, with `error` a sentence (naming the byte offset in `repr` where it can), when `repr` is not such a value.
bool TextprotoOfStarlarkValue(std::string_view repr, const google::protobuf::Descriptor& descriptor, std::string* text,
                              std::string* error);

}  // namespace chronon

#endif  // CHRONON_COMPILER_STARLARK_VALUE_H_
