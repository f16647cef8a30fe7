#!/usr/bin/env bash
# Input is data, never executed: a definition full of strings that look like shell, templates or paths compiles,
# each string appears verbatim in the engine JSON, nothing is created, deleted or run, and (traced with strace) the
# compiler starts no process, opens for reading only the files named on its command line (besides its shared
# libraries) and for writing only its declared outputs (through `<output>.tmp` and a rename).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
release_tools
compiler=$tools_bin/chronon_compiler
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo keep >canary
cp "$ROOT/tests/errors/teams.json" teams.json
hostile=(
  "\$(touch $work/pwned_dollar)"
  "\`touch $work/pwned_backtick\`"
  "; rm -rf $work/canary"
  "&& touch $work/pwned_and ||"
  "{{ ds }} {{ touch('$work/pwned_template') }}"
  "\${HOME} %(user)s %s {0}"
  "../../../../etc/passwd"
  "$work/canary"
  "| sh -c id > $work/pwned_pipe"
)
{
  echo 'events { table: "../../../../etc/shadow" query {'
  for i in "${!hostile[@]}"; do printf '  selects { key: "c%d" value: "%s" }\n' "$i" "${hostile[$i]}"; done
  echo '  start_partition: "2023-01-01" time_column: "ts" } }'
} >source.textproto
{
  echo 'sources { ref: "//sources:hostile" }'
  echo 'key_columns: "c0"'
  echo 'aggregations { input_column: "c1" operation: LAST }'
  echo 'helper {'
  for s in "${hostile[@]}"; do printf '  dependencies: "%s"\n' "$s"; done
  echo '}'
  echo 'meta_data {'
  for i in "${!hostile[@]}"; do printf '  mode_to_env_map { key: "m%d" value { key: "K" value: "%s" } }\n' "$i" "${hostile[$i]}"; done
  echo '}'
} >gb.textproto
before=$(find . | sort)

trace=()
command -v strace >/dev/null && trace=(strace -f -qq -o trace -e trace=execve,vfork,fork,clone,clone3,open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,symlink,link)
"$compiler" --kind=source --label=//sources:hostile --src=source.textproto --teams=teams.json --out_summary=source.json
"${trace[@]}" "$compiler" --kind=group_by --label=//group_bys/example_team:hostile.v1 --name=example_team.hostile.v1 \
  --src=gb.textproto --teams=teams.json --dep=source.json --out_conf=conf.json --out_summary=gb.json

[[ $(cat canary) == keep ]] || fail "the canary was touched"
ls "$work" | grep -q pwned && fail "a string was executed: $(ls "$work" | grep pwned)"
after=$(find . | sort)
[[ $after == "$(printf '%s\n' "$before" ./conf.json ./gb.json ./source.json ${trace[@]+./trace} | sort)" ]] ||
  fail "unexpected files: $(diff <(echo "$before") <(echo "$after"))"
for s in "${hostile[@]}"; do
  grep -qF -- "\"$s\"" conf.json || fail "not written verbatim as data: $s"
done
grep -qF '"table": "../../../../etc/shadow"' conf.json || fail "the ../ table name was not kept as data"
if ((${#trace[@]})); then
  execs=$(grep -c 'execve(' trace)
  [[ $execs -eq 1 ]] || { grep -E 'execve|fork|clone' trace; fail "the compiler started a process"; }
  ! grep -qE '(v?fork|clone3?)\(' trace || { grep -E 'fork|clone' trace; fail "the compiler forked"; }
  opened=$(grep -oE 'open(at)?\([^"]*"[^"]*"' trace | sed -E 's/.*"(.*)"/\1/' | grep -vE '^(/etc/ld\.so\.cache|/lib/|/usr/lib/|/lib64/)' | sort -u)
  [[ $opened == "$(printf '%s\n' conf.json.tmp gb.json.tmp gb.textproto source.json teams.json | sort)" ]] ||
    fail "the compiler opened files it was not given: $opened"
  written=$(grep -E 'open(at)?\(.*O_(WRONLY|RDWR|CREAT)' trace | grep -oE '"[^"]*"' | tr -d '"' | sort -u)
  [[ $written == "$(printf '%s\n' conf.json.tmp gb.json.tmp)" ]] || fail "the compiler wrote to: $written"
  echo "strace: 1 execve (the compiler), no fork; opened: $(echo $opened)"
fi
echo "never executes input: ${#hostile[@]} hostile strings written verbatim as data; nothing created, run or deleted"
