"""The rules that compile Chronon definitions: one ChrononCompile action per target."""

load(":names.bzl", "LENGTH_RULE", "MAX_NAME_LENGTH")
load(":providers.bzl", "ChrononInfo")
load(":team_files.bzl", "ChrononTeamsInfo")
load(":toolchain.bzl", "TOOLCHAIN_TYPE", "chronon_tools")

_KIND_FOLDERS = {
    "group_by": "group_bys",
    "join": "joins",
    "staging_query": "staging_queries",
}

def chronon_name(kind, package, name):
    """compile.py's naming: `team.[sub.]module.var` from where the definition lives.

    A definition in package `<...>/group_bys/<team>[/<sub>...]` named `<module>.<var>` is named
    `<team>.[<sub>.]<module>.<var>`, like a Python variable `var` in `group_bys/<team>/[<sub>/]<module>.py`.

    Args:
      kind: `group_by`, `join` or `staging_query`.
      package: the Bazel package of the target.
      name: the target name.

    Returns:
      A struct with `name` (the Chronon name), `team`, and `error` (a message, or None).
    """
    folder = _KIND_FOLDERS[kind]
    parts = package.split("/") if package else []
    index = -1
    for i, part in enumerate(parts):
        if part == folder:
            index = i
    if index < 0 or index + 1 >= len(parts):
        # A definition of another kind's folder (a chronon_join under group_bys/) says so: compile.py would read it
        # as the other kind.
        other = [f for k, f in _KIND_FOLDERS.items() if k != kind and f in parts]
        return struct(name = None, team = None, error = (
            "a chronon_{kind} must live in a package under {folder}/<team>/ (its Chronon name is " +
            "<team>.<module>.<var>, as compile.py names {folder}/<team>/<module>.py); this one is in //{package}{other}"
        ).format(
            kind = kind,
            folder = folder,
            package = package,
            other = ", which is under {}/, the folder of chronon_{}: move it to {}/<team>/".format(
                other[0],
                [k for k, f in _KIND_FOLDERS.items() if f == other[0]][0],
                folder,
            ) if other else "",
        ))
    team = parts[index + 1]
    rest = parts[index + 2:] + [name]
    if len(".".join(rest)) > MAX_NAME_LENGTH:
        return struct(name = None, team = None, error = (
            "its Chronon file name production/{folder}/{team}/{file}... (the sub-folders under {folder}/{team}/ " +
            "and the target name, joined by dots) is {length} characters long. {rule}"
        ).format(folder = folder, team = team, file = ".".join(rest)[:40], length = len(".".join(rest)), rule = LENGTH_RULE))
    return struct(name = ".".join([team] + rest), team = team, error = None)

def _summary_path(info):
    return info.summary.path

def _team_config(ctx, team):
    """The team config this definition reads: `teams` if given, else only its team's part of teams.json.

    Sources need none: what they read from a staging query comes resolved in its summary.
    """
    if ctx.file.teams:
        return ctx.file.teams
    teams = ctx.attr._team_split[ChrononTeamsInfo]
    return teams.by_team.get(team, teams.whole)

# The letter é, in this file's UTF-8: it travels with the text, so the compiler can tell how Bazel encoded both
# (Bazel 4.2.3 encodes every byte of 0x80 and above a second time in a param file; see cli.cc).
_TEXT_MARKER = "é"

def _escape_line(text):
    """`text` on one line, for a multiline param file: backslashes and line breaks escaped.

    The compiler's `--src_text` reverses it.
    """
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return text.replace("\r", "\\r").replace("\n", "\\n")

