"""The names a Chronon definition may have, checked when its BUILD file is loaded.

A definition's target name and package path make its Chronon name (`team.[sub.]module.var`), which becomes a file
name under `production/`, `metaData.name`, (sanitized) Hive table names, and words in the launchers that
`bazel run` executes and in the runfiles trees of `.columns`, `.update` and `_test`. compile.py's names come from
module file names and Python identifiers. So a name is limited to what works in all of these:
tests/integration/odd_names_test.sh checks that these names work end to end and that every other character
Bazel 4.2.3 accepts is refused here, with this message, before any action runs.
"""

NAME_RULE = "ASCII letters, digits, `_`, `-` and `.`"

# File names are limited to 255 bytes, and Bazel derives longer ones from a target name (the longest:
# `<name>.columns.sh.runfiles_manifest`, 29 more); a 240-character name fails with "failed to delete output files".
MAX_NAME_LENGTH = 200

LENGTH_RULE = ("A Chronon target name, each package path component and the Chronon file name under " +
               "production/ may have at most {} characters (file names derived from them must stay under the " +
               "file system's 255 bytes).").format(MAX_NAME_LENGTH)

_ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

# Printable ASCII. Bazel refuses control characters in labels, so in a name it accepted, any other character is a
# byte of a non-ASCII character (Bazel 4 reads BUILD files as Latin-1: `é` arrives as two one-byte characters).
_ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

_DESCRIPTIONS = {
    " ": "a space (Bazel 4.2.3 cannot put file names with spaces in runfiles trees)",
    "/": "`/` (sub-folders are packages: `group_bys/<team>/<sub>/BUILD` names `<team>.<sub>.<module>.<var>`)",
    "'": "a single quote (`'`)",
    "\"": "a double quote (`\"`)",
    "`": "a backtick",
    "\\": "a backslash",
}

_NON_ASCII = ("non-ASCII characters (`{}`): Bazel 4.2.3 passes non-ASCII file names to actions double-encoded " +
              "(the UTF-8 of their Latin-1 reading), so the compile action could not find its files")

def _first_bad(text):
    """How the first character of `text` outside _ALLOWED is described, or None if there is none."""
    for i in range(len(text)):
        c = text[i]
        if c in _ALLOWED:
            continue
        if c not in _ASCII:
            end = len(text)
            for j in range(i + 1, len(text)):
                if text[j] in _ASCII:
                    end = j
                    break
            return _NON_ASCII.format(text[i:end])
        return _DESCRIPTIONS.get(c, "`{}`".format(c))
    return None

def check_name(macro, name, paths = {}):
    """Fails, naming the target, the character and the rule, unless `name` and the package path follow the rule.

    Args:
      macro: the public macro (`chronon_group_by`, ...), for the message.
      name: the target name.
      paths: more paths to check the same way, `{attribute name: path relative to the package}`.
    """
    package = native.package_name()
    problems = []
    too_long = []
    bad = _first_bad(name)
    if bad:
        problems.append("its name contains " + bad)
    if len(name) > MAX_NAME_LENGTH:
        too_long.append("its name is {} characters long".format(len(name)))
    checked = [("package path", package)] + [("`{}`".format(k), v) for k, v in paths.items()]
    for what, path in checked:
        for part in path.split("/") if path else []:
            bad = _first_bad(part)
            if bad:
                problems.append("its {} component \"{}\" contains {}".format(what, part, bad))
                break
        for part in path.split("/") if path else []:
            if len(part) > MAX_NAME_LENGTH:
                too_long.append("its {} component \"{}...\" is {} characters long".format(what, part[:20], len(part)))
                break
    if problems or too_long:
        rules = []
        if problems:
            rules.append("The name and package path of a Chronon target may contain only {}.".format(NAME_RULE))
        if too_long:
            rules.append(LENGTH_RULE)
        fail("{} //{}:{}: {}. {}".format(
            macro,
            package,
            name[:60] + "..." if len(name) > 60 else name,
            "; ".join(problems + too_long),
            " ".join(rules),
        ))

def check_ascii_label(macro, name, attribute, value):
    """Fails if a label attribute given as a string names a file with non-ASCII characters (see _NON_ASCII).

    Args:
      macro: the public macro, for the message.
      name: the target name, for the message.
      attribute: the attribute's name, for the message.
      value: the attribute's value: a label string (checked), a Label or None (not checked).
    """
    if type(value) != "string":
        return
    for i in range(len(value)):
        if value[i] not in _ASCII:
            fail("{} //{}:{}: its `{}` ({}) contains {}. The files a Chronon target reads need ASCII names.".format(
                macro,
                native.package_name(),
                name,
                attribute,
                value,
                _first_bad(value[i:]),
            ))
