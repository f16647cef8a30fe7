"""One last-resort chronon_toolchain per (os, cpu) that has no prebuilt tools, each naming its platform."""

_OS = ["linux", "macos", "windows", "freebsd", "openbsd"]
_CPU = ["x86_64", "aarch64", "arm64", "arm", "armv7", "x86_32", "i386", "ppc", "s390x", "riscv64", "mips64"]

# Prebuilt tools exist for these (//toolchains:prebuilt_linux_*), registered ahead of these toolchains.
_PREBUILT = [("linux", "x86_64"), ("linux", "aarch64")]

def _unsupported_impl(ctx):
    return [platform_common.ToolchainInfo(unsupported = (
        "rules_chronon has no prebuilt chronon_compiler for the execution platform {platform} (prebuilt tools exist " +
        "for linux x86_64 and linux aarch64). Build the tools from source there: in your WORKSPACE, " +
        "rules_chronon_dependencies(compiler = \"source\") and rules_chronon_register_toolchains(compiler = " +
        "\"source\"), which need a C++17 compiler with Bazel's C++ toolchain for it, protoc and libprotobuf (3.21), " +
        "Abseil, nlohmann-json and dtl: see docs/install.md, \"Building from source on other systems\". Or register a " +
        "chronon_toolchain of your own (docs/rules.md#chronon_toolchain) before rules_chronon_register_toolchains()."
    ).format(platform = ctx.attr.platform))]

chronon_unsupported_toolchain = rule(
    implementation = _unsupported_impl,
    attrs = {"platform": attr.string(mandatory = True, doc = "The execution platform's name, for the message.")},
    doc = "The last-resort toolchain: a rule that resolves it fails at analysis time " +
          "with a sentence naming the platform and the way to build from source, instead of Bazel's bare " +
          "`no matching toolchains found` (rules/private/toolchain.bzl, chronon_tools, fails with " +
          "the ToolchainInfo's `unsupported` sentence).",
)

# buildifier: disable=unnamed-macro
def unsupported_toolchains(toolchain_type):
    """Declares `<os>_<cpu>` toolchains for every known platform without prebuilt tools.

    Args:
      toolchain_type: the chronon toolchain type's label.
    """
    for os in _OS:
        for cpu in _CPU:
            if (os, cpu) in _PREBUILT:
                continue
            name = "{}_{}".format(os, cpu)
            chronon_unsupported_toolchain(name = name + "_tools", platform = "{} {}".format(os, cpu))
            native.toolchain(
                name = name,
                exec_compatible_with = ["@platforms//os:" + os, "@platforms//cpu:" + cpu],
                toolchain = ":" + name + "_tools",
                toolchain_type = toolchain_type,
            )