def _compile_impl(ctx, kind):
    summary = ctx.actions.declare_file(ctx.label.name + ".chronon.json")
    outputs = [summary]
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    args.add(kind, format = "--kind=%s")
    args.add(str(ctx.label), format = "--label=%s")
    args.add(ctx.workspace_name, format = "--workspace=%s")
    inputs = []
    compiler = chronon_tools(ctx).compiler
    generated = None
    if ctx.attr.value or ctx.attr.text:
        if ctx.file.src or (ctx.attr.value and ctx.attr.text):
            fail("give one of `src`, `text` and `value`")

        # The definition travels in the action's arguments (its param file, or the worker's request): no file-write
        # action and no target per generated definition. chronon_module's value is Starlark's repr(), whose
        # textproto the compiler writes (starlark_value.h); repr() has no line breaks to escape.
        # The compile names it `<name>.generated.textproto` in its messages but does not write it: a file more per
        # definition cost a cold build of the bench repo 0.5 s of file creation (docs/performance.md). A second
        # action, in output group chronon_textproto, writes that file on demand; the messages say how.
        generated = ctx.actions.declare_file(ctx.label.name + ".generated.textproto")
        source_arg = _TEXT_MARKER + ctx.attr.value if ctx.attr.value else _TEXT_MARKER + _escape_line(ctx.attr.text)
        source_flag = "--src_value=%s" if ctx.attr.value else "--src_text=%s"
        args.add(generated, format = "--src=%s")
        args.add(source_arg, format = source_flag)
        write = ctx.actions.args()
        write.use_param_file("@%s", use_always = True)
        write.set_param_file_format("multiline")
        write.add(kind, format = "--kind=%s")
        write.add(str(ctx.label), format = "--label=%s")
        write.add(generated, format = "--src=%s")
        write.add(source_arg, format = source_flag)
        write.add(generated, format = "--out_src=%s")
        ctx.actions.run(
            executable = compiler.executable,
            tools = [compiler.files_to_run],
            arguments = [write],
            outputs = [generated],
            mnemonic = "ChrononTextproto",
            progress_message = "Writing the textproto of {}".format(ctx.label),
            execution_requirements = {"supports-workers": "1"},
        )
    elif ctx.file.src:
        args.add(ctx.file.src, format = "--src=%s")
        inputs.append(ctx.file.src)
    else:
        fail("give `src` (a textproto file), `text` or `value`")
    if ctx.attr.origin:
        args.add(ctx.attr.origin, format = "--origin=%s")
    infos = [dep[ChrononInfo] for dep in ctx.attr.deps]
    args.add_all(infos, map_each = _summary_path, format_each = "--dep=%s")
    args.add(summary, format = "--out_summary=%s")

    conf = None
    name = ""
    team = ""
    if kind != "source":
        naming = chronon_name(kind, ctx.label.package, ctx.label.name)
        if naming.error:
            fail(naming.error)
        name = naming.name
        team = naming.team
        production_path = "production/{}/{}/{}".format(_KIND_FOLDERS[kind], team, name[len(team) + 1:])
        conf = ctx.actions.declare_file(production_path)
        outputs.append(conf)
        args.add(name, format = "--name=%s")
        args.add(conf, format = "--out_conf=%s")
        teams = _team_config(ctx, team)
        args.add(teams, format = "--teams=%s")
        inputs.append(teams)

    ctx.actions.run(
        executable = compiler.executable,
        tools = [compiler.files_to_run],
        arguments = [args],
        inputs = depset(inputs + [info.summary for info in infos]),
        outputs = outputs,
        mnemonic = "ChrononCompile",
        progress_message = "Compiling Chronon {} {}".format(kind, ctx.label),
        # `chronon_compiler --persistent_worker` answers one request per action: a Chronon object compiles in well
        # under a millisecond, so process start (and the sandbox) would otherwise dominate. Bazel's default
        # strategy list puts `worker` before `sandboxed` for actions that declare this.
        execution_requirements = {"supports-workers": "1"},
    )
    transitive = depset(
        [conf] if conf else [],
        transitive = [info.transitive_confs for info in infos],
    )
    return [
        DefaultInfo(files = depset(outputs if conf == None else [conf])),
        ChrononInfo(
            kind = kind,
            chronon_name = name,
            team = team,
            summary = summary,
            conf = conf,
            transitive_confs = transitive,
        ),
        # chronon_textproto: the textproto of a `text` or `value` definition (`--output_groups=chronon_textproto`).
        OutputGroupInfo(
            chronon_summary = depset([summary]),
            chronon_textproto = depset([generated] if generated else []),
        ),
    ]

