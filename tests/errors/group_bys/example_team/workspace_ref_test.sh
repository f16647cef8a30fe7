#!/usr/bin/env bash
# `ref: "@rules_chronon//tests/errors:website__views"` names the main repository by its own workspace name: it
# compiles as "//tests/errors:website__views" (no endless "add it to deps"), and the conf reads that source.
set -euo pipefail
for f in "$@"; do
  case $f in
    */production/*)
      grep -q '"table": "namespace.table"' "$f" || { echo "FAIL: $f does not read the referenced source"; exit 1; }
      echo "ok: $f"
      exit 0
      ;;
  esac
done
echo "FAIL: no conf among $*"
exit 1
