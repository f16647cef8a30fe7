"""compiler_error_test: an invalid definition and the exact stderr the compiler must print for it."""

load("//rules:defs.bzl", "ChrononInfo")

def _summaries(deps):
    return [dep[ChrononInfo].summary for dep in deps]

def _error_test_impl(ctx):
    summaries = _summaries(ctx.attr.deps)
    script = ctx.actions.declare_file(ctx.label.name + "_test.sh")
    arguments = [
        ctx.executable._compiler.short_path,
        ctx.attr.kind,
        str(ctx.label),
        "example_team." + ctx.label.name + ".v1",
        ctx.file.src.short_path,
        ctx.file._teams.short_path,
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
        files = [ctx.file._runner, ctx.file.src, ctx.file._teams, ctx.file.expected] + summaries,
    ).merge(ctx.attr._compiler[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_compiler_error_test = rule(
    implementation = _error_test_impl,
    test = True,
    attrs = {
        "kind": attr.string(mandatory = True, values = ["group_by", "join", "staging_query"]),
        "src": attr.label(allow_single_file = True, mandatory = True),
        "expected": attr.label(allow_single_file = [".stderr"], mandatory = True),
        "deps": attr.label_list(providers = [ChrononInfo]),
        "_compiler": attr.label(default = "//chronon:chronon_compiler", executable = True, cfg = "target"),
        "_runner": attr.label(default = ":error_test.sh", allow_single_file = True),
        "_teams": attr.label(default = ":teams.json", allow_single_file = True),
    },
)

def compiler_error_test(name, kind, src = None, expected = None, deps = []):
    """Checks that compiling `<name>.textproto` fails with exactly `<name>.stderr`.

    Args:
      name: the case; the definition is `<name>.textproto`, the expected stderr `<name>.stderr`.
      kind: what the definition is compiled as.
      src: the definition, if not `<name>.textproto`.
      expected: the expected stderr, if not `<name>.stderr`.
      deps: compiled dependencies handed to the compiler.
    """
    _compiler_error_test(
        name = name,
        kind = kind,
        src = src or name + ".textproto",
        expected = expected or name + ".stderr",
        deps = deps,
        size = "small",
    )
