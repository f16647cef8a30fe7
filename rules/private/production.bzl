"""chronon_production: the `production/` tree that Chronon's run.py reads, assembled from compiled targets."""

load(":providers.bzl", "ChrononInfo")

def production_path(conf):
    """The path of an engine JSON file relative to its package: `production/<kind>/<team>/<name>`."""
    prefix = conf.owner.package + "/" if conf.owner.package else ""
    if conf.owner.workspace_name:
        prefix = "../{}/{}".format(conf.owner.workspace_name, prefix)
    return conf.short_path[len(prefix):]

def _production_impl(ctx):
    # Flattening is needed here: each file becomes one symlink. This is one cheap rule per workspace.
    outputs = []
    seen = {}
    for conf in depset(transitive = [dep[ChrononInfo].transitive_confs for dep in ctx.attr.deps]).to_list():
        path = production_path(conf)
        if path in seen:
            fail("{} and {} both compile to {}".format(seen[path], conf.owner, path))
        seen[path] = conf.owner
        out = ctx.actions.declare_file(path)
        ctx.actions.symlink(output = out, target_file = conf)
        outputs.append(out)
    return [DefaultInfo(files = depset(outputs))]

chronon_production = rule(
    implementation = _production_impl,
    attrs = {
        "deps": attr.label_list(
            providers = [ChrononInfo],
            doc = "Chronon targets whose engine JSON (and that of everything they depend on) forms the tree.",
        ),
    },
    doc = "Assembles `production/<group_bys|joins|staging_queries>/<team>/<name>` in this package's output " +
          "directory (e.g. `bazel-bin/production/...` at the workspace root), the layout compile.py writes.",
)
