"""Public API of rules_chronon: Bazel rules that compile Chronon feature definitions (textproto) to engine JSON.

Load from here only; everything under `private/` may change.

Names: the name and the package path of every target these macros create may contain only ASCII letters, digits,
`_`, `-` and `.` (a Chronon name is a file name under `production/`, `metaData.name` and, sanitized, Hive table
names, as compile.py derives them from module file names and Python identifiers). Anything else fails when the
BUILD file is loaded, naming the target and the character: spaces, quotes, `$`, backticks and the other punctuation
Bazel accepts in labels, `/` in a target name (use a sub-package), and non-ASCII letters, which Bazel 4.2.3 accepts
in target names but hands to actions double-encoded, so no compile action could read or write them.
"""

load("//rules/private:columns.bzl", _chronon_columns = "chronon_columns")
load(
    "//rules/private:compile.bzl",
    _chronon_group_by_rule = "chronon_group_by",
    _chronon_join_rule = "chronon_join",
    _chronon_name = "chronon_name",
    _chronon_source_rule = "chronon_source",
    _chronon_staging_query_rule = "chronon_staging_query",
)
load("//rules/private:names.bzl", _check_ascii_label = "check_ascii_label", _check_name = "check_name")
load(
    "//rules/private:production.bzl",
    _ChrononProductionInfo = "ChrononProductionInfo",
    _chronon_production_targets = "chronon_production_targets",
)
load("//rules/private:providers.bzl", _ChrononInfo = "ChrononInfo")
load("//rules/private:toolchain.bzl", _chronon_toolchain = "chronon_toolchain")

ChrononInfo = _ChrononInfo
ChrononProductionInfo = _ChrononProductionInfo

def _with_default_src(macro, rule, name, src, **kwargs):
    # Checked here, while the BUILD file loads: a name that cannot work end to end fails now, with the rule it breaks,
    # instead of in a compile action, a runfiles tree or a launcher.
    _check_name(macro, name)
    if macro != "chronon_source":
        # Where the definition lives makes its Chronon name and team: a chronon_join under group_bys/ fails now, when
        # the BUILD file loads, not when the target is analyzed.
        naming = _chronon_name(macro[len("chronon_"):], native.package_name(), name)
        if naming.error:
            fail("{} //{}:{}: {}".format(macro, native.package_name(), name, naming.error))
    _check_ascii_label(macro, name, "src", src)
    _check_ascii_label(macro, name, "teams", kwargs.get("teams"))
    if not src and not kwargs.get("text") and not kwargs.get("value"):
        src = name + ".textproto"
    rule(name = name, src = src, **kwargs)

def _with_columns(name, kwargs):
    # `<name>.columns`: manual, so `bazel build //...` does not pay for it.
    _chronon_columns(
        name = name + ".columns",
        conf = ":" + name,
        tags = ["manual"],
        visibility = kwargs.get("visibility"),
        testonly = kwargs.get("testonly", False),
    )

def chronon_columns(name, conf, **kwargs):
    """The output columns of a GroupBy or Join, as compile.py's `--feature-display` derives them (spec §3.5).

    chronon_group_by and chronon_join create one for each definition, `<name>.columns` (tagged `manual`):
    `bazel run //joins/team:x.v1.columns` prints `<section>\t<column>` lines; `bazel build` writes
    `<name>.columns.txt`. GroupBy sections: `key`, `feature`, `derived`; Join: `left`, `join_part`, `external`,
    `derived`.

    Args:
      name: target name (ASCII letters, digits, `_`, `-` and `.`; see Names above).
      conf: the chronon_group_by or chronon_join.
      **kwargs: common attributes.
    """
    _check_name("chronon_columns", name)
    _chronon_columns(name = name, conf = conf, **kwargs)

def chronon_source(name, src = None, **kwargs):
    """A Chronon Source (events, entities or JoinSource) that GroupBys and Joins reference with `ref`.

    Args:
      name: target name; GroupBys and Joins write `ref: "//package:name"`. ASCII letters, digits, `_`, `-` and `.`,
        as in the package path (see Names above).
      src: the `chronon.api.Source` textproto; defaults to `<name>.textproto`.
      **kwargs: `deps` (the staging query or join it is built on), `teams`, and the common attributes.
    """
    _with_default_src("chronon_source", _chronon_source_rule, name, src, **kwargs)

