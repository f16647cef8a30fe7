#!/usr/bin/env bash
# Remote execution for real: tests/sample built against Bazel's own reference remote worker (a Remote Execution API
# server: CAS, action cache and execution on one gRPC port; remote_worker.sh builds and starts it), with its
# sandboxing on, and the prebuilt (release) tools, as a team rolling out remote execution would check it:
#  1. cold build, empty remote CAS: every ChrononCompile action executed remotely (read from the execution log,
#     spawn by spawn, not from Bazel's summary line) and every conf byte-identical to compile.py's goldens;
#  2. `bazel clean`, rebuild: every spawn a remote cache hit, 0 executed, the confs still identical;
#  3. one GroupBy edited: exactly it and the Joins that use it (found from the textprotos' refs, not from Bazel)
#     executed remotely;
#  4. deliberately broken rules: an action reading an undeclared input, and one writing outside its directory, both
#     succeed as local spawns (so this can fail) and fail on the remote executor;
#  5. which tool runs where: with an execution platform of another CPU registered first, the compiles take that
#     platform's tools and `.update`, `.plan` and `_test` (which run here) the host's.
# The workspace keeps its .bazelrc (README's: persistent workers, 32 jobs); the remote flags are what a user adds.
# No --disk_cache: the remote worker is the only cache in play.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/remote_worker.sh"

