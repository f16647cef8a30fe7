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

# The porting tool (tools/port, docs/port.md) reads Python with a parser and never runs it. A repo whose modules
# would leave a marker file if Python ran them: at top level, in an `__init__.py`, in a `def` called at top level,
# in a default argument, and in a sitecustomize.py next to them. Refused (exit 1), nothing is created; a portable
# module whose strings are Python code ports (exit 0) with the strings as data. Traced, the tool starts no process.
port_py=$ROOT/tools/port/port.py
# The interpreter itself (python3 may be a shim script that starts processes of its own).
python=$(python3 -c 'import sys; print(sys.executable)')
prepo=$work/port_repo
mkdir -p "$prepo/group_bys/t" "$prepo/sources"
cp "$ROOT/tests/goldens/seed/python/teams.json" "$prepo/teams.json"
cp -a "$ROOT/tests/goldens/seed/python/sources/." "$prepo/sources/"
cp "$ROOT/tests/goldens/seed/python/group_bys/example_team/example_group_by.py" "$prepo/group_bys/t/portable.py"
cat >>"$prepo/group_bys/t/portable.py" <<PY
shell = ["__import__('os').system('touch $work/pwned_port_string')", "\$(touch $work/pwned_port_shell)"]
PY
cat >"$prepo/group_bys/t/hostile.py" <<PY
import os
os.system("touch $work/pwned_port_toplevel")
open("$work/pwned_port_open", "w").write("x")
def side(path="$work/pwned_port_default", made=__import__("os").system("touch $work/pwned_port_import")):
    return path
side()
PY
echo "import os; os.system('touch $work/pwned_port_init')" >"$prepo/group_bys/__init__.py"
echo "open('$work/pwned_port_site', 'w')" >"$prepo/sitecustomize.py"
ptrace=()
command -v strace >/dev/null && ptrace=(strace -f -qq -o "$work/port_trace" -e trace=execve,vfork,fork,clone,clone3)
status=0
(cd "$prepo" && "${ptrace[@]}" "$python" "$port_py" --from=. --to="$work/port_out" --rules="$ROOT") \
  >"$work/port.log" 2>&1 || status=$?
[[ $status -eq 1 && ! -e $work/port_out ]] || { cat "$work/port.log"; fail "port: the hostile repo exited $status, not 1 with nothing written"; }
grep -q 'group_bys/t/hostile.py:1:1: error: ' "$work/port.log" || { cat "$work/port.log"; fail "port: import os not refused"; }
grep -q '__init__.py:1:1: error: ' "$work/port.log" || fail "port: the __init__.py with code was not refused"
ls "$work" | grep -q pwned && fail "port: the Python was executed: $(ls "$work" | grep pwned)"
if ((${#ptrace[@]})); then
  [[ $(grep -c 'execve(' "$work/port_trace") -eq 1 ]] || { grep execve "$work/port_trace" | head; fail "port: the tool started a process"; }
  ! grep -qE '(v?fork|clone3?)\(' "$work/port_trace" || fail "port: the tool forked"
fi
rm "$prepo/group_bys/t/hostile.py" "$prepo/group_bys/__init__.py"
(cd "$prepo" && "$python" "$port_py" --from=. --to="$work/port_out" --rules="$ROOT") >"$work/port.log" 2>&1 ||
  { cat "$work/port.log"; fail "port: the portable module was not ported"; }
ls "$work" | grep -q pwned && fail "port: the Python was executed: $(ls "$work" | grep pwned)"
grep -qF "\"__import__('os').system('touch $work/pwned_port_string')\"" "$work/port_out/group_bys/t/portable.bzl" ||
  fail "port: a string of Python code was not kept as data"
echo "never executes input: the porting tool refuses the hostile Python and runs none of it (no marker, no process)"
