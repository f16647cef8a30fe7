"""Repositories rules_chronon needs.

`rules_chronon_dependencies()` declares only what the rules themselves need: `@chronon_teams` (teams.json split
per team). It declares nothing under a name another rule set or Bazel itself owns: a workspace's `rules_cc`,
`rules_java`, `remote_coverage_tools`, `bazel_skylib` and `com_google_protobuf` are its own (or Bazel's
defaults), declared before or after the call.

Building the compiler from source (`compiler = "source"`) uses the names the Bazel Central Registry and the
projects' own BUILD files use: `@com_google_protobuf//:protobuf`, `@com_google_absl//absl/strings` (and
`absl/status`, `absl/status:statusor`, `absl/strings:str_format`), `@nlohmann_json//:json`, `@dtl//:dtl`, and
for this repository's tests `@com_google_googletest//:gtest_main`. A networked workspace declares them
(http_archive, or bazel_dep under bzlmod); docs/install.md lists them.

`rules_chronon_offline_dependencies()` is the opt-in for machines without network, such as this repository's CI:
it declares all of the above, plus stand-ins for the repositories Bazel 4.2.3's WORKSPACE suffix would download
(`rules_cc`, `rules_java`, `remote_coverage_tools`), as small local repositories over Debian's `-dev` packages
under /usr. Each goes through `maybe()`, so one the workspace declared before is kept.
"""

load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")
load("//rules/private:team_config.bzl", "chronon_team_config")

def _files_repository_impl(rctx):
    for path, content in rctx.attr.files.items():
        rctx.file(path, content, executable = False)
    for path, content in rctx.attr.executables.items():
        rctx.file(path, content, executable = True)
    for path, target in rctx.attr.symlinks.items():
        rctx.symlink(target, path)

_files_repository = repository_rule(
    implementation = _files_repository_impl,
    attrs = {
        "executables": attr.string_dict(doc = "Repository-relative path -> content of an executable file."),
        "files": attr.string_dict(doc = "Repository-relative path -> file content."),
        "symlinks": attr.string_dict(doc = "Repository-relative path -> absolute path on the host."),
    },
    doc = "A repository made of the given files; nothing is downloaded.",
    local = True,
)

_RULES_CC_DEFS = '''"""Offline stand-in for rules_cc: forwards to the native rules of Bazel 4.2.3."""
def cc_binary(**kwargs):
    native.cc_binary(**kwargs)

def cc_import(**kwargs):
    native.cc_import(**kwargs)

def cc_library(**kwargs):
    native.cc_library(**kwargs)

def cc_proto_library(**kwargs):
    native.cc_proto_library(**kwargs)

def cc_test(**kwargs):
    native.cc_test(**kwargs)

def cc_toolchain(**kwargs):
    native.cc_toolchain(**kwargs)

def cc_toolchain_suite(**kwargs):
    native.cc_toolchain_suite(**kwargs)

def objc_library(**kwargs):
    native.objc_library(**kwargs)
'''

_RULES_JAVA_DEFS = '''"""Offline stand-in for rules_java: forwards to the native rules of Bazel 4.2.3."""
def java_binary(**kwargs):
    native.java_binary(**kwargs)

def java_import(**kwargs):
    native.java_import(**kwargs)

def java_library(**kwargs):
    native.java_library(**kwargs)

def java_runtime(**kwargs):
    native.java_runtime(**kwargs)

def java_toolchain(**kwargs):
    native.java_toolchain(**kwargs)
'''

_PROTOBUF_BUILD = '''# Offline stand-in for protobuf (rules_chronon_offline_dependencies): Debian's protoc 3.21 and libprotobuf under
# /usr, with the target names of protobuf's own BUILD.bazel.
package(default_visibility = ["//visibility:public"])

# `--define=chronon_link=static` (.bazelrc's `--config=release`): Debian's static archives, for the prebuilt
# compiler that needs nothing beyond glibc.
config_setting(
    name = "static",
    define_values = {"chronon_link": "static"},
)

sh_binary(
    name = "protoc",
    srcs = ["bin/protoc"],
)

cc_library(
    name = "protobuf",
    linkopts = select({
        ":static": ["-l:libprotobuf.a", "-l:libz.a", "-lpthread"],
        "//conditions:default": ["-lprotobuf"],
    }),
)

alias(
    name = "protobuf_headers",
    actual = ":protobuf",
)

proto_lang_toolchain(
    name = "cc_toolchain",
    command_line = "--cpp_out=$(OUT)",
    runtime = ":protobuf",
)
'''

