"""chronon_toolchain: the compiler and the conf tool the rules run, chosen by toolchain resolution."""

# The toolchain type every rule of rules_chronon requires, in a package that loads nothing (chronon/toolchain/BUILD).
# Made from a Label, so that it names this repository wherever the rules are loaded from
# (`@rules_chronon//chronon/toolchain:toolchain_type` in a consumer workspace); a string, as Bazel 4.2.3's
# rule(toolchains = ...) wants.
TOOLCHAIN_TYPE = str(Label("//chronon/toolchain:toolchain_type"))

def _tool(target, file):
    return struct(
        executable = file,
        files_to_run = target[DefaultInfo].files_to_run,
        runfiles = target[DefaultInfo].default_runfiles,
    )

def _chronon_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        compiler = _tool(ctx.attr.compiler, ctx.executable.compiler),
        conf_tool = _tool(ctx.attr.conf_tool, ctx.executable.conf_tool),
    )]

chronon_toolchain = rule(
    implementation = _chronon_toolchain_impl,
    attrs = {
        "compiler": attr.label(
            mandatory = True,
            executable = True,
            allow_files = True,
            cfg = "exec",
            doc = "`chronon_compiler`: a cc_binary built from source, or a prebuilt file.",
        ),
        "conf_tool": attr.label(
            mandatory = True,
            executable = True,
            allow_files = True,
            cfg = "exec",
            doc = "`chronon_conf_tool` (output columns, the production/ update and check): a cc_binary or a file.",
        ),
    },
    doc = "The tools of rules_chronon; register it with `toolchain(toolchain_type = " +
          "\"@rules_chronon//chronon/toolchain:toolchain_type\", ...)`.",
)

def chronon_tools(ctx):
    """The registered toolchain's tools.

    Args:
      ctx: the rule context of a rule with `toolchains = [TOOLCHAIN_TYPE]`.

    Returns:
      A struct with `compiler` and `conf_tool`, each a struct with `executable` (File), `files_to_run` and
      `runfiles`.
    """
    tools = ctx.toolchains[TOOLCHAIN_TYPE]
    unsupported = getattr(tools, "unsupported", None)
    if unsupported:
        fail(unsupported)
    return tools
