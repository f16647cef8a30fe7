#!/usr/bin/env bash
# Forward compatibility: `--config=future` turns on the Bazel 4.2.3 flags whose behaviour Bazel 6, 7 and 8 made the
# default (.bazelrc). With it, this workspace's tests, examples/ (built, tested, compared with compile.py's output)
# and tests/sample (built, compared) must pass, and no rule may use an API that Bazel 7 or 8 removed. The three
# .bazelrc files must carry the same `build:future` lines.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

future_lines() { grep '^build:future ' "$1" | sort; }
[[ $(future_lines "$ROOT/.bazelrc" | wc -l) -ge 11 ]] || fail ".bazelrc has no build:future config"
for rc in examples/.bazelrc tests/sample/.bazelrc; do
  diff <(future_lines "$ROOT/.bazelrc") <(future_lines "$ROOT/$rc") || fail "$rc's build:future differs from .bazelrc's"
done

# APIs that Bazel 7/8 removed: the host configuration (struct providers are refused by
# --incompatible_disallow_struct_provider_syntax in the builds below).
if grep -rn -E 'cfg *= *"host"|host_configuration|host_fragments' --include='*.bzl' --include=BUILD \
  "$ROOT/rules" "$ROOT/toolchains" "$ROOT/chronon" "$ROOT/tests"; then
  fail "the lines above use an API that Bazel 7 or 8 removed"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Under the sanitizers, as tests/run_all.sh runs this workspace's tests: the same actions, so nothing is built twice.
bazel_in "$ROOT" test --config=future --config=sanitize //... >"$out" 2>&1 ||
  { tail -n 30 "$out" >&2; fail "bazel test --config=future --config=sanitize //... failed"; }
echo "rules_chronon: $(grep -o 'Executed .*' "$out")"

bazel_in "$ROOT/examples" test --config=future //... >"$out" 2>&1 || { tail -n 30 "$out" >&2; fail "examples/: bazel test --config=future //... failed"; }
bin=$(cd "$ROOT/examples" && bazel info --config=future bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin/production/$rel" || fail "examples/: $rel differs from compile.py's output"
done
echo "examples/: built and tested with --config=future, 2/2 identical to compile.py's output"

bazel_in "$ROOT/tests/sample" build --config=future //... >"$out" 2>&1 || { tail -n 30 "$out" >&2; fail "tests/sample: bazel build --config=future //... failed"; }
bin=$(cd "$ROOT/tests/sample" && bazel info --config=future bazel-bin 2>/dev/null)
count=0
while IFS= read -r -d '' golden; do
  rel=${golden#"$GOLDENS/sample/expected/"}
  cmp "$golden" "$bin/production/$rel" || fail "tests/sample: $rel differs from compile.py's output"
  count=$((count + 1))
done < <(find "$GOLDENS/sample/expected" -type f -print0)
((count > 0)) || fail "no sample goldens"
echo "tests/sample: built with --config=future, $count/$count identical to compile.py's output"
