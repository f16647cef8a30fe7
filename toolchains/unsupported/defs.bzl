"""One last-resort chronon_toolchain per (os, cpu) that has no prebuilt tools, each naming its platform."""

load("//rules/private:toolchain.bzl", "chronon_unsupported_toolchain")

_OS = ["linux", "macos", "windows", "freebsd", "openbsd"]
_CPU = ["x86_64", "aarch64", "arm64", "arm", "armv7", "x86_32", "i386", "ppc", "s390x", "riscv64", "mips64"]

# Prebuilt tools exist for these (//toolchains:prebuilt_linux_*), registered ahead of these toolchains.
_PREBUILT = [("linux", "x86_64"), ("linux", "aarch64")]

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