# The Abseil components the tools use, linked as -labsl_<name> (or, static, libabsl_<name>.a).
_ABSL_LIBS = [
    "status",
    "statusor",
    "str_format_internal",
    "strings",
    "strings_internal",
    "cord",
    "cord_internal",
    "cordz_info",
    "cordz_handle",
    "cordz_functions",
    "exponential_biased",
    "synchronization",
    "graphcycles_internal",
    "stacktrace",
    "symbolize",
    "debugging_internal",
    "demangle_internal",
    "malloc_internal",
    "time",
    "civil_time",
    "time_zone",
    "hash",
    "city",
    "low_level_hash",
    "raw_hash_set",
    "hashtablez_sampler",
    "int128",
    "throw_delegate",
    "base",
    "spinlock_wait",
    "raw_logging_internal",
    "log_severity",
    "strerror",
    "bad_optional_access",
    "bad_variant_access",
]

_ABSL_BUILD = """# Offline stand-in for Abseil (rules_chronon_offline_dependencies): Debian's libabsl-dev under /usr. Headers
# are on the compiler's default include path; every target links all of the components rules_chronon uses.
package(default_visibility = ["//visibility:public"])

ABSL = __ABSL__

# `--define=chronon_link=static` (.bazelrc's `--config=release`): Debian's static archives, in a group (their order
# is not a topological one).
config_setting(
    name = "static",
    define_values = {"chronon_link": "static"},
)

cc_library(
    name = "debian_absl",
    linkopts = select({
        ":static": ["-Wl,--start-group"] + ["-l:libabsl_%s.a" % lib for lib in ABSL] + ["-Wl,--end-group"],
        "//conditions:default": ["-labsl_" + lib for lib in ABSL],
    }),
)
"""

# The targets of abseil-cpp's own BUILD files that rules_chronon names; each stands for Debian's whole Abseil.
_ABSL_TARGETS = {
    "absl/status": ["status", "statusor"],
    "absl/strings": ["strings", "str_format", "string_view"],
}

def _absl_package_build(package, names):
    lines = [
        "# Offline stand-in: labels of abseil-cpp's {}/BUILD.bazel, each over Debian's whole Abseil.".format(package),
        'package(default_visibility = ["//visibility:public"])',
    ]
    for name in names:
        lines.append('\ncc_library(\n    name = "{}",\n    deps = ["//:debian_absl"],\n)'.format(name))
    return "\n".join(lines) + "\n"

_OPENSSL_BUILD = """# Offline stand-in for OpenSSL's libcrypto (rules_chronon_offline_dependencies): Debian's libssl-dev under
# /usr, with the target name of the Bazel Central Registry's openssl module (BoringSSL's is the same, :crypto).
package(default_visibility = ["//visibility:public"])

config_setting(
    name = "static",
    define_values = {"chronon_link": "static"},
)

cc_library(
    name = "crypto",
    linkopts = select({
        ":static": ["-l:libcrypto.a", "-lpthread"],
        "//conditions:default": ["-lcrypto"],
    }),
)
"""

_GOOGLETEST_BUILD = """# Offline stand-in for GoogleTest (rules_chronon_offline_dependencies): Debian's googletest under /usr, with the
# target names of googletest's own BUILD.bazel (gmock is part of :gtest there too).
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "gtest",
    linkopts = ["-lgmock", "-lgtest", "-lpthread"],
)

cc_library(
    name = "gtest_main",
    linkopts = ["-lgmock", "-lgtest_main", "-lgtest", "-lpthread"],
)
"""

_HEADER_ONLY_BUILD = """# Offline stand-in (rules_chronon_offline_dependencies): Debian's header-only {package} under /usr/include.
package(default_visibility = ["//visibility:public"])

cc_library(name = "{name}")
"""

# Bazel 4.2.3's @bazel_tools//tools/test:coverage_report_generator and :lcov_merger are aliases into
# @remote_coverage_tools, a Java tool Bazel downloads. Offline, these two scripts stand in: they must be real
# executables (empty filegroups made `bazel coverage` fail with a NullPointerException in Bazel). They merge LCOV
# tracefiles by concatenation, which is valid LCOV; line counts of a file covered by two tests are not summed.
_LCOV_MERGER = """#!/bin/sh
# Offline stand-in for Bazel's LcovMerger: every *.dat under --coverage_dir, concatenated into --output_file.
coverage_dir=
output_file=
for arg in "$@"; do
  case "$arg" in
    --coverage_dir=*) coverage_dir=${arg#--coverage_dir=} ;;
    --output_file=*) output_file=${arg#--output_file=} ;;
  esac
done
[ -n "$output_file" ] || { echo "lcov_merger stand-in: no --output_file" >&2; exit 1; }
: >"$output_file"
if [ -n "$coverage_dir" ] && [ -d "$coverage_dir" ]; then
  find "$coverage_dir" -name '*.dat' -type f | LC_ALL=C sort | while read -r dat; do
    [ "$dat" = "$output_file" ] || cat "$dat" >>"$output_file"
  done
fi
"""

