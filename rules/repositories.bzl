"""Repositories rules_chronon needs, all offline: Debian's packages seen through small local repositories.

Bazel 4.2.3's built-in WORKSPACE suffix tries to download `rules_cc`, `rules_java` and
`remote_coverage_tools`. Declaring them here first, as tiny repositories written by `_files_repository`,
lets a workspace build without internet. Protobuf, Abseil, GoogleTest, nlohmann-json and dtl come from
Debian's `-dev` packages under /usr.

Every repository is declared through `maybe()`: one that the workspace already declares (its own `rules_cc`,
`com_google_protobuf`, `bazel_skylib`, ...) is kept, never replaced. Declare yours before calling
`rules_chronon_dependencies()`.
"""

load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")
load("//rules/private:team_config.bzl", "chronon_team_config")

def _files_repository_impl(rctx):
    for path, content in rctx.attr.files.items():
        rctx.file(path, content, executable = False)
    for path, target in rctx.attr.symlinks.items():
        rctx.symlink(target, path)

_files_repository = repository_rule(
    implementation = _files_repository_impl,
    attrs = {
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

_PROTOBUF_BUILD = '''# Debian's protobuf (protoc 3.21 and libprotobuf) exposed to the native proto rules.
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

_SYSTEM_LIBS_BUILD = '''# Debian's -dev packages, linked from /usr. Headers are on the compiler's default include path.
package(default_visibility = ["//visibility:public"])

ABSL = __ABSL__

config_setting(
    name = "static",
    define_values = {"chronon_link": "static"},
)

# Static: Debian's libabsl_*.a, in a group (their order is not a topological one).
cc_library(
    name = "absl",
    linkopts = select({
        ":static": ["-Wl,--start-group"] + ["-l:libabsl_%s.a" % lib for lib in ABSL] + ["-Wl,--end-group"],
        "//conditions:default": ["-labsl_" + lib for lib in ABSL],
    }),
)

cc_library(
    name = "nlohmann_json",
)

# libssl-dev's libcrypto: SHA-256 of the files the production/ update writes (its index). Static for the release:
# libcrypto.a needs only glibc (its dlopen and resolver calls are never reached by a digest).
cc_library(
    name = "crypto",
    linkopts = select({
        ":static": ["-l:libcrypto.a", "-lpthread"],
        "//conditions:default": ["-lcrypto"],
    }),
)

cc_library(
    name = "dtl",  # libdtl-dev, header-only: the diff behind the production/ staleness report
)

cc_library(
    name = "gtest",
    linkopts = ["-lgmock", "-lgtest", "-lpthread"],
)

cc_library(
    name = "gtest_main",
    linkopts = ["-lgmock", "-lgtest_main", "-lgtest", "-lpthread"],
)
'''

def chronon_system_libs(name):
    """Abseil, nlohmann-json, dtl, libcrypto and GoogleTest from Debian's `-dev` packages under /usr, for building from source.

    Args:
      name: the repository name; the compiler's BUILD file expects `chronon_system_libs`.
    """
    _files_repository(
        name = name,
        files = {"WORKSPACE": "", "BUILD": _SYSTEM_LIBS_BUILD.replace("__ABSL__", repr(_ABSL_LIBS))},
    )

_COMPILERS = ("prebuilt", "source")

def _check_compiler(function, compiler):
    if compiler not in _COMPILERS:
        fail("{}: compiler = {} must be one of {}".format(function, repr(compiler), ", ".join(_COMPILERS)))

# WORKSPACE functions by convention (like rules_go's go_rules_dependencies), called once: no `name`.
# buildifier: disable=unnamed-macro
def rules_chronon_dependencies(teams_json = "@//:teams.json", compiler = "prebuilt"):
    """Declares every repository rules_chronon needs that the workspace does not declare itself.

    Call it from your WORKSPACE after your own repositories: each one here goes through `maybe()`, so a repository
    of the same name that the workspace already declares (`rules_cc`, `com_google_protobuf`, `bazel_skylib`, ...)
    wins.

    Args:
      teams_json: the workspace's teams.json, split per team into `@chronon_teams` (rules/private/team_config.bzl);
        None in a workspace without Chronon definitions of its own.
      compiler: `prebuilt` (default): the rules run the static linux x86_64 binaries shipped in the release
        archive and need no C++ toolchain, protobuf or Abseil. `source`: the compiler is built here from source
        against Debian's `-dev` packages under /usr (`com_google_protobuf`, `chronon_system_libs` and
        `bazel_skylib` stand-ins are declared, unless the workspace has its own); this repository's tests use it.
        Pass the same value to rules_chronon_register_toolchains().
    """
    _check_compiler("rules_chronon_dependencies", compiler)
    maybe(
        chronon_team_config,
        name = "chronon_teams",
        teams_json = teams_json,
    )

    # Bazel 4.2.3's WORKSPACE suffix would download these three; offline, forwarding stubs stand in. A workspace
    # with network access can declare the real ones first.
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
        files = {
            "WORKSPACE": "",
            "BUILD": 'package(default_visibility = ["//visibility:public"])\n' +
                     'filegroup(name = "coverage_report_generator")\n' +
                     'filegroup(name = "lcov_merger")\n',
        },
    )
    if compiler != "source":
        return
    maybe(
        _files_repository,
        name = "com_google_protobuf",
        files = {"WORKSPACE": "", "BUILD": _PROTOBUF_BUILD},
        symlinks = {"bin/protoc": "/usr/bin/protoc"},
    )
    maybe(chronon_system_libs, name = "chronon_system_libs")
    maybe(
        native.local_repository,
        name = "bazel_skylib",
        path = "/usr/share/bazel/tools/skylib",
    )

# buildifier: disable=unnamed-macro
def rules_chronon_register_toolchains(compiler = "prebuilt"):
    """Registers the chronon_toolchain the rules run (toolchain type `@rules_chronon//chronon:toolchain_type`).

    Call it from your WORKSPACE after rules_chronon_dependencies(). A toolchain the workspace registers before it
    (`register_toolchains(...)`) takes precedence.

    Args:
      compiler: `prebuilt` (default): `@rules_chronon//toolchains:prebuilt_linux_x86_64`, the static binaries of
        the release archive, for linux x86_64 execution platforms. `source`: `@rules_chronon//toolchains:source`,
        the compiler built from source (needs rules_chronon_dependencies(compiler = "source")).
    """
    _check_compiler("rules_chronon_register_toolchains", compiler)
    if compiler == "prebuilt":
        native.register_toolchains(str(Label("//toolchains:prebuilt_linux_x86_64")))
    else:
        native.register_toolchains(str(Label("//toolchains:source")))
