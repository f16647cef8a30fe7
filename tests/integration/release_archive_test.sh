#!/usr/bin/env bash
# rules_chronon consumed the way users do: tools/release.sh writes the release archive (twice: the same bytes), a
# loopback nginx serves it, and a fresh consumer workspace whose WORKSPACE holds only the printed snippet (the
# http_archive with its sha256 and the setup calls) builds the seed example (examples/' definitions) from an empty
# output base, with no disk or repository cache, byte-identical to compile.py's output. The prebuilt toolchain
# runs: no C++ action exists in the consumer (execution log and aquery), no protobuf or Abseil repository is
# fetched, and the tools are fully static (check_static: file, readelf -d, objdump -T) and run in a chroot that
# holds no libc. A second consumer declares its own rules_cc, bazel_skylib and com_google_protobuf first and keeps
# them. The consumer's production test and a `.columns` target run the prebuilt conf tool.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v nginx >/dev/null || fail "nginx is not installed (setup.sh installs nginx-light)"
tmp=$(mktemp -d)
ws=$tmp/consumer
ws2=$tmp/own_consumer
ob=$tmp/output_base
nginx_pid=
cleanup() {
  (cd "$ws" 2>/dev/null && bazel --output_base="$ob" shutdown 2>/dev/null) || true
  [[ -d $ob.own ]] && { (cd "$ws2" 2>/dev/null && bazel --output_base="$ob.own" shutdown 2>/dev/null) || true; }
  [[ -d $ob.imported ]] && { (cd "$tmp/imported" 2>/dev/null && bazel --output_base="$ob.imported" shutdown 2>/dev/null) || true; }
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- nginx serving $tmp/www on a free loopback port
start_nginx "$tmp/nginx" "$tmp/www"
server=$nginx_url

# --- the release archive, twice
version=$(sed -n 's/^RULES_CHRONON_VERSION = "\(.*\)"$/\1/p' "$ROOT/rules/version.bzl")
name=rules_chronon-$version.tar.gz
export RELEASE_BAZEL_FLAGS="--disk_cache=$DISK_CACHE"
"$ROOT/tools/release.sh" --out "$tmp/www" --url "$server/$name" --snippet "$tmp/snippet" >"$tmp/release.out" 2>"$tmp/release.err" ||
  { cat "$tmp/release.err" >&2; fail "tools/release.sh failed"; }
"$ROOT/tools/release.sh" --out "$tmp/again" --url "$server/$name" >/dev/null 2>"$tmp/release.err" ||
  { cat "$tmp/release.err" >&2; fail "tools/release.sh failed the second time"; }
cmp "$tmp/www/$name" "$tmp/again/$name" || fail "two runs of tools/release.sh wrote different archives"
sha256=$(sha256sum "$tmp/www/$name" | cut -d' ' -f1)
grep -q "sha256 = \"$sha256\"" "$tmp/snippet" || fail "the printed snippet does not carry the archive's sha256"
grep -q "sha256 = \"$sha256\"" "$tmp/release.out" || fail "release.sh did not print the snippet with the sha256"
echo "release archive: $name, $(stat -c %s "$tmp/www/$name") bytes, sha256 $sha256, identical on a second run"

mkdir "$tmp/unpacked"
tar -xzf "$tmp/www/$name" -C "$tmp/unpacked"
for f in MODULE.bazel rules/extensions.bzl rules/defs.bzl rules/repositories.bzl toolchains/BUILD chronon/BUILD docs/rules.md docs/install.md \
  toolchains/prebuilt/linux_x86_64/chronon_compiler toolchains/prebuilt/linux_x86_64/chronon_conf_tool \
  toolchains/prebuilt/linux_aarch64/chronon_compiler toolchains/prebuilt/linux_aarch64/chronon_conf_tool \
  tools/BUILD tools/prebuilt_tool.sh tools/format.sh tools/prebuilt/linux_x86_64/chronon_import tools/prebuilt/linux_x86_64/chronon_fix \
  tools/prebuilt/linux_x86_64/buildozer tools/prebuilt/BUILDOZER_LICENSE; do
  [[ -f $tmp/unpacked/$f ]] || fail "the archive lacks $f"
done
for tool in toolchains/prebuilt/linux_x86_64/chronon_compiler toolchains/prebuilt/linux_x86_64/chronon_conf_tool \
  toolchains/prebuilt/linux_aarch64/chronon_compiler toolchains/prebuilt/linux_aarch64/chronon_conf_tool \
  tools/prebuilt/linux_x86_64/chronon_import tools/prebuilt/linux_x86_64/chronon_fix; do
  echo -n "${tool%/*}/"
  check_static "$tmp/unpacked/$tool"
done
file -b "$tmp/unpacked/toolchains/prebuilt/linux_aarch64/chronon_compiler" | grep -q 'ARM aarch64' ||
  fail "toolchains/prebuilt/linux_aarch64/chronon_compiler is not an aarch64 binary"
file -b "$tmp/unpacked/tools/prebuilt/linux_x86_64/buildozer" | grep -q 'statically linked' || fail "buildozer is not static"
# bzlmod's extension fetches the tools alone, one archive per platform: pinned in the rules archive, the same binaries.
for platform in linux_x86_64 linux_aarch64; do
  tools_name=chronon_tools-$version-$platform.tar.gz
  cmp "$tmp/www/$tools_name" "$tmp/again/$tools_name" || fail "two runs wrote different tools archives ($platform)"
  tools_sha256=$(sha256sum "$tmp/www/$tools_name" | cut -d' ' -f1)
  grep -q "\"sha256\": \"$tools_sha256\"" "$tmp/unpacked/rules/private/prebuilt.bzl" ||
    fail "rules/private/prebuilt.bzl in the archive does not pin the $platform tools archive's sha256"
  grep -q "\"$server/$tools_name\"" "$tmp/unpacked/rules/private/prebuilt.bzl" || fail "prebuilt.bzl lacks the $platform tools URL"
  mkdir "$tmp/tools_$platform"
  tar -xzf "$tmp/www/$tools_name" -C "$tmp/tools_$platform"
  for tool in chronon_compiler chronon_conf_tool; do
    cmp "$tmp/tools_$platform/$tool" "$tmp/unpacked/toolchains/prebuilt/$platform/$tool" ||
      fail "the $platform tools archive's $tool differs"
  done
done
echo "tools archives for bzlmod: linux_x86_64 and linux_aarch64, pinned by sha256 in rules/private/prebuilt.bzl"

# The snippet, for this offline machine: with network it is all a consumer needs; here Bazel 4.2.3 would still
# download rules_java and remote_coverage_tools, so rules_chronon_offline_dependencies() (Debian's stand-ins)
# comes first, as docs/install.md tells offline users.
offline_snippet() {
  sed 's/^rules_chronon_dependencies()$/load("@rules_chronon\/\/rules:repositories.bzl", "rules_chronon_offline_dependencies")\
\
rules_chronon_offline_dependencies()\
\
rules_chronon_dependencies()/' "$tmp/snippet"
}

# --- a fresh consumer: examples/' definitions, and a WORKSPACE that is the snippet and nothing else (but the
# offline call above)
mkdir -p "$ws"
(cd "$ROOT/examples" && tar --exclude='./bazel-*' --exclude=./WORKSPACE -cf - .) | (cd "$ws" && tar -xf -)
{
  echo 'workspace(name = "consumer")'
  echo
  offline_snippet
} >"$ws/WORKSPACE"
grep -q 'path = ' "$ws/WORKSPACE" && fail "the consumer WORKSPACE points at a local path"

start=$(date +%s.%N)
(cd "$ws" && bazel --output_base="$ob" build --repository_cache= --execution_log_json_file="$tmp/exec.log" \
  //:production >"$tmp/build.out" 2>&1) || { cat "$tmp/build.out" >&2; fail "the consumer build failed"; }
end=$(date +%s.%N)
seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
grep -q "GET /$name HTTP/1.1\" 200" "$tmp/nginx/access.log" || fail "the archive was not fetched from nginx"
echo "consumer: empty output base to JSON in $seconds s ($(grep -o '[0-9]* processes:.*' "$tmp/build.out"))"

bin=$(cd "$ws" && bazel --output_base="$ob" info bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin/production/$rel" || fail "$rel differs from compile.py's output"
done
echo "seed example: 2/2 identical to compile.py's output"

# --- what ran: the prebuilt compiler, and nothing C++
python3 - "$tmp/exec.log" >"$tmp/spawns" <<'PY'
import json, sys
text, decoder, pos = open(sys.argv[1]).read(), json.JSONDecoder(), 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    print(spawn.get("mnemonic", "?"), (spawn.get("listedOutputs") or ["?"])[0], (spawn.get("commandArgs") or ["?"])[0])
PY
compiles=$(awk '$1 == "ChrononCompile"' "$tmp/spawns" | wc -l)
cxx=$(awk '$1 ~ /^(Cpp|CcProto|GenProto|Proto|ObjcLink|SolibSymlink)/' "$tmp/spawns" | wc -l)
((compiles > 0)) || fail "no ChrononCompile action ran"
((cxx == 0)) || { awk '$1 ~ /^(Cpp|CcProto|GenProto|Proto)/' "$tmp/spawns" | head >&2; fail "$cxx C++ actions ran in the consumer"; }
awk '$1 == "ChrononCompile" && $3 !~ /external\/rules_chronon\/toolchains\/prebuilt\/linux_x86_64\/chronon_compiler$/' "$tmp/spawns" |
  head -n 3 | grep . >&2 && fail "a ChrononCompile action ran something other than the prebuilt compiler"
(cd "$ws" && bazel --output_base="$ob" aquery '//...' --output=text 2>/dev/null) | sed -n 's/^  Mnemonic: //p' |
  sort | uniq -c >"$tmp/mnemonics"
[[ -s $tmp/mnemonics ]] || fail "aquery listed no action"
grep -E "Cpp|CcProto|GenProto" "$tmp/mnemonics" && fail "C++ actions exist in the consumer's action graph"
fetched=$(ls "$ob/external")
grep -q -x rules_chronon <<<"$fetched" || fail "no @rules_chronon in the output base"
for repo in com_google_protobuf com_google_absl; do
  grep -q -x "$repo" <<<"$fetched" && fail "@$repo was fetched: the consumer should not need it"
done
echo "consumer spawns: $compiles ChrononCompile, 0 C++; action graph of //...: $(awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}' "$tmp/mnemonics")"

# --- a bare Linux executor, by proxy: the Join's compile action again, in a chroot holding only the prebuilt compiler
# and the action's declared inputs (no libc, no ld.so: the tools are static), with an empty environment; the same
# bytes as compile.py's.
if [[ $(id -u) == 0 ]]; then
  (cd "$ws" && bazel --output_base="$ob" aquery 'mnemonic(ChrononCompile, //joins/example_team:example_join.v1)' \
    2>/dev/null) >"$tmp/join.aquery"
  execroot=$(cd "$ws" && bazel --output_base="$ob" info execution_root 2>/dev/null)
  root=$tmp/chroot
  python3 - "$tmp/join.aquery" "$execroot" "$root" >"$tmp/join.argv" <<'PY'
import os, re, shlex, shutil, sys
text, execroot, root = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
inputs = re.search(r"Inputs: \[(.*?)\]", text).group(1).split(", ")
outputs = re.search(r"Outputs: \[(.*?)\]", text).group(1).split(", ")
command = re.search(r"Command Line: \(exec (.*?)\)\n", text, re.S).group(1).replace("\\\n", " ")
for path in inputs:
    source = os.path.join(execroot, path)
    if os.path.isfile(source):  # middlemen and runfiles manifests are Bazel's, not the action's
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        shutil.copy(source, os.path.join(root, path))
for path in outputs:
    os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
argv = shlex.split(command)
argv[0] = "/" + argv[0]
print("\0".join(argv), end="")
PY
  chmod +x "$root/external/rules_chronon/toolchains/prebuilt/linux_x86_64/chronon_compiler"
  mapfile -d '' -t argv <"$tmp/join.argv"
  (cd "$root" && env -i "$(command -v chroot)" "$root" "${argv[@]}") || fail "the prebuilt compiler failed in an empty chroot"
  conf=bazel-out/k8-fastbuild/bin/joins/example_team/production/joins/example_team/example_join.v1
  cmp "$root/$conf" "$GOLDENS/seed/expected/joins/example_team/example_join.v1" ||
    fail "the chroot's Join differs from compile.py's output"
  [[ -z $(find "$root" -name 'ld-linux*' -o -name 'libc.so*') ]] || fail "the chroot holds glibc"
  echo "bare executor (chroot: the compiler and the declared inputs, no libc; empty environment): the Join, identical"
else
  echo "bare executor check skipped: chroot needs root"
fi

# --- a consumer with its own rules_cc, bazel_skylib and com_google_protobuf, declared before the snippet: kept, and
# the prebuilt toolchain builds the same bytes
mkdir -p "$ws2"
(cd "$ws" && tar --exclude='./bazel-*' --exclude=./WORKSPACE -cf - .) | (cd "$ws2" && tar -xf -)
{
  echo 'workspace(name = "consumer")'
  echo
  own_repositories "$tmp/own"
  offline_snippet
} >"$ws2/WORKSPACE"
(cd "$ws2" && bazel --output_base="$ob.own" build --repository_cache= --execution_log_json_file="$tmp/exec2.log" \
  //:production >"$tmp/build2.out" 2>&1) || { cat "$tmp/build2.out" >&2; fail "the consumer with its own repositories failed"; }
for repo in com_google_protobuf rules_cc bazel_skylib; do
  (cd "$ws2" && bazel --output_base="$ob.own" query "@$repo//:consumer_marker" >/dev/null 2>"$tmp/query.err") ||
    { cat "$tmp/query.err" >&2; fail "@$repo is not the consumer's own repository"; }
done
bin2=$(cd "$ws2" && bazel --output_base="$ob.own" info bazel-bin 2>/dev/null)
for rel in group_bys/example_team/example_group_by.v0 joins/example_team/example_join.v1; do
  cmp "$GOLDENS/seed/expected/$rel" "$bin2/production/$rel" || fail "own repositories: $rel differs from compile.py's output"
done
grep -q '"mnemonic": "Cpp' "$tmp/exec2.log" && fail "C++ actions ran in the consumer with its own repositories"
(cd "$ws2" && bazel --output_base="$ob.own" shutdown 2>/dev/null)
echo "consumer with its own rules_cc, bazel_skylib, com_google_protobuf: kept; 2/2 identical, 0 C++ actions"

# --- the conf tool, prebuilt too: the staleness test and a .columns listing
(cd "$ws" && bazel --output_base="$ob" test --repository_cache= //... >"$tmp/test.out" 2>&1) ||
  { cat "$tmp/test.out" >&2; fail "bazel test //... failed in the consumer"; }
(cd "$ws" && bazel --output_base="$ob" run --repository_cache= //joins/example_team:example_join.v1.columns \
  2>/dev/null) >"$tmp/columns"
grep -q -P '^left\tuser$' "$tmp/columns" || fail "the .columns target printed no left key"
echo "consumer: bazel test //... passed, .columns printed $(wc -l <"$tmp/columns") columns (prebuilt conf tool)"

# --- `bazel run @rules_chronon//tools:import` and `:fix` in the consumer: the archive's prebuilt binaries (no C++
# action), and the buildozer the archive carries (no npm, no buildozer on PATH).
command -v buildozer >/dev/null && fail "buildozer is on PATH: the test could not tell the archive's from it"
[[ -e $ws/node_modules ]] && fail "the consumer has node_modules"
(cd "$ws" && bazel --output_base="$ob" run --repository_cache= --execution_log_json_file="$tmp/exec_fix.log" \
  @rules_chronon//tools:fix -- --check 2>"$tmp/fix.err") >"$tmp/fix.out" || { cat "$tmp/fix.err" "$tmp/fix.out" >&2; fail "tools:fix --check failed"; }
grep -q '^4 Chronon targets, 0 out of step' "$tmp/fix.out" || { cat "$tmp/fix.out" >&2; fail "tools:fix --check: not 4 targets in step"; }
(cd "$ws" && bazel --output_base="$ob" run --repository_cache= @rules_chronon//tools:format -- --check \
  2>"$tmp/format.err") >"$tmp/format.out" || { cat "$tmp/format.err" "$tmp/format.out" >&2; fail "tools:format --check failed"; }
# fix is able to fail: a stray dep is out of step.
cp -a "$ws" "$tmp/stray"
sed -i 's|deps = \[|deps = [\n        "//sources:website__views",|' "$tmp/stray/group_bys/example_team/BUILD"
(cd "$tmp/stray" && bazel --output_base="$ob.stray" run --repository_cache= @rules_chronon//tools:fix -- --check \
  2>/dev/null) >"$tmp/fix_stray.out" || true
grep -q -E '^4 Chronon targets, [1-9][0-9]* out of step' "$tmp/fix_stray.out" ||
  { cat "$tmp/fix_stray.out" >&2; fail "tools:fix --check missed a stray dep"; }
(cd "$tmp/stray" && bazel --output_base="$ob.stray" shutdown 2>/dev/null) || true
mkdir -p "$tmp/seed_repo"
cp "$ROOT/examples/teams.json" "$tmp/seed_repo/teams.json"
cp -a "$GOLDENS/seed/expected" "$tmp/seed_repo/production"
(cd "$ws" && bazel --output_base="$ob" run --repository_cache= --execution_log_json_file="$tmp/exec_import.log" \
  @rules_chronon//tools:import -- --from="$tmp/seed_repo" --to="$tmp/imported" --rules="$tmp/unpacked" \
  2>"$tmp/import.err") >"$tmp/import.out" || { cat "$tmp/import.err" "$tmp/import.out" >&2; fail "tools:import failed"; }
grep -q '^2/2 identical' "$tmp/import.out" || { cat "$tmp/import.out" >&2; fail "tools:import: not 2/2 identical"; }
grep -q '"mnemonic": "Cpp' "$tmp/exec_fix.log" "$tmp/exec_import.log" && fail "bazel run of tools:fix or :import ran C++ actions"
# The importer writes the setup for a checkout (compiler = "source"); --rules is the unpacked release archive here,
# whose prebuilt tools the imported workspace takes instead (no C++ build).
sed -i 's/(compiler = "source")/()/' "$tmp/imported/WORKSPACE"
grep -q 'compiler = "source"' "$tmp/imported/WORKSPACE" && fail "could not switch the imported workspace to the prebuilt tools"
(cd "$tmp/imported" && bazel --output_base="$ob.imported" build --repository_cache= //... >"$tmp/imported.out" 2>&1) ||
  { cat "$tmp/imported.out" >&2; fail "the imported workspace (on the unpacked archive) failed to build"; }
(cd "$tmp/imported" && bazel --output_base="$ob.imported" run //:chronon.fix -- --check 2>/dev/null) >"$tmp/imported_fix.out" ||
  fail "the imported workspace's //:chronon.fix --check failed"
grep -q ', 0 out of step' "$tmp/imported_fix.out" || fail "the imported workspace's deps are out of step"
(cd "$tmp/imported" && bazel --output_base="$ob.imported" shutdown 2>/dev/null) || true
echo "consumer: tools:fix -- --check: $(tail -n 1 "$tmp/fix.out") (a stray dep reported); tools:import of the seed" \
  "goldens: $(head -n 1 "$tmp/import.out"), built, its //:chronon.fix in step; 0 C++ actions, no npm"
