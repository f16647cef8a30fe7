#!/usr/bin/env bash
# The rewriter's unit tests (port_test.py) with the system python3.
set -euo pipefail
exec python3 "$(dirname "$(readlink -f "$0")")/port_test.py"
