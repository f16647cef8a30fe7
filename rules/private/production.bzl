"""chronon_production: the `production/` tree that Chronon's run.py reads, built, written back and checked."""

load("@local_config_platform//:constraints.bzl", "HOST_CONSTRAINTS")
load(":providers.bzl", "ChrononInfo")
load(":shell.bzl", "shell_quote")
load(":toolchain.bzl", "TOOLCHAIN_TYPE", "chronon_tools")

ChrononProductionInfo = provider(
    doc = "A built `production/` tree: what the update and staleness-test targets of chronon_production read.",
    fields = {
        "manifest": "File: one line per engine JSON file, `<path under production/>\\t<runfiles path of the file>`.",
        "confs": "depset of File: the engine JSON files the manifest names.",
    },
)

def production_path(conf):
    """The path of an engine JSON file relative to the package of the target that compiled it.

    Args:
      conf: the engine JSON File (ChrononInfo.conf).

    Returns:
      `production/<kind>/<team>/<name after the team>`, the path compile.py writes it to.
    """
    prefix = conf.owner.package + "/" if conf.owner.package else ""
    if conf.owner.workspace_name:
        prefix = "../{}/{}".format(conf.owner.workspace_name, prefix)
    return conf.short_path[len(prefix):]

def _tree_impl(ctx):
    # Flattening is needed here: the manifest names each file. This is one rule per workspace.
    confs = depset(transitive = [dep[ChrononInfo].transitive_confs for dep in ctx.attr.deps])
    outputs = []
    lines = []
    seen = {}
    for conf in confs.to_list():
        path = production_path(conf)
        if path in seen:
            fail("{} and {} both compile to {}".format(seen[path], conf.owner, path))
        seen[path] = conf.owner
        if ctx.attr.assemble:
            out = ctx.actions.declare_file(path)
            ctx.actions.symlink(output = out, target_file = conf)
            outputs.append(out)
        lines.append("{}\t{}".format(path[len("production/"):], conf.short_path))
    manifest = ctx.actions.declare_file(ctx.label.name + ".production_manifest")
    ctx.actions.write(manifest, "".join([line + "\n" for line in sorted(lines)]))
    return [
        # Without `assemble`, the engine JSON stays where each target wrote it (bazel-bin/<its package>/production/).
        DefaultInfo(files = depset(outputs) if ctx.attr.assemble else depset([manifest], transitive = [confs])),
        ChrononProductionInfo(manifest = manifest, confs = confs),
    ]

chronon_production = rule(
    implementation = _tree_impl,
    attrs = {
        "deps": attr.label_list(
            providers = [ChrononInfo],
            doc = "Chronon targets whose engine JSON (and that of everything they depend on) forms the tree.",
        ),
        "assemble": attr.bool(
            default = True,
            doc = "Whether to assemble the tree in this package's output directory: one symlink action per conf.",
        ),
    },
    provides = [ChrononProductionInfo],
    doc = "Builds every conf of the tree and, with `assemble`, assembles " +
          "`production/<group_bys|joins|staging_queries>/<team>/<name>` in this package's output directory " +
          "(e.g. `bazel-bin/production/...` at the workspace root), the layout compile.py writes.",
)

def _sync_impl(ctx, command, extra_args, extra_files):
    tree = ctx.attr.tree[ChrononProductionInfo]
    conf_tool = chronon_tools(ctx).conf_tool
    package = ctx.label.package
    args = [
        conf_tool.executable.short_path,
        command,
        "--manifest=" + tree.manifest.short_path,
        "--dir=" + ((package + "/" if package else "") + ctx.attr.dir),
        "--owner=" + str(ctx.attr.tree.label),
        "--update_target=" + "//{}:{}".format(package, ctx.attr.update_target),
    ] + extra_args
    launcher = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = launcher,
        content = "#!/usr/bin/env bash\nexec {} \"$@\"\n".format(" ".join([shell_quote(a) for a in args])),
        is_executable = True,
    )

    # The built confs are runfiles; the checked-in tree is not (the tool reads it in place).
    runfiles = ctx.runfiles(files = [tree.manifest, conf_tool.executable] + extra_files, transitive_files = tree.confs)
    runfiles = runfiles.merge(conf_tool.runfiles)
    return [DefaultInfo(executable = launcher, runfiles = runfiles)]

def _update_impl(ctx):
    return _sync_impl(ctx, "update", [], [])

def _plan_impl(ctx):
    return _sync_impl(ctx, "plan", [], [])

def _test_impl(ctx):
    # The test finds the source tree through one runfile: the BUILD file of this package, a symlink into it.
    anchor = ctx.file.anchor
    return _sync_impl(
        ctx,
        "check",
        ["--anchor=" + anchor.short_path, "--anchor_path=" + anchor.short_path],
        [anchor],
    )

