#!/usr/bin/env bash
# Writes the fuzz seed corpus to DIR: one input per definition of examples/, tests/sample/ and tests/errors/, in
# compile_fuzzer.cc's format (kind, label, name, textproto, then the summaries of the targets it references, as
# Bazel built them). usage: make_corpus.sh DIR
set -euo pipefail
source "$(dirname "$0")/../integration/lib.sh"
corpus=$1
mkdir -p "$corpus"
summaries=$(mktemp -d)
trap 'rm -rf "$summaries"' EXIT

# label -> summary file, from a build of each workspace.
declare -A summary_of
for ws in examples tests/sample; do
  bazel_in "$ROOT/$ws" build //... >/dev/null 2>&1 || fail "cannot build $ws"
  bin=$(cd "$ROOT/$ws" && bazel info bazel-bin 2>/dev/null)
  while IFS= read -r f; do
    summary_of[$ws$(jq -r .label "$f")]=$f
  done < <(find -L "$bin" -name '*.chronon.json' -not -path '*/external/*')
done

# seed WS KIND LABEL NAME SRC: the definition plus the summary of every label it references.
# Labels are looked up as WS//pkg:name (WS: the workspace's directory).
seed() {
  local ws=$1 kind=$2 label=$3 name=$4 src=$5 pkg=${3%%:*} out
  out="$corpus/$(echo "$ws$label" | tr -c 'A-Za-z0-9._\n' _)"
  { printf '%s\n%s\n%s\n' "$kind" "$label" "$name"; cat "$src"; } >"$out"
  { grep -oE '(ref|staging_query): "[^"]*"' "$src" || true; } | sed -E 's/^[a-z_]+: "(.*)"$/\1/' | sort -u |
    while IFS= read -r ref; do
      [[ $ref == :* ]] && ref=$pkg$ref
      if [[ -n ${summary_of[$ws$ref]:-} ]]; then printf '\0' >>"$out" && cat "${summary_of[$ws$ref]}" >>"$out"; fi
    done
}

count=0
for ws in examples tests/sample; do
  while IFS= read -r src; do
    rel=${src#"$ROOT/$ws/"}
    pkg=$(dirname "$rel") target=$(basename "$rel" .textproto)
    case $pkg in
      sources*) kind=source name="" ;;
      group_bys/*) kind=group_by ;;
      joins/*) kind=join ;;
      staging_queries/*) kind=staging_query ;;
      *) continue ;;
    esac
    if [[ $kind != source ]]; then
      sub=${pkg#*/}
      name="${sub//\//.}.$target"
    fi
    seed "$ws" "$kind" "//$pkg:$target" "$name" "$src"
    count=$((count + 1))
  done < <(find "$ROOT/$ws" -name '*.textproto' -not -path '*/bazel-*' | sort)
done

# The failure goldens: each is one mistake, which is what the fuzzer should start from too.
errors_source="$summaries/website__views.chronon.json"
release_tools
(cd "$ROOT" && "$tools_bin/chronon_compiler" --kind=source --label=//tests/errors:website__views \
    --src=tests/errors/source.textproto --teams=tests/errors/teams.json --out_summary="$errors_source")
summary_of["tests/errors//tests/errors:website__views"]=$errors_source
for src in "$ROOT"/tests/errors/*.textproto; do
  case $(basename "$src") in source.textproto | entities.textproto) continue ;; esac
  id=$(basename "$src" .textproto)
  kind=$(grep -A2 "name = \"$id\"" "$ROOT/tests/errors/BUILD" | sed -n 's/.*kind = "\(.*\)".*/\1/p' | head -n 1)
  seed tests/errors "${kind:-group_by}" "//tests/errors:$id" "example_team.$id.v1" "$src"
  count=$((count + 1))
done
# chronon_module values (repr() of python.bzl values, as the rules pass them in --src_value).
for src in "$(dirname "$0")"/starlark_values/*; do
  cp "$src" "$corpus/starlark_value_$(basename "$src")"
  count=$((count + 1))
done
echo "fuzz corpus: $count seeds in $corpus"
