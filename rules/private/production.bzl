"""chronon_production: the `production/` tree that Chronon's run.py reads, built, written back and checked."""

load(":providers.bzl", "ChrononInfo")

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
    # Flattening is needed here: each file becomes one symlink. This is one cheap rule per workspace.
    confs = depset(transitive = [dep[ChrononInfo].transitive_confs for dep in ctx.attr.deps])
    outputs = []
    lines = []
    seen = {}
    for conf in confs.to_list():
        path = production_path(conf)
        if path in seen:
            fail("{} and {} both compile to {}".format(seen[path], conf.owner, path))
        seen[path] = conf.owner
        out = ctx.actions.declare_file(path)
        ctx.actions.symlink(output = out, target_file = conf)
        outputs.append(out)
        lines.append("{}\t{}".format(path[len("production/"):], conf.short_path))
    manifest = ctx.actions.declare_file(ctx.label.name + ".production_manifest")
    ctx.actions.write(manifest, "".join([line + "\n" for line in sorted(lines)]))
    return [
        DefaultInfo(files = depset(outputs)),
        ChrononProductionInfo(manifest = manifest, confs = confs),
    ]

chronon_production_tree = rule(
    implementation = _tree_impl,
    attrs = {
        "deps": attr.label_list(
            providers = [ChrononInfo],
            doc = "Chronon targets whose engine JSON (and that of everything they depend on) forms the tree.",
        ),
    },
    provides = [ChrononProductionInfo],
    doc = "Assembles `production/<group_bys|joins|staging_queries>/<team>/<name>` in this package's output " +
          "directory (e.g. `bazel-bin/production/...` at the workspace root), the layout compile.py writes.",
)

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _sync_impl(ctx, mode, extra_args, extra_files):
    tree = ctx.attr.tree[ChrononProductionInfo]
    package = ctx.label.package
    directory = (package + "/" if package else "") + ctx.attr.dir
    update_label = "//{}:{}".format(package, ctx.attr.update_target)
    args = [
        ctx.file._script.short_path,
        mode,
        tree.manifest.short_path,
        ctx.executable._conf_tool.short_path,
        directory,
        update_label,
    ] + extra_args
    launcher = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = launcher,
        content = "#!/usr/bin/env bash\nexec {} \"$@\"\n".format(" ".join([_shell_quote(a) for a in args])),
        is_executable = True,
    )
    runfiles = ctx.runfiles(
        files = [ctx.file._script, tree.manifest] + extra_files,
        transitive_files = tree.confs,
    ).merge(ctx.attr._conf_tool[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = launcher, runfiles = runfiles)]

def _update_impl(ctx):
    return _sync_impl(ctx, "update", [], [])

def _test_impl(ctx):
    listing = ctx.actions.declare_file(ctx.label.name + ".checked_in")
    ctx.actions.write(listing, "".join([f.short_path + "\n" for f in ctx.files.checked_in]))
    return _sync_impl(ctx, "check", ["--checked_in=" + listing.short_path], [listing] + ctx.files.checked_in)

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
        "_script": attr.label(
            default = "//rules/private:production_sync.sh",
            allow_single_file = True,
        ),
        "_conf_tool": attr.label(
            default = "//chronon:chronon_conf_tool",
            executable = True,
            cfg = "target",
        ),
    }
    attrs.update(extra)
    return attrs

chronon_production_update = rule(
    implementation = _update_impl,
    attrs = _sync_attrs({}),
    executable = True,
    doc = "`bazel run` writes the built tree into the source tree and removes files whose definitions are gone.",
)

chronon_production_test = rule(
    implementation = _test_impl,
    attrs = _sync_attrs({
        "checked_in": attr.label_list(
            allow_files = True,
            doc = "Every file of the checked-in tree (a glob of `<dir>/**`).",
        ),
    }),
    test = True,
    doc = "Fails when the checked-in tree differs from the built one, with a diff and the command that fixes it.",
)

def chronon_production(name, deps, dir = "production", checked_in = True, visibility = None, **kwargs):
    """The `production/` tree: built, written into the source tree, and checked for staleness.

    Args:
      name: the tree target; `bazel build :<name>` assembles `bazel-bin/<package>/production/...`.
      deps: Chronon targets whose engine JSON (and that of everything they depend on) forms the tree.
      dir: the checked-in tree, relative to this package.
      checked_in: whether the tree is checked in; if so, `<name>.update` and `<name>_test` are created.
      visibility: of the tree target.
      **kwargs: common attributes (e.g. `tags`) for the tree target and the test.
    """
    chronon_production_tree(name = name, deps = deps, visibility = visibility, **kwargs)
    if not checked_in:
        return
    chronon_production_update(
        name = name + ".update",
        tree = ":" + name,
        dir = dir,
        update_target = name + ".update",
        tags = ["manual"],
    )
    chronon_production_test(
        name = name + "_test",
        tree = ":" + name,
        dir = dir,
        update_target = name + ".update",
        checked_in = native.glob([dir + "/**"], allow_empty = True),
        size = "small",
        **kwargs
    )
