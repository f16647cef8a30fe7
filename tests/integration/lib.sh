# Shared by the integration tests: run Bazel the way a user would, with the cache CI shares between workspaces.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# compile.py's reference outputs, vendored (tests/goldens/README.md).
GOLDENS=$ROOT/tests/goldens
# The shared tree they were copied from; only vendored_goldens_test.sh reads it.
SHARED=${CHRONON_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
DISK_CACHE=${CHRONON_DISK_CACHE:-$HOME/.cache/rules_chronon/disk_cache}

# bazel_in DIR ARGS...: runs `bazel ARGS` in workspace DIR with the shared disk cache.
bazel_in() {
  local dir=$1 command=$2
  shift 2
  (cd "$dir" && bazel "$command" --disk_cache="$DISK_CACHE" "$@")
}

# cleanup_workspaces: for `trap cleanup_workspaces EXIT` in a test that keeps the workspaces it built in the array
# `workspaces` and its scratch files in $tmp: shuts down each workspace's Bazel server, then removes $tmp.
cleanup_workspaces() {
  local w
  for w in "${workspaces[@]}"; do (cd "$w" 2>/dev/null && bazel shutdown 2>/dev/null) || true; done
  rm -rf "$tmp"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# release_tools: builds this checkout's compiler and conf tool as tools/release.sh builds the prebuilt toolchain's
# (//tools:release_binaries with `--config=release`: optimized, static, no convenience symlinks) and sets tools_bin
# to the directory holding them. The tests that run a tool by hand, or that need a compiler without testing how it
# is built, take these (what a release's users run). They are the toolchain's own build in the host configuration,
# which any `bazel test //...` here (sanitized or not) has already compiled: only the two links run.
release_tools() {
  local log
  log=$(mktemp)
  (cd "$ROOT" && bazel build --config=release --symlink_prefix=/ --disk_cache="$DISK_CACHE" \
    //tools:release_binaries) >"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; rm -f "$log"; fail "the release build of the tools failed"; }
  rm -f "$log"
  tools_bin=$(cd "$ROOT" && bazel info --config=release bazel-bin 2>/dev/null)/tools
  [[ -x $tools_bin/chronon_compiler ]] || fail "no compiler at $tools_bin/chronon_compiler"
}

# use_release_toolchain WS: makes consumer workspace WS run release_tools' binaries through a chronon_toolchain over
# files (the shape of the release archive's prebuilt toolchain), registered with --extra_toolchains so that it wins
# over the one its WORKSPACE registers. For tests about something else than building the compiler from source.
use_release_toolchain() {
  local ws=$1
  release_tools
  mkdir -p "$ws/release_tools"
  cp "$tools_bin/chronon_compiler" "$tools_bin/chronon_conf_tool" "$ws/release_tools/"
  cat >"$ws/release_tools/BUILD" <<'BUILD'
load("@rules_chronon//rules:defs.bzl", "chronon_toolchain")

chronon_toolchain(
    name = "tools",
    compiler = "chronon_compiler",
    conf_tool = "chronon_conf_tool",
)

toolchain(
    name = "toolchain",
    toolchain = ":tools",
    toolchain_type = "@rules_chronon//chronon/toolchain:toolchain_type",
)
BUILD
  echo "build --extra_toolchains=//release_tools:toolchain" >>"$ws/.bazelrc"
}

# copy_workspace SRC DEST: a copy of consumer workspace SRC (without its bazel-* symlinks) whose WORKSPACE points
# local_repository at these rules (SRC's `path = ".."` or `"../.."`).
copy_workspace() {
  local src=$1 dest=$2
  mkdir -p "$dest"
  (cd "$src" && tar --exclude='./bazel-*' -cf - .) | (cd "$dest" && tar -xf -)
  sed -i "s|path = \"\\.\\.\\(/\\.\\.\\)*\"|path = \"$ROOT\"|" "$dest/WORKSPACE"
  grep -q "path = \"$ROOT\"" "$dest/WORKSPACE" || fail "could not point $dest/WORKSPACE at $ROOT"
}

# manifest_tree BIN OUT: copies the confs of the root package's `production` tree target (built, not assembled:
# the default of a checked-in tree) from BIN (`bazel info bazel-bin`) to OUT/<group_bys|joins|...>/<team>/<name>,
# as `assemble = True` lays them out, reading only the target's manifest.
manifest_tree() {
  local bin=$1 out=$2 rel short
  [[ -f $bin/production.production_manifest ]] || fail "no $bin/production.production_manifest"
  while IFS=$'\t' read -r rel short; do
    [[ -f $bin/$short ]] || fail "the manifest names $short, which was not built"
    mkdir -p "$out/$(dirname "$rel")"
    cp "$bin/$short" "$out/$rel"
  done <"$bin/production.production_manifest"
}

# chronon_spawns LOG MODE: the ChrononCompile spawns of Bazel's --execution_log_json_file LOG (a stream of JSON
# objects). MODE `labels`: their labels, sorted, one per line. MODE `hits`: "<remote cache hits> <spawns>".
chronon_spawns() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
text, mode = open(sys.argv[1]).read(), sys.argv[2]
decoder, pos, spawns = json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    spawn, pos = decoder.raw_decode(text, pos)
    if spawn.get("mnemonic") == "ChrononCompile":
        spawns.append(spawn)
if mode == "labels":
    labels = []
    for spawn in spawns:
        match = re.search(r"(//\S*)$", spawn.get("progressMessage", ""))
        labels.append(match.group(1) if match else spawn.get("progressMessage", "?"))
    print("\n".join(sorted(labels)))
else:
    print(sum(bool(s.get("remoteCacheHit")) for s in spawns), len(spawns))
PY
}

# compile_actions LOG: the labels whose ChrononCompile action ran (executed, or fetched from a cache) in the build
# that wrote LOG, sorted, one per line.
compile_actions() { chronon_spawns "$1" labels; }

# compile_cache_hits LOG: "<remote cache hits> <ChrononCompile spawns>" of the build that wrote LOG.
compile_cache_hits() { chronon_spawns "$1" hits; }

# scratch_workspace SRC: copies consumer workspace SRC to $ws inside a fresh $tmp; on exit its Bazel server is shut
# down and both are removed.
scratch_workspace() {
  tmp=$(mktemp -d)
  ws=$tmp/ws
  trap '(cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$tmp"' EXIT
  copy_workspace "$1" "$ws"
}

# own_repositories DIR: writes a consumer's own rules_cc, bazel_skylib and com_google_protobuf under DIR (Debian's
# content under other paths, each with a `consumer_marker` target that ours lack) and prints their WORKSPACE
# declarations.
own_repositories() {
  local own=$1
  mkdir -p "$own/protobuf/bin" "$own/rules_cc/cc" "$own/skylib"
  ln -s /usr/bin/protoc "$own/protobuf/bin/protoc"
  touch "$own/protobuf/WORKSPACE"
  cat >"$own/protobuf/BUILD" <<'BUILD'
package(default_visibility = ["//visibility:public"])

filegroup(name = "consumer_marker")

sh_binary(
    name = "protoc",
    srcs = ["bin/protoc"],
)

cc_library(
    name = "protobuf",
    linkopts = ["-lprotobuf"],
)

proto_lang_toolchain(
    name = "cc_toolchain",
    command_line = "--cpp_out=$(OUT)",
    runtime = ":protobuf",
)
BUILD
  touch "$own/rules_cc/WORKSPACE" "$own/rules_cc/cc/BUILD"
  echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >"$own/rules_cc/BUILD"
  # What Bazel 4.2.3's own tools/cpp package loads from rules_cc, forwarded to the native rules.
  {
    echo '"""The consumer'"'"'s rules_cc."""'
    for rule in cc_binary cc_import cc_library cc_proto_library cc_test cc_toolchain cc_toolchain_suite objc_library; do
      printf '\ndef %s(**kwargs):\n    native.%s(**kwargs)\n' "$rule" "$rule"
    done
  } >"$own/rules_cc/cc/defs.bzl"
  cp -r /usr/share/bazel/tools/skylib/. "$own/skylib/"
  echo 'filegroup(name = "consumer_marker", visibility = ["//visibility:public"])' >>"$own/skylib/BUILD"
  for repo in com_google_protobuf:protobuf rules_cc:rules_cc bazel_skylib:skylib; do
    printf 'local_repository(\n    name = "%s",\n    path = "%s",\n)\n\n' "${repo%%:*}" "$own/${repo#*:}"
  done
}

# start_nginx DIR ROOT [dav]: starts nginx in the background, its config, pid file, logs and temp dirs in DIR,
# serving ROOT on a free loopback port (accepting PUTs, as Bazel's HTTP cache needs, when the third argument is
# `dav`); sets nginx_pid and nginx_url and returns once it answers. The caller kills $nginx_pid when done.
# worker_connections: above Bazel's own pool (--remote_max_connections, 100): with fewer, nginx drops kept-alive
# connections under load ("worker_connections are not enough") and Bazel's uploads on them are lost, silently (a
# bench repo build left 244 of 1,250 actions out of the cache that way).
start_nginx() {
  local dir=$1 root=$2 dav=${3:-} port user_line="" location="" code=""
  mkdir -p "$dir/tmp" "$root"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  [[ $(id -u) == 0 ]] && user_line="user root;"
  [[ $dav == dav ]] && location="location / { dav_methods PUT; create_full_put_path on; client_max_body_size 0; }"
  cat >"$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $root;
    $location
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" 2>"$dir/stderr" &
  nginx_pid=$!
  nginx_url=http://127.0.0.1:$port
  for _ in $(seq 50); do
    code=$(python3 -c "import urllib.request
try:
    urllib.request.urlopen('$nginx_url/none', timeout=1)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    pass" || true)
    [[ $code == 404 ]] && break
    sleep 0.2
  done
  [[ $code == 404 ]] || { cat "$dir/stderr" "$dir/error.log" >&2 || true; fail "nginx did not start"; }
}

# check_static BINARY: fails unless BINARY is a fully static executable, with no glibc version floor: `file` says
# "statically linked", `readelf -d` finds no dynamic section (so no NEEDED entry and no interpreter), `objdump -T`
# finds no GLIBC_<version> symbol, and no NSS entry point (getpwnam, getaddrinfo, ...) is linked in (static glibc
# would dlopen libnss_*.so of its own version for them at run time). Prints one line.
check_static() {
  local bin=$1 kind dyn nss
  [[ -x $bin ]] || fail "no executable at $bin"
  kind=$(file -b "$bin")
  [[ $kind == *"statically linked"* ]] || fail "$(basename "$bin") is not statically linked: $kind"
  readelf -d "$bin" 2>&1 | grep -q 'There is no dynamic section' ||
    fail "$(basename "$bin") has a dynamic section: $(readelf -d "$bin" | grep -E 'NEEDED' | tr -s ' ' | head -n 5)"
  readelf -l "$bin" | grep -q 'INTERP' && fail "$(basename "$bin") asks for a program interpreter"
  dyn=$(objdump -T "$bin" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tr '\n' ' ' || true)
  [[ -z $dyn ]] || fail "$(basename "$bin") has versioned glibc symbols: $dyn"
  nss=$(nm "$bin" 2>/dev/null | grep -E ' [TW] (getpw|getgr(nam|gid|ent|ouplist)|initgroups|getspnam|getaddrinfo|gethostby|getservby|getnetby|getprotoby|__nss_)' |
    awk '{print $3}' | tr '\n' ' ' || true)
  [[ -z $nss ]] || fail "$(basename "$bin") links glibc's NSS lookups ($nss): static glibc loads libnss_* for them"
  echo "$(basename "$bin"): statically linked (file), no dynamic section (readelf -d), no GLIBC_ symbol (objdump -T), no NSS lookup"
}

# actions_in_empty_chroot [ARM64_DIR QEMU]: for examples/ (the seed goldens) and tests/sample (the 49 sample
# goldens): a copy built with release_tools' binaries (use_release_toolchain), every .columns target included, then
# every ChrononCompile and ChrononColumns action run again by chroot_actions.py in an empty chroot under $tmp (which
# the caller removes); with ARM64_DIR and QEMU, once more with ARM64_DIR's tools under the static emulator QEMU.
# Fails unless each output equals the build's and every golden is matched.
actions_in_empty_chroot() {
  local arm64=${1:-} qemu=${2:-}
  local case src goldens expected w execroot
  local -a columns
  for case in examples:seed:2 tests/sample:sample:49; do
    IFS=: read -r src goldens expected <<<"$case"
    w=$tmp/ws_$goldens
    copy_workspace "$ROOT/$src" "$w"
    use_release_toolchain "$w"
    # Every definition's `.columns` target (manual: not in //...) too, so that the conf tool runs.
    mapfile -t columns < <(cd "$w" && bazel query 'kind(chronon_columns, //...)' 2>/dev/null)
    ((${#columns[@]} > 0)) || fail "$src: no .columns target"
    bazel_in "$w" build //... "${columns[@]}" >"$tmp/build_$goldens.log" 2>&1 ||
      { tail -n 30 "$tmp/build_$goldens.log" >&2; fail "$src: the build failed"; }
    (cd "$w" && bazel aquery "mnemonic('ChrononCompile|ChrononColumns', //... + kind(chronon_columns, //...))" \
      --output=jsonproto --include_param_files 2>/dev/null) >"$tmp/aquery_$goldens.json"
    execroot=$(cd "$w" && bazel info execution_root 2>/dev/null)
    (cd "$w" && bazel shutdown 2>/dev/null) || true
    mkdir "$tmp/root_$goldens"
    echo -n "$src: "
    python3 "$ROOT/tests/integration/chroot_actions.py" "$tmp/aquery_$goldens.json" "$execroot" \
      "$tmp/root_$goldens" "$GOLDENS/$goldens/expected" "$expected" || fail "$src: the tools failed in an empty chroot"
    [[ -z $(find "$tmp/root_$goldens" -name 'ld-linux*' -o -name 'libc.so*') ]] || fail "the chroot holds glibc"
    rm -rf "$tmp/root_$goldens"
    [[ -n $arm64 ]] || continue
    mkdir "$tmp/root_$goldens"
    echo -n "$src, arm64: "
    CHROOT_TOOLS=$arm64 CHROOT_RUNNER=$qemu python3 "$ROOT/tests/integration/chroot_actions.py" \
      "$tmp/aquery_$goldens.json" "$execroot" "$tmp/root_$goldens" "$GOLDENS/$goldens/expected" "$expected" ||
      fail "$src: the arm64 tools failed under qemu in an empty chroot"
    [[ -z $(find "$tmp/root_$goldens" -name 'ld-linux*' -o -name 'libc.so*') ]] || fail "the chroot holds glibc"
    rm -rf "$tmp/root_$goldens"
  done
}

# doc_code FILE HEADING: prints the lines of the code blocks in the section HEADING (a Markdown heading's text, up to
# the next heading of the same or a higher level) of FILE, a path from the repository root; fails when there are
# none. A test that runs a command the docs show reads it from there, so the docs cannot drift from what is tested.
doc_code() {
  python3 - "$ROOT/$1" "$2" <<'PY' || fail "$1 has no code block under the heading \"$2\""
import sys
path, heading = sys.argv[1], sys.argv[2]
level, fenced, out = None, False, []
for line in open(path, encoding="utf-8").read().split("\n"):
    if line.startswith("```"):
        fenced = not fenced
        continue
    if fenced:
        if level is not None:
            out.append(line)
        continue
    hashes = len(line) - len(line.lstrip("#"))
    if hashes and line[hashes:hashes + 1] == " ":
        if level is not None and hashes <= level:
            break
        if line[hashes + 1:].strip() == heading:
            level = hashes
sys.stdout.write("".join(l + "\n" for l in out))
sys.exit(0 if out else 1)
PY
}

# compare_goldens NAME GOLDEN BUILT WANT: compares every file of compile.py's output GOLDEN with the file of the same
# path under BUILT, byte for byte; prints the missing and differing ones (with the start of the diff) and
# "NAME goldens: N/M identical", and fails unless GOLDEN holds WANT files and all are identical.
compare_goldens() {
  local name=$1 golden=$2 built=$3 want=$4 total=0 count=0 rel
  [[ -d $golden ]] || fail "no goldens at $golden"
  while IFS= read -r rel; do
    total=$((total + 1))
    if [[ ! -f $built/$rel ]]; then
      echo "missing: $rel"
    elif cmp -s "$golden/$rel" "$built/$rel"; then
      count=$((count + 1))
    else
      echo "differs: $rel"
      diff <(cat "$golden/$rel"; echo) <(cat "$built/$rel"; echo) | head -n 10 || true
    fi
  done < <(cd "$golden" && find . -type f | sed 's#^\./##' | sort)
  echo "$name goldens: $count/$total identical"
  [[ $total -eq $want ]] || fail "expected $want goldens in $golden, found $total"
  [[ $count -eq $want ]] || fail "$((want - count)) of the $name goldens differ or are missing"
}
