"""chronon_team_config: teams.json split per team, so that editing one team's entry rebuilds only its objects."""

load(":json_scan.bzl", "json_scan")

# The only keys of a team entry that reach compiled confs (compile.py's _set_team_level_metadata). Everything
# else in teams.json (env, description, user, ...) is read by run.py, not by the compiler.
_COMPILE_KEYS = ["namespace", "table_properties"]

# Loaded by the generated BUILD file of @chronon_teams, so it must name this repository in a form that resolves
# from there. str(Label(...)) does, in every mode (issue 23; compare rules_rust#2449, where a load built from
# "@" + workspace_name broke under bzlmod):
#   Bazel 4.2.3-7 WORKSPACE, rules_chronon external: "@rules_chronon//rules/private:team_files.bzl";
#   bzlmod (Bazel 6+): the canonical "@@rules_chronon~<version>//..." (or "@@rules_chronon+//..."), which a
#     repository made by the `chronon` extension can load even though its repo mapping has no "rules_chronon";
#   rules_chronon as the main workspace: Bazel 4.2.3 gives "//rules/private:...", which from @chronon_teams would
#     mean @chronon_teams itself, so a leading "@" makes it "@//..." (the main repository); Bazel 6+ gives "@@//...".
# Only the first and the last are run here (Bazel 4.2.3); the bzlmod form is NOT RUN (docs/bzlmod.md).
_TEAM_FILES_BZL = Label("//rules/private:team_files.bzl")
_TEAM_FILES_LOAD = "@" + str(_TEAM_FILES_BZL) if str(_TEAM_FILES_BZL).startswith("//") else str(_TEAM_FILES_BZL)

# Kinds of JSON values (json_scan's), as messages name them.
_JSON_TYPES = {"string": "a string", "number": "a number", "boolean": "a boolean", "null": "null", "array": "an array", "object": "an object"}

# Team names longer than this are left out: their file name would be too long for the file system (255 bytes), and
# such a team cannot be a package anyway.
_MAX_TEAM_NAME = 200

def _raw(text, member):
    """The value of a json_scan member, copied as the user wrote it.

    Nothing here decodes and encodes user values again: json.encode sorts the keys of dicts, and the order of
    table_properties (like any map the user writes) reaches the compiled confs.
    """
    return text[member["start"]:member["end"]]

def _compile_view(text, entry):
    """The keys of a team's entry that reach compiled confs, as a JSON object in the user's spelling."""
    if entry["kind"] != "object":
        return _raw(text, entry)  # reported by _entry_errors
    members = []
    for key in _COMPILE_KEYS:
        member = entry["members"].get(key)
        if member != None:
            members.append(json.encode(key) + ":" + _raw(text, member))
    return "{" + ",".join(members) + "}"

def _error(at, message):
    return {"line": at["line"], "column": at["column"], "id": "invalid-team-config", "message": message}

def _entry_errors(name, entry):
    """What is wrong with the keys of a team's entry that reach compiled confs; `entry`: json_scan's member."""
    if entry["kind"] != "object":
        return [_error(entry, "the entry of team \"{}\" must be a JSON object, not {}".format(name, _JSON_TYPES[entry["kind"]]))]
    errors = []
    namespace = entry["members"].get("namespace")
    if namespace != None and namespace["kind"] != "string":
        errors.append(_error(namespace, "the \"namespace\" of team \"{}\" must be a string (a Hive database), not {}".format(name, _JSON_TYPES[namespace["kind"]])))
    properties = entry["members"].get("table_properties")
    if properties != None:
        if properties["kind"] != "object":
            errors.append(_error(properties, "the \"table_properties\" of team \"{}\" must be a JSON object of strings, not {}".format(name, _JSON_TYPES[properties["kind"]])))
        else:
            for key, value in properties["members"].items():
                if value["kind"] != "string":
                    errors.append(_error(value, "the \"table_properties\" of team \"{}\": the value of \"{}\" must be a string (a Hive table property), not {}".format(name, key, _JSON_TYPES[value["kind"]])))
    return errors

def _is_package_name(team):
    """Whether a team name can be a package component (names.bzl); a team whose name cannot has no definitions."""
    if not team or len(team) > _MAX_TEAM_NAME:
        return False
    for i in range(len(team)):
        if team[i] not in _TEAM_NAME_CHARS:
            return False
    return True

_TEAM_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

def _workspace_root(rctx):
    """The main workspace's directory, or None.

    Bazel 4.2.3's repository_ctx has no workspace_root; the output base's DO_NOT_BUILD_HERE file holds it (Bazel
    writes it in every output base, in every version since 0.x). Read only to check that teams.json and its package
    exist before rctx.path() of its label, which fails the fetch with a bare Starlark traceback ("Not a regular
    file", "Unable to load package") when either is missing.
    """
    marker = rctx.path("../../DO_NOT_BUILD_HERE")
    if not marker.exists:
        return None
    root = rctx.read(marker).strip()
    return root if root and rctx.path(root).exists else None

