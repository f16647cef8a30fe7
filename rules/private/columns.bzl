"""chronon_columns: the output columns of a compiled GroupBy or Join (compile.py's --feature-display)."""

load(":providers.bzl", "ChrononInfo")
load(":shell.bzl", "shell_quote")
load(":toolchain.bzl", "TOOLCHAIN_TYPE", "chronon_tools")

def _columns_impl(ctx):
    info = ctx.attr.conf[ChrononInfo]
    if info.kind not in ("group_by", "join"):
        fail("{} is a {}; output columns exist for GroupBys and Joins".format(ctx.attr.conf.label, info.kind))
    listing = ctx.actions.declare_file(ctx.label.name + ".txt")
    args = ctx.actions.args()
    args.add_all(["columns", info.kind, info.conf, listing])
    conf_tool = chronon_tools(ctx).conf_tool
    ctx.actions.run(
        executable = conf_tool.executable,
        tools = [conf_tool.files_to_run],
        arguments = [args],
        inputs = [info.conf],
        outputs = [listing],
        mnemonic = "ChrononColumns",
        progress_message = "Listing the output columns of {}".format(ctx.attr.conf.label),
    )
    launcher = ctx.actions.declare_file(ctx.label.name + ".sh")

    # The listing sits next to the launcher, both in bazel-out and in the runfiles tree, so the launcher finds it
    # from its own path: under `bazel run` (cwd: the runfiles tree), run directly, or as another binary's runfile.
    # Every name in it is shell-quoted: a target name may hold quotes, `$` or backticks.
    ctx.actions.write(
        output = launcher,
        content = '#!/usr/bin/env bash\nexec cat -- "$(dirname -- "$0")"/{}\n'.format(shell_quote(listing.basename)),
        is_executable = True,
    )
    return [DefaultInfo(
        files = depset([listing]),
        executable = launcher,
        runfiles = ctx.runfiles(files = [listing]),
    )]

chronon_columns = rule(
    implementation = _columns_impl,
    attrs = {
        "conf": attr.label(
            providers = [ChrononInfo],
            mandatory = True,
            doc = "The chronon_group_by or chronon_join whose output columns to list.",
        ),
    },
    executable = True,
    toolchains = [TOOLCHAIN_TYPE],
    doc = "Lists the output columns of a GroupBy or Join, one `<section>\\t<column>` per line (spec §3.5): " +
          "`bazel build` writes `<name>.txt`, `bazel run` prints it.",
)