_COVERAGE_REPORT_GENERATOR = """#!/bin/sh
# Offline stand-in for Bazel's CoverageOutputGenerator: the files listed in --reports_file, concatenated.
reports_file=
output_file=
for arg in "$@"; do
  case "$arg" in
    --reports_file=*) reports_file=${arg#--reports_file=} ;;
    --output_file=*) output_file=${arg#--output_file=} ;;
  esac
done
[ -n "$output_file" ] || { echo "coverage_report_generator stand-in: no --output_file" >&2; exit 1; }
: >"$output_file"
if [ -n "$reports_file" ] && [ -f "$reports_file" ]; then
  while read -r report; do
    [ -f "$report" ] && cat "$report" >>"$output_file"
  done <"$reports_file"
fi
"""

_REMOTE_COVERAGE_TOOLS_BUILD = """# Offline stand-in for Bazel's remote_coverage_tools (rules_chronon_offline_dependencies).
package(default_visibility = ["//visibility:public"])

sh_binary(
    name = "lcov_merger",
    srcs = ["lcov_merger.sh"],
)

sh_binary(
    name = "coverage_report_generator",
    srcs = ["coverage_report_generator.sh"],
)
"""

_COMPILERS = ("prebuilt", "source")

def _check_compiler(function, compiler):
    if compiler not in _COMPILERS:
        fail("{}: compiler = {} must be one of {}".format(function, repr(compiler), ", ".join(_COMPILERS)))

# WORKSPACE functions by convention (like rules_go's go_rules_dependencies), called once: no `name`.
# buildifier: disable=unnamed-macro
def rules_chronon_dependencies(teams_json = "@//:teams.json", compiler = "prebuilt", register_toolchains = True):
    """Declares the repositories of rules_chronon itself (`@chronon_teams`) and registers its toolchains.

    It declares no repository that another rule set or Bazel owns (`rules_cc`, `rules_java`, `bazel_skylib`,
    `com_google_protobuf`, ...), so a workspace's own win wherever they are declared. For building the compiler
    from source, declare the standard repositories docs/install.md lists (or, offline over Debian's packages,
    call rules_chronon_offline_dependencies()).

    Args:
      teams_json: the workspace's teams.json, split per team into `@chronon_teams` (rules/private/team_config.bzl);
        None in a workspace without Chronon definitions of its own.
      compiler: `prebuilt` (default): the rules run the static binaries shipped in the release archive and need no
        C++ toolchain, protobuf or Abseil. `source`: the compiler is built from source, against
        `@com_google_protobuf`, `@com_google_absl`, `@nlohmann_json` and `@dtl`, which the workspace declares.
        Pass the same value to rules_chronon_register_toolchains().
      register_toolchains: also register the toolchains of `compiler`, as rules_chronon_register_toolchains() does
        (True, the default since 0.2.0). So a WORKSPACE written for 0.0.x, which called only this function, keeps
        building instead of failing with `no matching toolchains found`. A toolchain of your own for
        `@rules_chronon//chronon/toolchain:toolchain_type` wins if you register it before this call; False leaves the
        registration to you.
    """
    _check_compiler("rules_chronon_dependencies", compiler)
    maybe(
        chronon_team_config,
        name = "chronon_teams",
        teams_json = teams_json,
        compiler = compiler,
    )
    if register_toolchains:
        rules_chronon_register_toolchains(compiler = compiler)

