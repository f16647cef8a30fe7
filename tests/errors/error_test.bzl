"""compiler_error_test: a definition and the exact stderr the compiler must print for it."""

load("//rules:defs.bzl", "ChrononInfo")

def _error_test_impl(ctx):
    summaries = [dep[ChrononInfo].summary for dep in ctx.attr.deps]
    script = ctx.actions.declare_file(ctx.label.name + "_test.sh")
    arguments = [
        ctx.attr.expect,
        ctx.executable._compiler.short_path,
        ctx.attr.kind,
        str(ctx.label),
        ctx.attr.chronon_name or "example_team.{}.v1".format(ctx.label.name),
        ctx.file.src.short_path,
        ctx.file.teams.short_path,
        ctx.file.expected.short_path,
    ] + [s.short_path for s in summaries]
    ctx.actions.write(
        output = script,
        content = "#!/usr/bin/env bash\nexec {} {}\n".format(
            ctx.file._runner.short_path,
            " ".join(["'{}'".format(a) for a in arguments]),
        ),
        is_executable = True,
    )
    runfiles = ctx.runfiles(
        files = [ctx.file._runner, ctx.file.src, ctx.file.teams, ctx.file.expected] + summaries,
    ).merge(ctx.attr._compiler[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_compiler_error_test = rule(
    implementation = _error_test_impl,
    test = True,
    attrs = {
        "kind": attr.string(mandatory = True, values = ["source", "group_by", "join", "staging_query"]),
        "src": attr.label(allow_single_file = True, mandatory = True),
        "expected": attr.label(allow_single_file = [".stderr"], mandatory = True),
        "expect": attr.string(default = "error", values = ["error", "warning"]),
        "chronon_name": attr.string(),
        "deps": attr.label_list(providers = [ChrononInfo]),
        "teams": attr.label(default = ":teams.json", allow_single_file = True),
        "_compiler": attr.label(default = "//chronon:chronon_compiler", executable = True, cfg = "target"),
        "_runner": attr.label(default = ":error_test.sh", allow_single_file = True),
    },
)

def compiler_error_test(name, kind, deps = [], expect = "error", chronon_name = None, teams = None):
    """Checks that compiling `<name>.textproto` prints exactly `<name>.stderr`.

    Args:
      name: the case (by convention the diagnostic id); the definition is `<name>.textproto`, the expected
        stderr `<name>.stderr`.
      kind: what the definition is compiled as.
      deps: compiled dependencies handed to the compiler.
      expect: `error` (exit 1, one error line, no output) or `warning` (exit 0, outputs written).
      chronon_name: the Chronon name to compile under (default `example_team.<name>.v1`).
      teams: the team config (default `teams.json` here).
    """
    kwargs = {"teams": teams} if teams else {}
    _compiler_error_test(
        name = name,
        kind = kind,
        src = name + ".textproto",
        expected = name + ".stderr",
        expect = expect,
        chronon_name = chronon_name,
        deps = deps,
        size = "small",
        **kwargs
    )
