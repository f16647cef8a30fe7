#!/usr/bin/env bash
# Large and hostile inputs, generated here (nothing big is checked in) and compiled by chronon_compiler directly:
# each must succeed in bounded time and memory, or fail with one clean diagnostic and no output. Prints a table of
# wall time and peak memory (docs/reliability.md, "Large and hostile inputs", records it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# The release build (what users run, and what the figures of docs/reliability.md are of).
release_tools
compiler=$tools_bin/chronon_compiler
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ROOT/tests/errors/teams.json" "$work/teams.json"
gen() { /usr/bin/python3 - "$work" "$@"; }
MAX_SECONDS=${MAX_SECONDS:-20}
MAX_MB=${MAX_MB:-1024}
report=()

# compile NAME EXPECT KIND LABEL CHRONON_NAME SRC [DEP...]: EXPECT is ok or a diagnostic id.
compile() {
  local case=$1 expect=$2 kind=$3 label=$4 name=$5 src=$6
  shift 6
  local deps=() d
  for d in "$@"; do deps+=("--dep=$d"); done
  local out=$work/out/$case
  mkdir -p "$out"
  local status=0
  # Run from $work with relative paths, as Bazel does from the execroot.
  (cd "$work" && /usr/bin/time -f '%e %M' -o "$out/time" "$compiler" --kind="$kind" --label="$label" \
    --name="$name" --src="${src#"$work/"}" --teams=teams.json ${deps[@]+"${deps[@]#"$work/"}"} \
    --out_conf="${out#"$work/"}/conf" --out_summary="${out#"$work/"}/summary") 2>"$out/stderr" || status=$?
  read -r seconds kb < <(tail -n 1 "$out/time")
  local mb=$((kb / 1024))
  if [[ $expect == ok ]]; then
    [[ $status -eq 0 ]] || { head -c 2000 "$out/stderr"; fail "$case: exit $status, want 0"; }
    [[ -s $out/summary ]] || fail "$case: no summary"
  else
    [[ $status -eq 1 ]] || { head -c 2000 "$out/stderr"; fail "$case: exit $status, want 1 ($expect)"; }
    grep -q "^${src#"$work/"}:[0-9]*:[0-9]*: error: .* \[$expect\]\$" "$out/stderr" ||
      { head -c 2000 "$out/stderr"; fail "$case: no [$expect] diagnostic"; }
    [[ ! -e $out/conf && ! -e $out/summary ]] || fail "$case: an output was written"
  fi
  awk -v s="$seconds" -v m="$MAX_SECONDS" 'BEGIN { exit !(s <= m) }' || fail "$case took ${seconds}s (max $MAX_SECONDS)"
  ((mb <= MAX_MB)) || fail "$case used ${mb} MB (max $MAX_MB)"
  local size
  size=$(stat -c %s "$src")
  report+=("$(printf '| %-34s | %9s | %-20s | %6s s | %5s MB |' "$case" "$((size / 1024)) KB" \
    "$([[ $expect == ok ]] && echo "ok, $(($(stat -c %s "$out/conf" 2>/dev/null || echo 0) / 1024)) KB JSON" || echo "[$expect]")" "$seconds" "$mb")")
}

cat >"$work/events.textproto" <<'P'
events { table: "db.events" topic: "events_topic" query { selects { key: "user" value: "user_id" } start_partition: "2023-01-01" time_column: "ts" } }
P
compile source ok source //sources:events "" "$work/events.textproto"
report=()
events=$work/out/source/summary

# 1. A 10 MB textproto: a GroupBy with 5,000 aggregations over 5,000 selected columns with 2 KB expressions. (How cost
# grows with the columns of one object: linear_cost_test.sh.)
gen <<'P'
import sys
n = 5000
with open(sys.argv[1] + "/big.textproto", "w") as f:
    f.write('sources { events { table: "db.big" query {\n')
    for i in range(n):
        f.write('  selects { key: "col_%d" value: "%s" }\n' % (i, "coalesce(col_%d, 0) + " % i * 100 + "1"))
    f.write('  start_partition: "2023-01-01" time_column: "ts" } } }\nkey_columns: "col_0"\n')
    for i in range(n):
        f.write('aggregations { input_column: "col_%d" operation: SUM windows { length: %d time_unit: DAYS } '
                'windows { length: 30 time_unit: DAYS } }\n' % (i, i % 7 + 1))
    size = f.tell()
    assert size >= 10 * 1024 * 1024, size
P
compile 10mb-textproto ok group_by //group_bys/example_team:big.v1 example_team.big.v1 "$work/big.textproto"