def chronon_group_by(name, src = None, **kwargs):
    """A Chronon GroupBy, compiled to `production/group_bys/<team>/<name after the team>`.

    Also creates `<name>.columns` (see chronon_columns).

    The target must live in a package under `group_bys/<team>/`; its Chronon name is
    `<team>.[<sub>.]<name>`, as compile.py names variable `var` of `group_bys/<team>/[<sub>/]<module>.py`
    `<team>.[<sub>.]<module>.<var>`: name the target `<module>.<var>`.

    Args:
      name: target name, `<module>.<var>` (e.g. `example_group_by.v0`): ASCII letters, digits, `_`, `-` and `.`,
        as in the package path (see Names above).
      src: the `chronon.api.GroupBy` textproto; defaults to `<name>.textproto`.
      **kwargs: `deps` (every chronon_source / chronon_join the definition references), `teams`, and the common
        attributes.
    """
    _with_default_src("chronon_group_by", _chronon_group_by_rule, name, src, **kwargs)
    _with_columns(name, kwargs)

def chronon_join(name, src = None, **kwargs):
    """A Chronon Join, compiled to `production/joins/<team>/<name after the team>`.

    Also creates `<name>.columns` (see chronon_columns).

    Args:
      name: target name, `<module>.<var>` (e.g. `example_join.v1`); the package is under `joins/<team>/`. ASCII
        letters, digits, `_`, `-` and `.`, as in the package path (see Names above).
      src: the `chronon.api.Join` textproto; defaults to `<name>.textproto`.
      **kwargs: `deps` (every chronon_source / chronon_group_by the definition references), `teams`, and the
        common attributes.
    """
    _with_default_src("chronon_join", _chronon_join_rule, name, src, **kwargs)
    _with_columns(name, kwargs)

def chronon_staging_query(name, src = None, **kwargs):
    """A Chronon StagingQuery, compiled to `production/staging_queries/<team>/<name after the team>`.

    Args:
      name: target name, `<module>.<var>`; the package is under `staging_queries/<team>/`. ASCII letters,
        digits, `_`, `-` and `.`, as in the package path (see Names above).
      src: the `chronon.api.StagingQuery` textproto; defaults to `<name>.textproto`.
      **kwargs: `teams` and the common attributes.
    """
    _with_default_src("chronon_staging_query", _chronon_staging_query_rule, name, src, **kwargs)

def chronon_production(name, deps, dir = "production", checked_in = True, assemble = None, **kwargs):
    """The `production/` tree that Chronon's run.py reads: built, written into the source tree, and checked.

    Creates `<name>` (`bazel build` builds every conf; with `assemble`, it also assembles
    `bazel-bin/<package>/production/...`) and, with `checked_in`,
    `<name>.update` (`bazel run` writes the tree into `<package>/<dir>/` and removes the files it manages whose
    definitions are gone; `-- --check` only compares), `<name>.plan` (`bazel run` prints, per conf added, removed
    or changed, the members that changed and the Join tables Chronon's engine will drop and recompute, with the
    reason of each; `-- --format=json` and `-- --fail-on=recompute,online`; see docs/plan.md) and `<name>_test`
    (fails when the checked-in tree is stale, printing a diff and the command that fixes it; it reads the tree in
    place, tagged `local` and `external`).
    The files a target manages are listed in `<dir>/.chronon_managed` (checked in); everything else in `<dir>/` is
    left alone. An online GroupBy or Join whose content changed, or that is gone, is reported separately:
    compile.py refuses to overwrite it, and `bazel run :<name>.update -- --force-overwrite` acknowledges it.

    Args:
      name: the tree target (ASCII letters, digits, `_`, `-` and `.`, as in `dir`; see Names above).
      deps: chronon_group_by / chronon_join / chronon_staging_query targets; everything they depend on is included.
      dir: the checked-in tree, relative to this package (default `production`).
      checked_in: create the update, plan and test targets (the tree is checked in); default True.
      assemble: also assemble the tree under `bazel-bin/<package>/production/` (one symlink per conf); default:
        only when not `checked_in` (a checked-in tree is written by `<name>.update`; each conf is also in
        `bazel-bin/<its package>/production/`).
      **kwargs: common attributes (`visibility` of the tree, `tags`).
    """
    _check_name("chronon_production", name, {"dir": dir})
    _chronon_production_targets(name = name, deps = deps, dir = dir, checked_in = checked_in, assemble = assemble, **kwargs)

def chronon_toolchain(name, compiler, conf_tool, **kwargs):
    """The tools the rules run, for a `toolchain(toolchain_type = "@rules_chronon//chronon/toolchain:toolchain_type")`.

    rules_chronon_register_toolchains() (rules/repositories.bzl) registers one of the two that ship: the static
    linux x86_64 binaries of the release archive (`prebuilt`) or the tools built from source (`source`). Define
    your own (e.g. a build for another platform) and register it before calling that function.

    Args:
      name: target name.
      compiler: `chronon_compiler`: a cc_binary, or an executable file.
      conf_tool: `chronon_conf_tool` (output columns, the production/ update and check): a cc_binary, or a file.
      **kwargs: common attributes.
    """
    _chronon_toolchain(name = name, compiler = compiler, conf_tool = conf_tool, **kwargs)
