// The plan library as one translation unit (see //chronon/compiler:compiler in chronon/compiler/BUILD for why).
#include "chronon/plan/plan.cc"
#include "chronon/plan/plan_report.cc"
#include "chronon/plan/plan_semantic_hash.cc"