def _sync_attrs(extra):
    attrs = {
        "tree": attr.label(
            providers = [ChrononProductionInfo],
            mandatory = True,
            doc = "The chronon_production tree to write or check.",
        ),
        "dir": attr.string(
            default = "production",
            doc = "The checked-in tree, relative to this package.",
        ),
        "update_target": attr.string(
            mandatory = True,
            doc = "Name of the update target in this package, for the command a failing check prints.",
        ),
    }
    attrs.update(extra)
    return attrs

chronon_production_update = rule(
    implementation = _update_impl,
    attrs = _sync_attrs({}),
    executable = True,
    # The conf tool comes from the toolchain, built in the exec configuration: it runs on the machine that runs
    # Bazel, optimized (-c opt: comparing 1,200 online confs takes 0.3 s instead of 3 s at -O0) and built once,
    # shared with the `.columns` targets.
    toolchains = [TOOLCHAIN_TYPE],
    doc = "`bazel run` writes the built tree into the source tree and removes the files it manages whose " +
          "definitions are gone (see chronon_production).",
)

chronon_production_plan = rule(
    implementation = _plan_impl,
    attrs = _sync_attrs({}),
    executable = True,
    toolchains = [TOOLCHAIN_TYPE],
    doc = "`bazel run` prints what the built tree changes in the checked-in one and which tables Chronon's " +
          "engine will drop and recompute (docs/plan.md); `-- --format=json`, `-- --fail-on=recompute,online`.",
)

chronon_production_test = rule(
    implementation = _test_impl,
    attrs = _sync_attrs({
        "anchor": attr.label(
            allow_single_file = True,
            mandatory = True,
            doc = "A source file of this package (its BUILD file): the test reads the checked-in tree next to it.",
        ),
    }),
    test = True,
    toolchains = [TOOLCHAIN_TYPE],
    doc = "Fails when the checked-in tree differs from the built one, with a diff and the command that fixes it.",
)

def _check_dir(dir):
    parts = dir.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            fail("chronon_production: dir = {} must be a relative path below this package, without empty, `.` " +
                 "or `..` components".format(repr(dir)))

def chronon_production_targets(name, deps, dir = "production", checked_in = True, assemble = None, visibility = None, **kwargs):
    """The `production/` tree: built, written into the source tree, checked for staleness, and planned.

    Args:
      name: the tree target; `bazel build :<name>` assembles `bazel-bin/<package>/production/...`.
      deps: Chronon targets whose engine JSON (and that of everything they depend on) forms the tree.
      dir: the checked-in tree, relative to this package.
      checked_in: whether the tree is checked in; if so, `<name>.update`, `<name>.plan` and `<name>_test` are
        created.
      assemble: whether `bazel build :<name>` also assembles the tree under `bazel-bin/<package>/`; default: only
        when it is not checked in (a checked-in tree is written by `<name>.update`, and a second copy costs one
        action and one output file per conf in every build).
      visibility: of the tree target.
      **kwargs: common attributes (e.g. `tags`) for the tree target and the test.
    """
    _check_dir(dir)
    if assemble == None:
        assemble = not checked_in
    chronon_production(name = name, deps = deps, assemble = assemble, visibility = visibility, **kwargs)
    if not checked_in:
        return

    # `.update`, `.plan` and `_test` run the conf tool on the machine that runs Bazel (`bazel run`, and a `local`
    # test), never on a remote executor. Their toolchain is resolved for their execution platform; pinning it to the
    # host's constraints makes that the host platform, so they get the host's conf tool even when the first
    # execution platform is a remote one of another OS or CPU (a macOS laptop with Linux executors). The compile
    # actions keep Bazel's choice: the executor's tools. docs/remote.md.
    chronon_production_update(
        name = name + ".update",
        tree = ":" + name,
        dir = dir,
        update_target = name + ".update",
        exec_compatible_with = HOST_CONSTRAINTS,
        tags = ["manual"],
    )
    chronon_production_plan(
        name = name + ".plan",
        tree = ":" + name,
        dir = dir,
        update_target = name + ".update",
        exec_compatible_with = HOST_CONSTRAINTS,
        tags = ["manual"],
    )

    # The test reads the checked-in tree in place (no runfiles of it: a stray file with a space, or a BUILD file in
    # it, cannot break the build), so it runs locally and is never cached: `local` and `external`.
    test_kwargs = dict(kwargs)
    test_kwargs["tags"] = kwargs.get("tags", []) + ["local", "external"]
    test_kwargs.setdefault("exec_compatible_with", HOST_CONSTRAINTS)
    build_files = native.glob(["BUILD.bazel", "BUILD"], allow_empty = True)
    chronon_production_test(
        name = name + "_test",
        tree = ":" + name,
        dir = dir,
        update_target = name + ".update",
        anchor = "BUILD.bazel" if "BUILD.bazel" in build_files else "BUILD",
        size = "small",
        **test_kwargs
    )