tmp=$(mktemp -d)
ws=$tmp/sample
cleanup() {
  (cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true
  stop_remote_worker
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$ws"
(cd "$ROOT/tests/sample" && tar --exclude='./bazel-*' -cf - .) | (cd "$ws" && tar -xf -)
sed -i "s|path = \"\\.\\./\\.\\.\"|path = \"$ROOT\"|" "$ws/WORKSPACE"
grep -q "path = \"$ROOT\"" "$ws/WORKSPACE" || fail "could not point the sample's WORKSPACE at $ROOT"
use_release_toolchain "$ws"

# The worker's sandbox (Bazel's linux-sandbox): the file system read-only except the worker's work directory (each
# action runs in a directory of its own there, holding its declared inputs only), no network. (No
# --sandboxing_tmpfs_dir=/tmp: the work directory is under /tmp, and linux-sandbox refuses a working directory
# below a tmpfs mount.)
start_remote_worker "$tmp/worker" --sandboxing --sandboxing_writable_path="$tmp/worker/work" \
  --sandboxing_block_network
echo "remote worker (pid $remote_worker_pid, sandboxing on) at $remote_worker_url"
cat >>"$ws/.bazelrc" <<RC
build:remote --remote_executor=$remote_worker_url
RC

# spawns LOG: one line per spawn of the build that wrote LOG: <mnemonic> <executed|hit> <runner> <label>.
spawns() {
  python3 - "$1" <<'PY'
import json, re, sys
text, decoder, pos = open(sys.argv[1]).read(), json.JSONDecoder(), 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    label = re.search(r"(//\S*)$", spawn.get("progressMessage", ""))
    print(spawn.get("mnemonic", "?"), "hit" if spawn.get("remoteCacheHit") else "executed",
          spawn.get("runner", "?").replace(" ", "_"), label.group(1) if label else "?")
PY
}

# build NAME [ARGS...]: `bazel build --config=remote //...` with an execution log; NAME.spawns lists its spawns.
build() {
  local name=$1
  shift
  (cd "$ws" && bazel build --config=remote --execution_log_json_file="$tmp/$name.log" "$@" //... \
    >"$tmp/$name.out" 2>&1) || { cat "$tmp/$name.out" >&2; fail "the $name build failed"; }
  spawns "$tmp/$name.log" >"$tmp/$name.spawns"
  echo "$name: $(grep -o '[0-9]* processes:.*' "$tmp/$name.out" || echo '(no summary line)')"
  echo "$name: spawns by mnemonic, result and runner (execution log):"
  awk '{print $1, $2, $3}' "$tmp/$name.spawns" | sort | uniq -c | sed 's/^/  /'
}

# goldens NAME: every conf compile.py wrote for the sample, byte for byte against bazel-bin/production/.
goldens() {
  local bin rel total=0 same=0
  bin=$(cd "$ws" && bazel info --config=remote bazel-bin 2>/dev/null)
  while IFS= read -r rel; do
    total=$((total + 1))
    if cmp -s "$GOLDENS/sample/expected/$rel" "$bin/production/$rel"; then
      same=$((same + 1))
    else
      echo "differs or missing: $rel"
    fi
  done < <(cd "$GOLDENS/sample/expected" && find . -type f | sed 's#^\./##' | sort)
  echo "$1: $same/$total confs identical to compile.py's"
  ((total == 49 && same == 49)) || fail "$1: $((total - same)) of $total confs differ from the goldens"
}

# --- 1. cold build on the remote executor
build cold
definitions=$(find "$ws" -name '*.textproto' ! -path '*/bazel-*' | wc -l)
compiles=$(grep -c '^ChrononCompile ' "$tmp/cold.spawns" || true)
remote=$(grep -c '^ChrononCompile executed remote ' "$tmp/cold.spawns" || true)
echo "cold: $remote of $compiles ChrononCompile actions executed remotely ($definitions definitions)"
((compiles == definitions)) || fail "cold: $compiles ChrononCompile actions for $definitions definitions"
((remote == compiles)) || {
  grep '^ChrononCompile ' "$tmp/cold.spawns" | grep -v ' executed remote ' >&2
  fail "cold: $((compiles - remote)) ChrononCompile action(s) did not execute remotely (above)"
}
goldens cold

# --- 2. clean rebuild: everything from the remote cache
(cd "$ws" && bazel clean 2>/dev/null)
build clean
total=$(grep -c . "$tmp/clean.spawns" || true)
hits=$(grep -c '^[^ ]* hit ' "$tmp/clean.spawns" || true)
compiles=$(grep -c '^ChrononCompile ' "$tmp/clean.spawns" || true)
echo "clean: $hits of $total spawns remote cache hits, $((total - hits)) executed ($compiles ChrononCompile)"
((compiles == definitions)) || fail "clean: $compiles ChrononCompile spawns for $definitions definitions"
((hits == total)) || {
  grep -v '^[^ ]* hit ' "$tmp/clean.spawns" >&2
  fail "clean: $((total - hits)) spawn(s) executed instead of coming from the remote cache (above)"
}
goldens clean

# --- 3. one GroupBy edited: it and the Joins that use it, directly or through a Join, and nothing else
GB=//group_bys/unit_test:event_sample_group_by.v1
gb_file=$ws/group_bys/unit_test/event_sample_group_by.v1.textproto
sed -i 's/operation: SUM/operation: COUNT/' "$gb_file"
grep -q 'operation: COUNT' "$gb_file" || fail "the GroupBy edit did not apply"
expected=$(python3 - "$ws" "$GB" <<'PY'
import os, re, sys
ws, changed = sys.argv[1], {sys.argv[2]}
refs = {}
for d, _, files in os.walk(ws):
    if "/bazel-" in d + "/":
        continue
    for f in files:
        if f.endswith(".textproto"):
            label = "//%s:%s" % (os.path.relpath(d, ws), f[: -len(".textproto")])
            refs[label] = set(re.findall(r'ref: "(//[^"]+)"', open(os.path.join(d, f)).read()))
while True:
    more = {l for l, r in refs.items() if l.startswith("//joins/") and r & changed} - changed
    if not more:
        break
    changed |= more
print("\n".join(sorted(changed)))
PY
)
build edit
ran=$(awk '$1 == "ChrononCompile" {print $4}' "$tmp/edit.spawns" | sort)
remote=$(awk '$1 == "ChrononCompile" && $2 == "executed" && $3 == "remote" {print $4}' "$tmp/edit.spawns" | sort)
echo "edit: ChrononCompile ran for: $(echo $ran)"
[[ $ran == "$expected" ]] || fail "edit of $GB: expected exactly these to run: $(echo $expected)"
[[ $remote == "$expected" ]] || fail "edit of $GB: not every one executed remotely"
echo "edit: exactly $GB and its $(($(grep -c . <<<"$expected") - 1)) Joins executed remotely"

# --- 4. deliberately broken rules
mkdir -p "$ws/broken"
echo "not declared" >"$ws/broken/undeclared.txt"
cat >"$ws/broken/defs.bzl" <<'BZL'
"""Rules that break the remote-execution contract on purpose."""

def _undeclared_input(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".out")

    # Reads a source file it does not declare: found in the local execroot, absent from the remote input tree.
    ctx.actions.run_shell(
        outputs = [out],
        command = "cat broken/undeclared.txt > " + out.path,
        mnemonic = "UndeclaredInput",
    )
    return [DefaultInfo(files = depset([out]))]

undeclared_input = rule(implementation = _undeclared_input)

def _writes_outside(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".out")

    # Writes to an absolute path outside its own directory: the remote worker's sandbox makes it read-only.
    ctx.actions.run_shell(
        outputs = [out],
        command = "echo leaked > %s && touch %s" % (ctx.attr.path, out.path),
        mnemonic = "WritesOutside",
    )
    return [DefaultInfo(files = depset([out]))]

writes_outside = rule(
    implementation = _writes_outside,
    attrs = {"path": attr.string()},
)
BZL
cat >"$ws/broken/BUILD" <<BUILD
load(":defs.bzl", "undeclared_input", "writes_outside")

undeclared_input(
    name = "undeclared_input",
    tags = ["manual"],
)

writes_outside(
    name = "writes_outside",
    path = "$tmp/leaked",
    tags = ["manual"],
)
BUILD
# The remote build first: a local success would leave an up-to-date output that the remote build would not rerun.
for target in undeclared_input writes_outside; do
  rm -f "$tmp/leaked"
  if (cd "$ws" && bazel build --config=remote "//broken:$target" >"$tmp/$target.remote" 2>&1); then
    fail "//broken:$target built on the remote executor"
  fi
  grep -q -E 'No such file|Read-only file system' "$tmp/$target.remote" ||
    { cat "$tmp/$target.remote" >&2; fail "//broken:$target failed remotely, but not for the reason expected"; }
  [[ ! -e $tmp/leaked ]] || fail "//broken:$target: the remote action wrote $tmp/leaked"
  (cd "$ws" && bazel build --spawn_strategy=local "//broken:$target" >"$tmp/$target.local" 2>&1) ||
    { cat "$tmp/$target.local" >&2; fail "//broken:$target fails even as a local spawn: it shows nothing"; }
  echo "//broken:$target: fails on the remote executor ($(grep -o -m1 -E '(No such file or directory|Read-only file system)' "$tmp/$target.remote")), builds as a local spawn"
done
[[ -e $tmp/leaked ]] || fail "the local spawn of //broken:writes_outside did not write $tmp/leaked"

# --- 5. which tool runs where, when the executor's platform differs from the host's. One machine cannot have two
# platforms, so this is checked on the choice Bazel makes: an execution platform `executor` (linux aarch64, registered
# first, as a team's remote platform is) and two toolchains over copies of the same binaries, `exec/` for the
# executor and `host/` for this machine (linux x86_64). The compiles and the `.columns` listing must take the
# executor's tools; `.update`, `.plan` and `_test`, which run here, the host's. (The actions run locally: the copies
# are x86_64 whatever the platform says.)
sed -i '/extra_toolchains=\/\/release_tools:toolchain/d' "$ws/.bazelrc"
mkdir -p "$ws/split/exec" "$ws/split/host"
cp "$ws/release_tools/chronon_compiler" "$ws/release_tools/chronon_conf_tool" "$ws/split/exec/"
cp "$ws/release_tools/chronon_compiler" "$ws/release_tools/chronon_conf_tool" "$ws/split/host/"
cat >"$ws/split/BUILD" <<'BUILD'
load("@rules_chronon//rules:defs.bzl", "chronon_toolchain")

platform(
    name = "executor",
    constraint_values = [
        "@platforms//os:linux",
        "@platforms//cpu:aarch64",
    ],
)

[chronon_toolchain(
    name = where + "_tools",
    compiler = where + "/chronon_compiler",
    conf_tool = where + "/chronon_conf_tool",
) for where in ("exec", "host")]

toolchain(
    name = "exec",
    exec_compatible_with = [
        "@platforms//os:linux",
        "@platforms//cpu:aarch64",
    ],
    toolchain = ":exec_tools",
    toolchain_type = "@rules_chronon//chronon/toolchain:toolchain_type",
)

toolchain(
    name = "host",
    exec_compatible_with = [
        "@platforms//os:linux",
        "@platforms//cpu:x86_64",
    ],
    toolchain = ":host_tools",
    toolchain_type = "@rules_chronon//chronon/toolchain:toolchain_type",
)
BUILD
columns=//joins/unit_test:sample_join.v1.columns
(cd "$ws" && bazel build --extra_execution_platforms=//split:executor --extra_toolchains=//split:exec,//split:host \
  --execution_log_json_file="$tmp/split.log" //:production.update //:production.plan //:production_test "$columns" \
  >"$tmp/split.out" 2>&1) || { cat "$tmp/split.out" >&2; fail "the build with an executor platform failed"; }
python3 - "$tmp/split.log" >"$tmp/split.tools" <<'PY'
import collections, json, sys
text, decoder, pos, tools = open(sys.argv[1]).read(), json.JSONDecoder(), 0, collections.Counter()
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    if spawn.get("mnemonic", "").startswith("Chronon"):
        tools["%s %s" % (spawn["mnemonic"], spawn["commandArgs"][0])] += 1
for tool, n in sorted(tools.items()):
    print(n, tool)
PY
sed 's/^/split: /' "$tmp/split.tools"
grep -q ' ChrononCompile split/exec/chronon_compiler$' "$tmp/split.tools" || fail "the compiles did not take the executor's compiler"
grep -q ' ChrononColumns split/exec/chronon_conf_tool$' "$tmp/split.tools" || fail "the columns listing did not take the executor's conf tool"
! grep -q ' split/host/' "$tmp/split.tools" || fail "a build action took the host's tools"
bin=$(cd "$ws" && bazel info bazel-bin 2>/dev/null)
for launcher in production.update.sh production.plan.sh production_test.sh; do
  tool=$(grep -o 'split/[a-z]*/chronon_conf_tool' "$bin/$launcher" || true)
  echo "split: //:${launcher%.sh} runs $tool"
  [[ $tool == split/host/chronon_conf_tool ]] || fail "//:${launcher%.sh} runs $tool, not the host's conf tool"
done
