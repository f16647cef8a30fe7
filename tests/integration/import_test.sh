#!/usr/bin/env bash
# The importer (issue 11) on compile.py's own output: the seed goldens (2 files, examples/teams.json) and the sample
# goldens (49 files, tests/sample/teams.json) are each laid out as a Chronon repo (teams.json + production/) and
# imported with `bazel run //tools:import`. Each new workspace is then built by Bazel, and every file it builds must
# be byte-identical to the golden it came from (51/51). Derivable fields must really be gone: a GroupBy whose golden
# has selects and wait_for_ dependencies is written without `selects` and without `helper { dependencies }`, and
# no textproto carries an argMap; //:chronon.fix finds the imported deps in step. A --to that is not empty is refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
workspaces=()
trap cleanup_workspaces EXIT

# The importer as `bazel test --config=sanitize //...` built it (tests/run_all.sh): `bazel run` below runs it too.
bazel_in "$ROOT" build --config=sanitize //tools:import 2>&1 | tail -n 1
importer=$ROOT/bazel-bin/chronon/import/chronon_import
[[ -x $importer ]] || fail "no importer at $importer"

# repo NAME TEAMS GOLDEN: a Chronon repo at $tmp/NAME with TEAMS as teams.json and GOLDEN as production/.
repo() {
  mkdir -p "$tmp/$1"
  cp "$2" "$tmp/$1/teams.json"
  cp -a "$3" "$tmp/$1/production"
}
repo seed "$ROOT/examples/teams.json" "$GOLDENS/seed/expected"
repo sample "$ROOT/tests/sample/teams.json" "$GOLDENS/sample/expected"
# compile.py's output for a teams.json with keys out of alphabetical order at every level and cross-team join
# parts (tests/goldens/crossteam): the importer's verdict must be the build's, order and embedded teams included.
repo crossteam "$GOLDENS/crossteam/python/teams.json" "$GOLDENS/crossteam/expected"

start=$(date +%s.%N)
for name in seed sample crossteam; do
  (cd "$ROOT" && bazel run --config=sanitize --disk_cache="$DISK_CACHE" //tools:import -- --from="$tmp/$name" \
    --to="$tmp/${name}_ws" --rules="$ROOT") 2>/dev/null | tee "$tmp/$name.log"
done
end=$(date +%s.%N)
grep -q '^2/2 identical' "$tmp/seed.log" || fail "the seed import is not 2/2 identical in-process"
grep -q '^49/49 identical' "$tmp/sample.log" || fail "the sample import is not 49/49 identical in-process"
grep -q '^8/8 identical' "$tmp/crossteam.log" || fail "the crossteam import is not 8/8 identical in-process"
# Both forms of a cross-team join part: by name (the Join's team) and through the module (the GroupBy's own).
grep -q 'imported_by_name: true' "$tmp/crossteam_ws/joins/docs_team/by_name.v1.textproto" ||
  fail "by_name.v1 was not imported with imported_by_name"
! grep -q 'imported_by_name' "$tmp/crossteam_ws/joins/docs_team/by_module.v1.textproto" ||
  fail "by_module.v1 was imported with imported_by_name"
echo "import of the 59 goldens (three bazel run, including Bazel's startup): $(echo "$end - $start" | bc) s"

total=0
identical=0
for name in seed sample crossteam; do
  ws=$tmp/${name}_ws
  workspaces+=("$ws")
  bazel_in "$ws" build //... 2>&1 | tail -n 1
  bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
  # The imported tree is checked in, so the build leaves each conf in its package; the manifest lays them out.
  built=$tmp/${name}_built
  manifest_tree "$bin" "$built"
  golden=$tmp/$name/production
  while IFS= read -r rel; do
    total=$((total + 1))
    if [[ -f $built/$rel ]] && cmp -s "$golden/$rel" "$built/$rel"; then
      identical=$((identical + 1))
    else
      echo "differs or missing: $rel"
    fi
  done < <(cd "$golden" && find . -type f | sed 's#^\./##' | sort)
  # Nothing the build wrote that compile.py did not.
  extra=$(cd "$built" && find . -type f | sed 's#^\./##' | sort | comm -13 <(cd "$golden" && find . -type f | sed 's#^\./##' | sort) -)
  [[ -z $extra ]] || fail "the $name workspace builds files compile.py did not write: $extra"
done
echo "import round trip: $identical/$total identical"
[[ $total -eq 59 ]] || fail "expected 59 goldens, found $total"
[[ $identical -eq 59 ]] || fail "$((59 - identical)) imported files differ from compile.py's output"

# Derived fields are dropped: some GroupBy whose golden has selects and wait_for_ dependencies is written with
# neither `selects` nor `dependencies` (its source is a chronon_source it references), and no argMap is written.
bare=0
while IFS= read -r f; do
  rel=${f#*_ws/}
  golden=$tmp/${f%%_ws/*}/production/${rel%.textproto}
  if ! grep -qE 'selects|dependencies' "$tmp/$f" && grep -q '"selects": {' "$golden" && grep -q 'wait_for_' "$golden"; then
    bare=$((bare + 1))
  fi
done < <(cd "$tmp" && find seed_ws/group_bys sample_ws/group_bys -name '*.textproto' | sort)
echo "GroupBys written without selects and dependencies: $bare"
[[ $bare -ge 1 ]] || fail "no GroupBy was written without selects and helper { dependencies }"
if grep -rn 'arg_map' --include='*.textproto' "$tmp/seed_ws" "$tmp/sample_ws"; then
  fail "an argMap was written instead of helper arguments"
fi

# The importer writes the style of tools:format (docs/format.md): clang-format leaves every file it wrote as it is.
for name in seed sample crossteam; do
  BUILD_WORKSPACE_DIRECTORY="$tmp/${name}_ws" "$ROOT/tools/format.sh" --check ||
    fail "the importer's output for $name is not in the format of tools:format"
done

# The deps the importer wrote are exactly the refs of each textproto: //:chronon.fix finds nothing to change.
if [[ ! -x $ROOT/node_modules/.bin/buildozer ]]; then
  (cd "$ROOT" && npm ci --silent --no-audit --no-fund >/dev/null)
fi
bazel_in "$tmp/sample_ws" run //:chronon.fix -- --check 2>/dev/null | tail -n 1 | tee "$tmp/fix.log"
grep -q '^56 Chronon targets, 0 out of step' "$tmp/fix.log" || fail "the imported deps are not what the refs need"

# A --to that is not empty is refused and left alone.
mkdir -p "$tmp/taken" && echo keep >"$tmp/taken/file"
if "$importer" --from="$tmp/seed" --to="$tmp/taken" --rules="$ROOT" 2>"$tmp/taken.err"; then
  fail "the importer wrote into a non-empty directory"
fi
grep -q 'not an empty directory' "$tmp/taken.err" || fail "unexpected refusal: $(cat "$tmp/taken.err")"
[[ $(ls "$tmp/taken") == file && $(cat "$tmp/taken/file") == keep ]] || fail "the non-empty --to was touched"
echo "import: 59/59 identical after a Bazel build, as the importer claimed; derived fields dropped; a non-empty --to refused"