# 2. A Join with 2,000 parts (inline GroupBys).
gen <<'P'
import sys
with open(sys.argv[1] + "/wide.textproto", "w") as f:
    f.write('left { ref: "//sources:events" }\n')
    for i in range(2000):
        f.write('join_parts { prefix: "p%d" group_by { meta_data { name: "example_team.gb_%d" } '
                'sources { ref: "//sources:events" } key_columns: "user" '
                'aggregations { input_column: "user" operation: COUNT windows { length: 7 time_unit: DAYS } } } }\n' % (i, i))
P
compile join-2000-parts ok join //joins/example_team:wide.v1 example_team.wide.v1 "$work/wide.textproto" "$events"

# 3. A JoinSource chain 50 deep: join_i's part reads a JoinSource over join_{i-1}.
prev=""
chain_deps=("$events")
for i in $(seq 0 49); do
  {
    echo 'left { ref: "//sources:events" }'
    if [[ -n $prev ]]; then
      echo "join_parts { group_by { meta_data { name: \"example_team.chain_gb_$i\" } sources { join_source { join { ref: \"$prev\" }"
      echo '  query { selects { key: "user" value: "user" } time_column: "ts" } } } key_columns: "user"'
      echo '  aggregations { input_column: "user" operation: LAST } } }'
    else
      echo 'join_parts { group_by { meta_data { name: "example_team.chain_gb_0" } sources { ref: "//sources:events" } key_columns: "user" aggregations { input_column: "user" operation: COUNT } } }'
    fi
  } >"$work/chain_$i.textproto"
  case=chain-$i
  [[ $i -eq 49 ]] && case=joinsource-chain-50-deep
  compile "$case" ok join "//joins/example_team:chain_$i.v1" "example_team.chain_$i.v1" "$work/chain_$i.textproto" "${chain_deps[@]}"
  [[ $i -eq 49 ]] || unset 'report[${#report[@]}-1]'
  chain_deps=("$events" "$work/out/$case/summary")
  prev="//joins/example_team:chain_$i.v1"
done

# 4. Very long strings: a 5 MB select expression and a 1 MB key column (names go through identifier checks).
gen <<'P'
import sys
with open(sys.argv[1] + "/long_string.textproto", "w") as f:
    f.write('sources { events { table: "db.t" query { selects { key: "user" value: "%s" } '
            'start_partition: "2023-01-01" time_column: "ts" } } }\n' % ("concat(a, b) " * 400000))
    f.write('key_columns: "user"\naggregations { input_column: "user" operation: COUNT }\n')
with open(sys.argv[1] + "/long_name.textproto", "w") as f:
    name = "c" * (1024 * 1024)
    f.write('sources { events { table: "db.t" query { selects { key: "%s" value: "x" } '
            'start_partition: "2023-01-01" time_column: "ts" } } }\n' % name)
    f.write('key_columns: "%s"\naggregations { input_column: "%s" operation: COUNT }\n' % (name, name))
with open(sys.argv[1] + "/long_query.textproto", "w") as f:
    f.write('query: "SELECT * FROM t WHERE ds BETWEEN {{%s start_date }} AND {{ end_date }}"\n' % (" " * 1000000))
    f.write('start_partition: "2023-01-01"\n')
P
compile long-string-5mb ok group_by //group_bys/example_team:long.v1 example_team.long.v1 "$work/long_string.textproto"
compile long-column-name-1mb ok group_by //group_bys/example_team:long_name.v1 example_team.long_name.v1 "$work/long_name.textproto"
compile long-staging-query-1mb ok staging_query //staging_queries/example_team:q.v1 example_team.q.v1 "$work/long_query.textproto"

# 5. Deeply nested messages: 1,000 levels of Join -> Source -> JoinSource -> Join, and of JSON lists in tags.
gen <<'P'
import sys
with open(sys.argv[1] + "/deep.textproto", "w") as f:
    f.write("left { join_source { join { " * 1000 + "} } } " * 1000 + "\n")
with open(sys.argv[1] + "/deep_json.textproto", "w") as f:
    f.write('sources { ref: "//sources:events" } key_columns: "user" aggregations { input_column: "user" operation: COUNT }\n')
    f.write("helper { tags { key: \"t\" list_value { " + "values { list_value { " * 1000 + "} } " * 1000 + "} } }\n")
P
compile nested-1000-messages parse-error join //joins/example_team:deep.v1 example_team.deep.v1 "$work/deep.textproto"
compile nested-1000-json-lists parse-error group_by //group_bys/example_team:deep_json.v1 example_team.deep_json.v1 \
  "$work/deep_json.textproto" "$events"

echo "| input                              |      size | outcome              |   time   | peak RSS |"
echo "|---|---|---|---|---|"
printf '%s\n' "${report[@]}"