def _attrs(deps_doc, with_teams = True):
    attrs = {
        "src": attr.label(
            allow_single_file = [".textproto", ".pbtxt", ".txtpb"],
            doc = "The definition, a textproto (`.textproto`, `.pbtxt` or `.txtpb`). Required unless `text` or `value` is given.",
        ),
        "text": attr.string(
            doc = "The definition's textproto itself, instead of `src` (e.g. written by a macro). The compiler's " +
                  "messages call it `<name>.generated.textproto`; `bazel build --output_groups=chronon_textproto` " +
                  "writes that file beside the conf.",
        ),
        "value": attr.string(
            doc = "A value of //chronon:python.bzl as Starlark's repr() writes it, instead of `src` (chronon_module " +
                  "sets it). The compiler's messages call its textproto `<name>.generated.textproto`; " +
                  "`bazel build --output_groups=chronon_textproto` writes that file beside the conf.",
        ),
        "deps": attr.label_list(
            providers = [ChrononInfo],
            doc = deps_doc,
        ),
        "origin": attr.string(
            doc = "Where `src` was written from, when it is generated (chronon_module sets it: the value, its " +
                  ".bzl and the BUILD call); the compiler's messages end with it.",
        ),
    }
    if with_teams:
        attrs["teams"] = attr.label(
            allow_single_file = [".json"],
            doc = "A team config to use instead of the workspace's `//:teams.json` (which is read per team: " +
                  "only this team's namespace and table properties, and `default`'s, so editing another team's " +
                  "entry does not rebuild this definition).",
        )
        attrs["_team_split"] = attr.label(default = "@chronon_teams//:teams", providers = [ChrononTeamsInfo])
    return attrs

def _source_impl(ctx):
    return _compile_impl(ctx, "source")

def _group_by_impl(ctx):
    return _compile_impl(ctx, "group_by")

def _join_impl(ctx):
    return _compile_impl(ctx, "join")

def _staging_query_impl(ctx):
    return _compile_impl(ctx, "staging_query")

_IMPLEMENTATIONS = {
    "source": _source_impl,
    "group_by": _group_by_impl,
    "join": _join_impl,
    "staging_query": _staging_query_impl,
}

def _make_rule(kind, doc, deps_doc):
    return rule(
        implementation = _IMPLEMENTATIONS[kind],
        attrs = _attrs(deps_doc, with_teams = kind != "source"),
        provides = [ChrononInfo],
        toolchains = [TOOLCHAIN_TYPE],
        doc = doc,
    )

# Exported under the names users type: a rule's kind is the name it is exported under here, so
# `bazel query --output=label_kind` shows `chronon_group_by rule` and `kind("chronon_group_by rule", //...)` matches
# exactly the targets of the chronon_group_by macro of rules/defs.bzl, which loads each rule under a private alias.
chronon_source = _make_rule(
    "source",
    "A Chronon Source (events, entities or a JoinSource) that GroupBys and Joins reference with `ref`.",
    "Targets the source references: a chronon_staging_query (`staging_query`) or a chronon_join (JoinSource).",
)

chronon_group_by = _make_rule(
    "group_by",
    "A Chronon GroupBy: what Python's `GroupBy(...)` takes, as a `chronon.api.GroupBy` textproto.",
    "The chronon_source, chronon_join, chronon_group_by and chronon_staging_query targets the definition references: every `ref`, and every `staging_query` of a source written inline.",
)

chronon_join = _make_rule(
    "join",
    "A Chronon Join: what Python's `Join(...)` takes, as a `chronon.api.Join` textproto.",
    "The chronon_source, chronon_group_by and chronon_staging_query targets the definition references: every `ref`, and every `staging_query` of a source written inline.",
)

chronon_staging_query = _make_rule(
    "staging_query",
    "A Chronon StagingQuery, as a `chronon.api.StagingQuery` textproto.",
    "Unused by staging queries today; accepted for symmetry.",
)
