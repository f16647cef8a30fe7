#!/usr/bin/env bash
# Installs what rules_chronon needs on a Debian 12 machine (run as root): Bazel 4.2.3 and the -dev packages the
# compiler links against. Nothing else is downloaded, ever: Bazel reads every dependency from these packages.
set -euo pipefail
packages=(
  bazel-bootstrap        # Bazel 4.2.3 (WORKSPACE mode)
  protobuf-compiler      # protoc 3.21
  libprotobuf-dev        # libprotobuf 3.21: TextFormat parser, descriptors, reflection
  libabsl-dev            # Abseil 20220623: Status, StatusOr, strings
  nlohmann-json3-dev     # reading JSON (team config, compiled dependencies) with member order kept
  libdtl-dev             # the line diff of the production/ staleness report (header-only)
  libgtest-dev libgmock-dev  # GoogleTest 1.12
  bazel-skylib           # skylib 1.0.3 for rule tests
  nginx-light            # a real HTTP remote cache on loopback, for the cache tests
  bazel-bootstrap-source # Bazel's reference remote worker (src/tools/remote/): a real REAPI server for the remote tests
  default-jdk-headless   # javac for that worker (bazel-bootstrap depends on it already; the harness needs it by name)
  git
  clang-14 libclang-rt-14-dev  # the libFuzzer target (tests/fuzz/): clang 14 with the fuzzer/ASan/UBSan runtimes
  strace                 # tests/integration/never_executes_test.sh traces what the compiler runs and opens
  time                   # /usr/bin/time: peak memory in tests/integration/large_inputs_test.sh
  clang-format           # the C++ format check (tests/integration/lint_test.sh)
  binutils               # readelf, objdump, nm: tools/release.sh and the tests check that the prebuilt tools are static
  file                   # `file`: "statically linked" (tests/integration/lib.sh, check_static)
  # The prebuilt linux arm64 tools (toolchains/aarch64, --config=release_aarch64): Debian's cross compiler, the
  # arm64 builds of the libraries beside the amd64 ones (Multi-Arch: same; dpkg --add-architecture arm64 below),
  # and qemu to run the result (tests/integration/static_tools_test.sh).
  g++-aarch64-linux-gnu
  libprotobuf-dev:arm64
  libabsl-dev:arm64
  zlib1g-dev:arm64
  qemu-user-static
  python3-matplotlib     # the plot of tools/bench/bench.py --growth (docs/performance.md), smoke-tested in CI
)
# buildifier comes from npm (pinned in package.json; the lint check runs `npm ci`). Machines here ship Node.js with
# npm; only where npm is missing, take Debian's.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  dpkg --print-foreign-architectures | grep -q -x arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present (${#packages[@]})"
