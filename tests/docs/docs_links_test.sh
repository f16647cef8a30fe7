#!/usr/bin/env bash
# README.md is a front page and docs/ holds together: see docs_links_test.py.
set -euo pipefail
exec python3 "$(dirname "$0")/docs_links_test.py" "$@"