def _missing_teams_json(rctx, label, source):
    """A message naming the fix when teams.json or its package is missing, else None."""
    if label.workspace_name:
        return None  # a file of another repository: Bazel reports it
    root = _workspace_root(rctx)
    if not root:
        return None
    package_dir = root + ("/" + label.package if label.package else "")
    call = "rules_chronon_dependencies(teams_json = ...)"
    if not rctx.path(package_dir + "/BUILD").exists and not rctx.path(package_dir + "/BUILD.bazel").exists:
        where = "the workspace root" if not label.package else "//" + label.package
        return struct(id = "teams-json-no-package", message = (
            "{source} is in no Bazel package: {where} ({dir}) has no BUILD file. Create an empty BUILD file there " +
            "(next to {name}), or point {call} at a teams.json inside a package; then run `bazel sync " +
            "--only=chronon_teams`"
        ).format(source = source, where = where, dir = package_dir, name = label.name, call = call))
    if not rctx.path(package_dir + "/" + label.name).exists:
        return struct(id = "teams-json-missing", message = (
            "there is no {source} ({path}): rules_chronon_dependencies() reads the teams of the workspace from it. " +
            "Create it (a JSON object of teams, each with a \"namespace\"; README, \"teams.json\"), or point {call} " +
            "at another file (None: no teams); then run `bazel sync --only=chronon_teams`"
        ).format(source = source, path = package_dir + "/" + label.name, call = call))
    return None

def _team_config_impl(rctx):
    files = []
    missing = _missing_teams_json(rctx, rctx.attr.teams_json, "") if rctx.attr.teams_json else None
    if missing:
        # Every definition reports it in compiler format (line 0: the file as a whole), as for a syntax error.
        label = rctx.attr.teams_json
        source = (label.package + "/" if label.package else "") + label.name
        missing = _missing_teams_json(rctx, label, source)
        rctx.file("all_teams.json", json.encode({
            "$source": source,
            "$errors": [{"line": 0, "column": 0, "id": missing.id, "message": missing.message}],
        }) + "\n")
        files.append("all_teams.json")
    elif rctx.attr.teams_json:
        label = rctx.attr.teams_json
        source = (label.package + "/" if label.package else "") + label.name
        text = rctx.read(rctx.path(label))

        # json.decode would fail the whole fetch (a Starlark traceback in every build) on a trailing comma or a
        # duplicate key. A file that does not scan becomes one error that every definition reports in compiler
        # format (chronon/compiler/teams.cc formats "$errors"); the compiler checks the meaning of what it reads.
        scanned = json_scan(text)
        if scanned.error:
            error = scanned.error
            rctx.file("all_teams.json", json.encode({
                "$source": source,
                "$errors": [{
                    "line": error.line,
                    "column": error.column,
                    "id": "teams-json-syntax",
                    "message": error.message,
                }],
            }) + "\n")
        elif scanned.kind != "object":
            rctx.file("all_teams.json", json.encode({"$source": source, "$errors": [{
                "line": 1,
                "column": 1,
                "id": "invalid-team-config",
                "message": "teams.json must be a JSON object of teams, not {}".format(_JSON_TYPES[scanned.kind]),
            }]}) + "\n")
        else:
            # The whole file, for definitions of a team it lacks (the compiler then says so), with "$source" naming
            # the file in messages. It goes last, before the closing brace, so that every member keeps its line and
            # column (the compiler reports an error of `default` at its position in this copy).
            brace = text.rfind("}")
            rctx.file("all_teams.json", text[:brace] + ("," if scanned.members else "") + json.encode("$source") + ":" +
                                        json.encode(source) + text[brace:])
            members = scanned.members
            default = members.get("default")
            default_errors = _entry_errors("default", default) if default != None else []
            default_view = _compile_view(text, default) if default != None else "{}"
            for name, entry in members.items():
                # A team whose name cannot be a package has no definitions, and its file name would break
                # the generated BUILD file.
                if name == "default" or not _is_package_name(name):
                    continue

                # Only the errors of `default` and of this team: a broken entry fails only its own team's
                # definitions. Positions are in the file only when there is an error, so that moving an
                # entry (or editing another) rebuilds nothing.
                errors = default_errors + _entry_errors(name, entry)
                if errors:
                    # The compile fails on these; the values themselves (a 1e999 among them) are left out.
                    view = json.encode({"$source": source, "$errors": errors})
                else:
                    view = "{" + json.encode("$source") + ":" + json.encode(source) + "," + json.encode("default") + ":" + default_view + "," + json.encode(name) + ":" + _compile_view(text, entry) + "}"
                rctx.file("team/" + name + ".json", view + "\n")
                files.append("team/" + name + ".json")
        files.append("all_teams.json")
    else:
        rctx.file("all_teams.json", "{}\n")
        files.append("all_teams.json")
    teams = {f: f[len("team/"):-len(".json")] for f in files if f.startswith("team/")}
    rctx.file("BUILD", "\n".join([
        "# Generated by chronon_team_config: per team, the keys of its teams.json entry (and of `default`) that reach",
        "# compiled confs, and the whole file for teams it lacks. Editing anything else rebuilds nothing.",
        "load({}, \"chronon_team_files\")".format(json.encode(_TEAM_FILES_LOAD)),
        'package(default_visibility = ["//visibility:public"])',
        "chronon_team_files(name = \"teams\", teams = {}, whole = \"all_teams.json\")".format(json.encode(teams)),
        "",
    ]))

chronon_team_config = repository_rule(
    implementation = _team_config_impl,
    attrs = {
        "compiler": attr.string(
            doc = "rules_chronon_dependencies()'s `compiler`, recorded so that rules_chronon_register_toolchains() " +
                  "can check that it gets the same one. Not read here.",
        ),
        "teams_json": attr.label(
            allow_single_file = True,
            doc = "The workspace's teams.json (none: an empty team config).",
        ),
    },
    doc = "Splits teams.json into one file per team holding only what the compiler reads (namespace and " +
          "table_properties of the team and of `default`). Each definition's compile action reads only its " +
          "team's file, so an edit of one team's entry rebuilds only that team's objects, and an edit of keys the " +
          "compiler does not read (env, description) rebuilds nothing. A definition of a team that teams.json " +
          "lacks reads the whole file and fails with `unknown-team`.",
)
