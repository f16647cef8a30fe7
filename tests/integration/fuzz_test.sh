#!/usr/bin/env bash
# The bounded fuzz run of CI: one minute of libFuzzer, 50 s over chronon::Compile and, beside it, 10 s over
# teams.json (tests/fuzz/run.sh).
set -euo pipefail
exec "$(dirname "$0")/../fuzz/run.sh" "${CHRONON_FUZZ_SECONDS:-60}"
