// The compiler library as one translation unit (see the `compiler` target in BUILD for why): each file below is
// still its own concept, with its own header and tests.
#include "chronon/compiler/compile_context.cc"
#include "chronon/compiler/compiler.cc"
#include "chronon/compiler/group_by.cc"
#include "chronon/compiler/join.cc"
#include "chronon/compiler/source.cc"
#include "chronon/compiler/staging_query.cc"
#include "chronon/compiler/team_metadata.cc"