# buildifier: disable=unnamed-macro
def rules_chronon_offline_dependencies():
    """Opt-in, for machines without network: stand-ins over Debian's packages under /usr, under the standard names.

    Declares, each through `maybe()` (a repository the workspace declared before is kept):
    `com_google_protobuf` (protoc and libprotobuf), `com_google_absl`, `com_google_googletest`, `nlohmann_json`,
    `openssl` (`:crypto`) and `dtl` for building the compiler from source, `bazel_skylib` (Debian's bazel-skylib),
    and stand-ins for the three repositories Bazel 4.2.3's WORKSPACE suffix would download: `rules_cc` and
    `rules_java` (forwarding to the native rules) and `remote_coverage_tools` (two shell scripts, so that `bazel
    coverage` runs). Needs the Debian packages `setup.sh` installs (libssl-dev only once a target uses `:crypto`). This repository's WORKSPACE, examples/ and tests call it; a workspace with network
    access should not: its real repositories (http_archive, or the Bazel Central Registry) are better.
    """
    maybe(
        _files_repository,
        name = "rules_cc",
        files = {"BUILD": "", "WORKSPACE": "", "cc/BUILD": "", "cc/defs.bzl": _RULES_CC_DEFS},
    )
    maybe(
        _files_repository,
        name = "rules_java",
        files = {"BUILD": "", "WORKSPACE": "", "java/BUILD": "", "java/defs.bzl": _RULES_JAVA_DEFS},
    )
    maybe(
        _files_repository,
        name = "remote_coverage_tools",
        files = {"WORKSPACE": "", "BUILD": _REMOTE_COVERAGE_TOOLS_BUILD},
        executables = {
            "lcov_merger.sh": _LCOV_MERGER,
            "coverage_report_generator.sh": _COVERAGE_REPORT_GENERATOR,
        },
    )
    maybe(
        _files_repository,
        name = "com_google_protobuf",
        files = {"WORKSPACE": "", "BUILD": _PROTOBUF_BUILD},
        symlinks = {"bin/protoc": "/usr/bin/protoc"},
    )
    absl_files = {"WORKSPACE": "", "BUILD": _ABSL_BUILD.replace("__ABSL__", repr(_ABSL_LIBS))}
    for package, names in _ABSL_TARGETS.items():
        absl_files[package + "/BUILD"] = _absl_package_build(package, names)
    maybe(_files_repository, name = "com_google_absl", files = absl_files)
    maybe(
        _files_repository,
        name = "com_google_googletest",
        files = {"WORKSPACE": "", "BUILD": _GOOGLETEST_BUILD},
    )
    maybe(
        _files_repository,
        name = "nlohmann_json",
        files = {"WORKSPACE": "", "BUILD": _HEADER_ONLY_BUILD.format(package = "nlohmann-json3-dev", name = "json")},
    )
    maybe(
        _files_repository,
        name = "openssl",
        files = {"WORKSPACE": "", "BUILD": _OPENSSL_BUILD},
    )
    maybe(
        _files_repository,
        name = "dtl",
        files = {"WORKSPACE": "", "BUILD": _HEADER_ONLY_BUILD.format(package = "libdtl-dev", name = "dtl")},
    )
    maybe(
        native.local_repository,
        name = "bazel_skylib",
        path = "/usr/share/bazel/tools/skylib",
    )

# buildifier: disable=unnamed-macro
def rules_chronon_register_toolchains(compiler = "prebuilt"):
    """Registers the chronon_toolchain the rules run (toolchain type `@rules_chronon//chronon/toolchain:toolchain_type`).

    rules_chronon_dependencies() calls it (unless `register_toolchains = False`); calling it again after with the same
    `compiler` changes nothing. A toolchain the workspace registers before (`register_toolchains(...)`) takes
    precedence.

    Args:
      compiler: `prebuilt` (default): `@rules_chronon//toolchains:prebuilt_linux_x86_64` and
        `:prebuilt_linux_aarch64`, the static binaries of the release archive, for linux x86_64 and linux aarch64
        execution platforms. `source`: `@rules_chronon//toolchains:source`, the compiler built from source (needs
        rules_chronon_dependencies(compiler = "source")). Any other execution platform gets a toolchain that fails
        with a sentence naming the platform and how to build from source (toolchains/unsupported).
    """
    _check_compiler("rules_chronon_register_toolchains", compiler)
    teams = native.existing_rule("chronon_teams")
    if teams and teams.get("compiler") and teams["compiler"] != compiler:
        fail(("rules_chronon_register_toolchains(compiler = \"{}\") follows rules_chronon_dependencies(compiler = " +
              "\"{}\"): pass the same compiler to both (or drop this call: rules_chronon_dependencies() registers " +
              "the toolchains itself)").format(compiler, teams["compiler"]))
    if compiler == "prebuilt":
        native.register_toolchains(str(Label("//toolchains:prebuilt_linux_x86_64")))
        native.register_toolchains(str(Label("//toolchains:prebuilt_linux_aarch64")))
    else:
        native.register_toolchains(str(Label("//toolchains:source")))

    # --- (release helper, issue 23) Last resort: any other execution platform resolves a toolchain that fails at
    # analysis time with a sentence naming the platform and `compiler = "source"` (toolchains/unsupported), instead
    # of `no matching toolchains found`. After every real one: a toolchain registered earlier wins.
    native.register_toolchains(str(Label("//toolchains/unsupported:all")))
    native.register_toolchains(str(Label("//toolchains:unsupported")))
