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

sh_binary(
    name = "protoc",
    srcs = ["bin/protoc"],
)

cc_library(
    name = "protobuf",
    linkopts = ["-lprotobuf"],
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

_SYSTEM_LIBS_BUILD = '''# Debian's -dev packages, linked from /usr. Headers are on the compiler's default include path.
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "absl",
    linkopts = [
        "-labsl_status",
        "-labsl_statusor",
        "-labsl_str_format_internal",
        "-labsl_strings",
        "-labsl_strings_internal",
        "-labsl_cord",
        "-labsl_cord_internal",
        "-labsl_cordz_info",
        "-labsl_cordz_handle",
        "-labsl_cordz_functions",
        "-labsl_exponential_biased",
        "-labsl_synchronization",
        "-labsl_graphcycles_internal",
        "-labsl_stacktrace",
        "-labsl_symbolize",
        "-labsl_debugging_internal",
        "-labsl_demangle_internal",
        "-labsl_malloc_internal",
        "-labsl_time",
        "-labsl_civil_time",
        "-labsl_time_zone",
        "-labsl_hash",
        "-labsl_city",
        "-labsl_low_level_hash",
        "-labsl_raw_hash_set",
        "-labsl_hashtablez_sampler",
        "-labsl_int128",
        "-labsl_throw_delegate",
        "-labsl_base",
        "-labsl_spinlock_wait",
        "-labsl_raw_logging_internal",
        "-labsl_log_severity",
        "-labsl_strerror",
        "-labsl_bad_optional_access",
        "-labsl_bad_variant_access",
    ],
)

cc_library(
    name = "nlohmann_json",
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

# A WORKSPACE function by convention (like rules_go's go_rules_dependencies), called once: no `name`.
# buildifier: disable=unnamed-macro
def rules_chronon_dependencies(teams_json = "@//:teams.json"):
    """Declares every repository rules_chronon needs that the workspace does not declare itself.

    Call it from your WORKSPACE after your own repositories: each one here goes through `maybe()`, so a repository
    of the same name that the workspace already declares (`rules_cc`, `com_google_protobuf`, `bazel_skylib`, ...)
    wins.

    Args:
      teams_json: the workspace's teams.json, split per team into `@chronon_teams` (rules/private/team_config.bzl);
        None in a workspace without Chronon definitions of its own.
    """
    maybe(
        chronon_team_config,
        name = "chronon_teams",
        teams_json = teams_json,
    )
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
    maybe(
        _files_repository,
        name = "com_google_protobuf",
        files = {"WORKSPACE": "", "BUILD": _PROTOBUF_BUILD},
        symlinks = {"bin/protoc": "/usr/bin/protoc"},
    )
    maybe(
        _files_repository,
        name = "chronon_system_libs",
        files = {"WORKSPACE": "", "BUILD": _SYSTEM_LIBS_BUILD},
    )
    maybe(
        native.local_repository,
        name = "bazel_skylib",
        path = "/usr/share/bazel/tools/skylib",
    )
