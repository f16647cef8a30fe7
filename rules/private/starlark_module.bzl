"""chronon_module: the targets of a Starlark module's values (see //chronon:python.bzl)."""

load(
    "//rules:defs.bzl",
    "chronon_group_by",
    "chronon_join",
    "chronon_source",
    "chronon_staging_query",
)
load(":starlark_proto.bzl", "labels", "type_of")

_KINDS = {
    "GroupBy": chronon_group_by,
    "Join": chronon_join,
    "StagingQuery": chronon_staging_query,
    "Source": chronon_source,
}

def chronon_module(name, teams = None, visibility = None, testonly = None, **values):
    """The targets of a module's values, as the textproto rules declare them.

    `chronon_module(name = "purchases", v1 = v1, v2 = v2)` in `group_bys/<team>/BUILD`, next to `purchases.bzl`,
    declares `purchases.v1` and `purchases.v2` (chronon_group_by; Chronon name `<team>.purchases.v1`, as compile.py
    names variable `v1` of `group_bys/<team>/purchases.py`). A Join becomes a chronon_join, a StagingQuery a
    chronon_staging_query, a Source a chronon_source (GroupBys and Joins may also embed a Source value instead). Each
    target's `deps` are the labels its value names (Source / GroupBy / Join refs given as labels, and staging
    queries), in the order written. The target's compile action gets the value itself (its `value`, Starlark's repr() of
    it), makes its textproto under a header naming this call and compiles it: no target or action of its own.
    `bazel build --output_groups=chronon_textproto` writes that textproto to `<module>.<var>.generated.textproto`.

    Args:
      name: the module's name (its .bzl file without `.bzl`), the first part of every target name.
      teams: a team config instead of `//:teams.json` (see chronon_group_by).
      visibility: of every target.
      testonly: of every target.
      **values: `<var> = <value>` for each value of the module, in the order the targets are declared.
    """
    package = native.package_name()
    if not values:
        fail("chronon_module(name = {}): give the module's values, e.g. chronon_module(name = {}, v1 = v1)".format(
            repr(name),
            repr(name),
        ))
    for var, value in values.items():
        kind = getattr(value, "_chronon_type", None)
        if kind in ("EventSource", "EntitySource"):
            value = struct(_chronon_type = "Source", **{("events" if kind == "EventSource" else "entities"): value})
            kind = "Source"
        if kind not in _KINDS:
            fail(("chronon_module(name = {}): `{}` is {}; a module's values are GroupBy, Join, StagingQuery and " +
                  "Source values").format(repr(name), var, type_of(value)))
        macro = _KINDS[kind]
        target = name + "." + var

        # For the compiler's messages. Not the call's line (Bazel's own ERROR line names it): the compile action
        # would run again whenever a line is added above the call.
        origin = "from the value `{}` of //{}:{}.bzl, written by chronon_module(name = \"{}\", {} = ...) in //{}:BUILD".format(
            var,
            package,
            name,
            name,
            var,
            package,
        )
        kwargs = {"visibility": visibility, "origin": origin}
        if testonly != None:
            kwargs["testonly"] = testonly
        if kind != "Source" and teams != None:
            kwargs["teams"] = teams

        # The value travels as repr() (a builtin: cheap while the BUILD file loads), which keeps the order of its
        # maps; the compile action writes its textproto (chronon/compiler/starlark_value.h).
        macro(name = target, value = repr(value), deps = labels(value), **kwargs)
