// The concept tests as one translation unit (see the `concepts_test` target in BUILD for why).
#include "chronon/compiler/compiler_test.cc"
#include "chronon/compiler/group_by_test.cc"
#include "chronon/compiler/join_test.cc"
#include "chronon/compiler/labels_test.cc"
#include "chronon/compiler/source_test.cc"
#include "chronon/compiler/staging_query_test.cc"
#include "chronon/compiler/team_metadata_test.cc"
