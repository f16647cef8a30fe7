#!/usr/bin/env bash
# `bazel run @rules_chronon//tools:port -- ...`: runs port.py (next to this script) with the system python3.
# A py_binary's launcher (Bazel 4.2.3) runs `/usr/bin/env python`, which Debian's python3 package does not provide.
set -euo pipefail
exec python3 "$(dirname "$(readlink -f "$0")")/port.py" "$@"
