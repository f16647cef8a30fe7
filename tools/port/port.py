#!/usr/bin/env python3
"""Ports a Chronon Python repo to Starlark (@rules_chronon//chronon:python.bzl): docs/port.md.

    bazel run @rules_chronon//tools:port -- --from=<python repo> --to=<new workspace dir>

The user's Python is never run: every module is read with Python's own parser (`ast`) and rewritten as text, so
comments, layout and the order written stay as they are. Import lines become `load()` lines, other modules'
GroupBys, Joins and staging queries become the labels of their targets, f-strings become `.format()`, and each
package gets the `chronon_module(...)` calls of its modules. What Starlark cannot express (classes, lambdas,
closures, mutation after creation, ...) is listed as `path:line:col: error: ...`, and nothing is written.
"""

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize

PYTHON_BZL = "@rules_chronon//chronon:python.bzl"

# What each ai.chronon module gives, and python.bzl exports at its top level under the same name.
CHRONON_MODULES = {
    "ai.chronon.query": ["Query", "select"],
    "ai.chronon.group_by": [
        "GroupBy", "Aggregation", "Aggregations", "DefaultAggregation", "Window", "TimeUnit", "Operation",
        "Accuracy", "Derivation",
    ],
    "ai.chronon.join": [
        "Join", "JoinPart", "LabelPart", "BootstrapPart", "ExternalPart", "ExternalSource", "ContextualSource",
        "DataType", "Derivation",
    ],
    "ai.chronon.staging_query": ["StagingQueryEventSource", "StagingQueryEntitySource"],
    "ai.chronon.model": ["InferenceSpec", "Model", "ModelTransform", "ModelTransforms"],
    "ai.chronon.utils": [
        "get_staging_query_output_table_name", "get_join_output_table_name", "group_by_output_table_name",
        "log_table_name", "sanitize",
    ],
    "ai.chronon.api.ttypes": ["Source", "EventSource", "EntitySource", "JoinSource", "MetaData", "StagingQuery"],
}
# Thrift constructors python.bzl has only as `ttypes.<Name>` (a top-level name of its own would clash with the
# ai.chronon helper of the same name): `JoinPart = ttypes.JoinPart` after the loads.
TTYPES_ONLY = ["JoinPart", "Aggregation", "Operation", "TimeUnit", "Window"]
# `from ai.chronon import utils` (then `utils.get_join_output_table_name(...)`): python.bzl's `utils` struct.
CHRONON_STRUCTS = {"utils": "ai.chronon.utils"}

# The kind folders compile.py compiles, and the kind of object it compiles in each.
KIND_FOLDERS = {"group_bys": "GroupBy", "joins": "Join", "staging_queries": "StagingQuery"}

# Names Starlark (Bazel 4.2.3, in a .bzl file) defines.
STARLARK_BUILTINS = {
    "None", "True", "False", "all", "any", "bool", "dict", "dir", "enumerate", "fail", "float", "getattr",
    "hasattr", "hash", "int", "len", "list", "max", "min", "print", "range", "repr", "reversed", "sorted", "str",
    "tuple", "type", "zip", "struct", "native", "select", "Label", "depset",
}
# Known Python names Starlark lacks, with what to write instead.
MISSING_BUILTINS = {
    "isinstance": "`isinstance(x, str)` has no Starlark form: write `type(x) == \"string\"` (\"list\", \"dict\", "
                  "\"int\", \"struct\")",
    "set": "Starlark has no sets: use a dict's keys or a list",
    "frozenset": "Starlark has no sets: use a dict's keys or a list",
    "sum": "Starlark has no `sum`: add in a `for` loop inside a `def`",
    "map": "Starlark has no `map`: write a list comprehension",
    "filter": "Starlark has no `filter`: write a list comprehension with `if`",
    "open": "Starlark cannot read files: write the value itself",
    "round": "Starlark has no `round`: write the value",
    "abs": "Starlark (Bazel 4.2.3) has no `abs`: write `x if x >= 0 else -x`",
    "super": "Starlark has no classes",
    "eval": "Starlark has no `eval`",
    "exec": "Starlark has no `exec`",
    "globals": "Starlark has no `globals()`",
    "locals": "Starlark has no `locals()`",
    "__name__": "Starlark has no `__name__`",
    "__file__": "Starlark has no `__file__`",
}
MUTATING_METHODS = {"append", "extend", "insert", "update", "pop", "remove", "clear", "setdefault", "popitem",
                    "sort", "reverse", "add", "discard"}
# Helpers whose first argument names another module's object: a same-module object given there becomes its label.
LABEL_ARG_HELPERS = {
    "get_staging_query_output_table_name": "StagingQuery", "get_join_output_table_name": "Join",
    "group_by_output_table_name": "GroupBy", "log_table_name": "Join", "StagingQueryEventSource": "StagingQuery",
    "StagingQueryEntitySource": "StagingQuery",
}


class PortError(Exception):
    pass


class Diagnostics:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def error(self, path, node_or_pos, message):
        line, col = _pos(node_or_pos)
        self.errors.append((path, line, col, "error", message))

    def warning(self, path, node_or_pos, message):
        line, col = _pos(node_or_pos)
        self.warnings.append((path, line, col, "warning", message))

    def lines(self):
        out = []
        for path, line, col, kind, message in sorted(set(self.errors + self.warnings),
                                                     key=lambda d: (d[0], d[1], d[2], d[3], d[4])):
            out.append("{}:{}:{}: {}: {}".format(path, line, col, kind, message))
        return out


def _pos(node_or_pos):
    if isinstance(node_or_pos, tuple):
        return node_or_pos
    return node_or_pos.lineno, node_or_pos.col_offset + 1


# ---------------------------------------------------------------------------------------------------------------
# Reading the repo


class Module:
    """One user .py file: its tree, its bindings, its top-level values."""

    def __init__(self, repo, rel):
        self.repo = repo
        self.rel = rel  # "group_bys/team/x.py"
        self.dotted = rel[:-3].replace("/", ".")
        self.package = os.path.dirname(rel)  # "group_bys/team"
        self.name = os.path.basename(rel)[:-3]
        with open(os.path.join(repo.root, rel), "rb") as f:
            self.source = f.read()
        self.tree = None
        self.bindings = {}  # name -> Binding, from import statements
        self.top = {}  # name -> the top-level statement binding it (assignment or def), first binding
        self.top_order = []
        parts = rel.split("/")
        self.folder_kind = KIND_FOLDERS.get(parts[0]) if len(parts) >= 3 else None

    def label_of(self, var):
        return "//{}:{}.{}".format(self.package, self.name, var)

    def bzl_label(self):
        return "//{}:{}.bzl".format(self.package, self.name)


class Binding:
    def __init__(self, kind, node, **kw):
        self.kind = kind  # "chronon", "ttypes", "module", "name"
        self.node = node
        self.__dict__.update(kw)


class Repo:
    def __init__(self, root, diags):
        self.root = root
        self.diags = diags
        self.modules = {}  # rel -> Module
        self._kinds = {}

    def module_file(self, dotted):
        """The repo file of module `a.b.c`, or None."""
        base = os.path.join(*dotted.split("."))
        if os.path.isfile(os.path.join(self.root, base + ".py")):
            return base + ".py"
        return None

    def is_package(self, dotted):
        return os.path.isdir(os.path.join(self.root, *dotted.split(".")))

    def load(self, rel):
        if rel in self.modules:
            return self.modules[rel]
        module = Module(self, rel)
        self.modules[rel] = module
        try:
            module.tree = ast.parse(module.source, filename=rel)
        except SyntaxError as e:
            self.diags.error(rel, (e.lineno or 1, e.offset or 1), "Python syntax error: {}".format(e.msg))
            return module
        self._read_top(module)
        return module

    def _read_top(self, module):
        for stmt in module.tree.body:
            names = []
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for name, binding in self._import_bindings(module, stmt):
                    if binding is not None:
                        module.bindings[name] = binding
                    names.append(name)
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    names.extend(_target_names(target))
            elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
                names.extend(_target_names(stmt.target))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(stmt.name)
            for name in names:
                if name not in module.top:
                    module.top[name] = stmt
                    module.top_order.append(name)

    def _import_bindings(self, module, stmt):
        """[(bound name, Binding or None)] of an import statement; refuses what has no Starlark form."""
        rel = module.rel
        out = []
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                dotted = alias.name
                if dotted == "ai.chronon.api.ttypes" and alias.asname:
                    out.append((alias.asname, Binding("ttypes", stmt)))
                elif self.module_file(dotted) and alias.asname:
                    out.append((alias.asname, Binding("module", stmt, target=self.module_file(dotted))))
                elif self.module_file(dotted):
                    self.diags.error(rel, stmt, "`import {}` binds `{}`, read as `{}.<name>`: write `from {} import {}`"
                                     " (ported to a load() of its .bzl)".format(
                                         dotted, dotted.split(".")[0], dotted, *dotted.rsplit(".", 1)
                                     ) if "." in dotted else
                                     "`import {0}`: write `from {0} import <names>` (ported to a load())".format(dotted))
                    out.append((alias.asname or dotted.split(".")[0], None))
                else:
                    self.diags.error(rel, stmt, "`import {}`: not a module of this repo nor a helper module of "
                                     "ai.chronon; Starlark can load neither Python libraries nor code that does IO"
                                     .format(dotted))
                    out.append((alias.asname or dotted.split(".")[0], None))
            return out
        # from X import names
        if stmt.level:
            base = module.dotted.split(".")[:-stmt.level]
            dotted = ".".join(base + ([stmt.module] if stmt.module else []))
        else:
            dotted = stmt.module or ""
        for alias in stmt.names:
            bound = alias.asname or alias.name
            if alias.name == "*":
                self.diags.error(rel, stmt, "`from {} import *`: Starlark loads names one by one; list the names "
                                 "used".format(dotted))
                continue
            if dotted in CHRONON_MODULES:
                if alias.name in CHRONON_MODULES[dotted]:
                    out.append((bound, Binding("chronon", stmt, name=alias.name)))
                elif dotted == "ai.chronon.api.ttypes" and alias.name in TTYPES_ONLY:
                    out.append((bound, Binding("ttypes_member", stmt, name=alias.name)))
                else:
                    self.diags.error(rel, stmt, "`{}` of {} has no Starlark form in {} (docs/starlark.md lists "
                                     "the helpers)".format(alias.name, dotted, PYTHON_BZL))
                    out.append((bound, None))
            elif dotted == "ai.chronon.api" and alias.name == "ttypes":
                out.append((bound, Binding("ttypes", stmt)))
            elif dotted == "ai.chronon" and alias.name in CHRONON_STRUCTS:
                out.append((bound, Binding("chronon", stmt, name=alias.name)))
            elif dotted.startswith("ai.chronon") or dotted == "ai":
                self.diags.error(rel, stmt, "`from {} import {}`: import the helpers by name from their module "
                                 "(`from ai.chronon.group_by import GroupBy`), as {} gives them".format(
                                     dotted, alias.name, PYTHON_BZL))
                out.append((bound, None))
            elif self.module_file(dotted + "." + alias.name):
                out.append((bound, Binding("module", stmt, target=self.module_file(dotted + "." + alias.name))))
            elif self.module_file(dotted):
                out.append((bound, Binding("name", stmt, target=self.module_file(dotted), name=alias.name)))
            elif self.is_package(dotted + "." + alias.name):
                self.diags.error(rel, stmt, "`from {} import {}` imports a package: import its modules "
                                 "(`from {}.{} import <module>`)".format(dotted, alias.name, dotted, alias.name))
                out.append((bound, None))
            else:
                self.diags.error(rel, stmt, "`from {} import {}`: not a module of this repo nor a helper module "
                                 "of ai.chronon; Starlark can load neither Python libraries nor code that does "
                                 "IO".format(dotted, alias.name))
                out.append((bound, None))
        return out

    # Kinds of top-level values, without running anything: a call of GroupBy/Join/StagingQuery, a call of a
    # function whose every `return` gives one kind, a name bound to either.
    def kind_of(self, module, name, seen=None):
        key = (module.rel, name)
        if key in self._kinds:
            return self._kinds[key]
        seen = seen or set()
        if key in seen:
            return None
        seen.add(key)
        kind = None
        binding = module.bindings.get(name)
        if binding is not None:
            if binding.kind == "name":
                kind = self.kind_of(self.load(binding.target), binding.name, seen)
        elif name in module.top:
            stmt = module.top[name]
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                kind = self.kind_of_expr(module, stmt.value, seen)
        self._kinds[key] = kind
        return kind

    def kind_of_expr(self, module, expr, seen):
        if isinstance(expr, ast.Name):
            return self.kind_of(module, expr.id, seen)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            binding = module.bindings.get(expr.value.id)
            if binding is not None and binding.kind == "module":
                return self.kind_of(self.load(binding.target), expr.attr, seen)
            if binding is not None and binding.kind == "ttypes" and expr.attr in ("StagingQuery",):
                return expr.attr
            return None
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name):
                binding = module.bindings.get(func.id)
                if binding is not None and binding.kind == "chronon" and binding.name in ("GroupBy", "Join",
                                                                                          "StagingQuery"):
                    return binding.name
                if binding is not None and binding.kind == "name":
                    target = self.load(binding.target)
                    return self._returns_kind(target, binding.name, seen)
                if binding is None and isinstance(module.top.get(func.id), ast.FunctionDef):
                    return self._returns_kind(module, func.id, seen)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                binding = module.bindings.get(func.value.id)
                if binding is not None and binding.kind == "ttypes" and func.attr == "StagingQuery":
                    return "StagingQuery"
                if binding is not None and binding.kind == "module":
                    return self._returns_kind(self.load(binding.target), func.attr, seen)
        return None

    def _returns_kind(self, module, name, seen):
        binding = module.bindings.get(name)
        if binding is not None and binding.kind == "name":
            return self._returns_kind(self.load(binding.target), binding.name, seen)
        fn = module.top.get(name)
        if not isinstance(fn, ast.FunctionDef):
            return None
        kinds = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and node.value is not None:
                kinds.add(self.kind_of_expr(module, node.value, seen))
        return kinds.pop() if len(kinds) == 1 else None

    def compiled_kind(self, module, name):
        """The kind compile.py compiles `name` of `module` as (it lives in the module's kind folder), or None."""
        if name in module.bindings:
            return None
        kind = self.kind_of(module, name)
        return kind if kind is not None and kind == module.folder_kind else None


def _target_names(target):
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        out = []
        for elt in target.elts:
            out.extend(_target_names(elt))
        return out
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


# ---------------------------------------------------------------------------------------------------------------
# Writing Starlark strings


def starlark_string(value, triple=False):
    """A Starlark string literal for `value`: escapes Starlark (Bazel 4.2.3) reads the same way."""
    out = []
    for c in value:
        if c == "\\":
            out.append("\\\\")
        elif c == "\"":
            out.append("\\\"")
        elif c == "\n":
            out.append("\n" if triple else "\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 32 or ord(c) == 127:
            out.append("\\{:03o}".format(ord(c)))
        else:
            out.append(c)
    quote = "\"\"\"" if triple else "\""
    return quote + "".join(out) + quote


def _string_tokens(segment):
    """The STRING tokens of a source segment holding one (possibly implicitly concatenated) string expression."""
    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(segment).readline):
            if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_START", -1):
                tokens.append(tok)
    except (tokenize.TokenError, SyntaxError):
        return None
    return tokens


_PREFIX = re.compile(r"^([rRbBuUfF]*)(\"\"\"|'''|\"|')")


# ---------------------------------------------------------------------------------------------------------------
# Rewriting one module


class Porter:
    def __init__(self, repo, module, diags):
        self.repo = repo
        self.m = module
        self.diags = diags
        self.path = module.rel
        src = module.source
        self.line_starts = [0]
        for i, b in enumerate(src):
            if b == 0x0A:
                self.line_starts.append(i + 1)
        self.edits = []  # (start, end, replacement bytes)
        self.by_name_group_bys = set()  # labels of GroupBys this module binds by name (compile.py: Join's team)

    def off(self, line, col):
        return self.line_starts[line - 1] + col

    def span(self, node):
        return self.off(node.lineno, node.col_offset), self.off(node.end_lineno, node.end_col_offset)

    def text(self, node):
        a, b = self.span(node)
        return self.m.source[a:b].decode("utf-8")

    def err(self, node, message):
        self.diags.error(self.path, node, message)

    # -- the whole module ---------------------------------------------------------------------------------------

    def port(self):
        m = self.m
        tree = m.tree
        self.check_top(tree)
        self.visit_all(tree)
        self.drop_overwritten_names(tree)
        chronon_loads, user_loads, bindings = self.loads()
        return self.assemble(chronon_loads, user_loads, bindings)

    def drop_overwritten_names(self, tree):
        """`v1 = StagingQuery(metaData=MetaData(name="x", ...))` of a compiled value: compile.py overwrites the
        name with the one derived from the file, and the compiler rejects any other: the line goes, a comment
        says why."""
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Call)):
                continue
            if self.repo.compiled_kind(self.m, stmt.targets[0].id) is None:
                continue
            for kw in stmt.value.keywords:
                meta = kw.value
                if kw.arg != "metaData" or not isinstance(meta, ast.Call):
                    continue
                func = meta.func
                fname = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) \
                    else None
                if fname != "MetaData":
                    continue
                for name_kw in meta.keywords:
                    if name_kw.arg != "name":
                        continue
                    a, b = self.span(name_kw)
                    src = self.m.source
                    end = b
                    while end < len(src) and src[end:end + 1] in (b" ", b"\t"):
                        end += 1
                    if src[end:end + 1] == b",":
                        end += 1
                    line_a = self.line_starts[name_kw.lineno - 1]
                    line_b = src.find(b"\n", end)
                    own_line = not src[line_a:a].strip() and (line_b < 0 or not src[end:line_b].strip())
                    if own_line:
                        indent = src[line_a:a].decode("utf-8")
                        self.edits.append((line_a, line_b + 1, "{}# Ported: {} dropped; compile.py names the "
                                           "object after its file (docs/port.md)\n".format(
                                               indent, self.text(name_kw))))
                    else:
                        self.edits.append((a, end, ""))

    def check_top(self, tree):
        counts = {}
        for stmt in tree.body:
            if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.Try, ast.With, ast.AsyncWith)):
                word = {ast.For: "for", ast.AsyncFor: "for", ast.While: "while", ast.If: "if", ast.Try: "try",
                        ast.With: "with", ast.AsyncWith: "with"}[type(stmt)]
                self.err(stmt, "a top-level `{}` statement: Starlark allows none at the top level of a .bzl file; "
                         "write a comprehension, or a `def` called at top level".format(word))
            if isinstance(stmt, ast.AugAssign):
                self.err(stmt, "`{} {}= ...` at top level reassigns a global: Starlark assigns top-level names "
                         "once; give the new value a new name".format(self.text(stmt.target),
                                                                       _OPS.get(type(stmt.op), "?")))
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                self.check_mutation_call(stmt.value, top_level=True, local_names=set())
            names = []
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    names.extend((n, target) for n in _target_names(target))
            elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                names.append((stmt.name, stmt))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                names.extend((a.asname or a.name.split(".")[0], stmt) for a in stmt.names)
            for name, node in names:
                if name in counts:
                    self.err(node, "`{}` is assigned again (first at line {}): Starlark assigns top-level names "
                             "once; give the new value a new name".format(name, counts[name].lineno))
                else:
                    counts[name] = node
                if name.startswith("_") and False:
                    pass

    def visit_all(self, tree):
        # Names defined anywhere (for "not defined in Starlark"): globals, parameters, locals, loop variables.
        defined = set(self.m.top) | set(self.m.bindings) | STARLARK_BUILTINS
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
        self.defined = defined
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            self.visit(stmt, in_def=None, local_names=set())

    def visit(self, node, in_def, local_names):
        """Checks `node` and records the edits of its subtree."""
        t = type(node)
        if t in (ast.FunctionDef, ast.AsyncFunctionDef):
            if t is ast.AsyncFunctionDef:
                self.err(node, "`async def`: Starlark has no coroutines")
            if in_def is not None:
                self.err(node, "`def {}` inside `def {}` (a closure): Starlark has no nested functions; write a "
                         "top-level `def` that takes the captured values as arguments".format(node.name, in_def.name))
            for deco in node.decorator_list:
                self.err(deco, "a decorator: Starlark has none; call the function instead")
            args = node.args
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    self.err(a.annotation, "a type annotation: Starlark has none; delete it")
            if node.returns is not None:
                self.err(node.returns, "a return annotation: Starlark has none; delete it")
            locals_ = set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    locals_.add(sub.id)
                elif isinstance(sub, ast.arg):
                    locals_.add(sub.arg)
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == node.name \
                        and node.name not in locals_:
                    self.err(sub, "`{}` calls itself: Starlark forbids recursion; write a loop over a bounded "
                             "`range`".format(node.name))
            for d in args.defaults + args.kw_defaults:
                if d is not None:
                    self.visit(d, in_def, local_names)
            for stmt in node.body:
                self.visit(stmt, node if in_def is None else in_def, locals_)
            return
        if t is ast.ClassDef:
            self.err(node, "`class {}`: Starlark has no classes; write a function that returns `struct(...)`"
                     .format(node.name))
            return
        if t is ast.Lambda:
            self.err(node, "`lambda`: Starlark has none; write a top-level `def` and pass its name")
            return
        if t is ast.While and in_def is not None:
            self.err(node, "`while`: Starlark has no while loops; write `for i in range(n)` with a bound")
        if (t is ast.Try or t.__name__ == "TryStar") and in_def is not None:
            self.err(node, "`try`: Starlark has no exceptions; check the condition with `if` and call `fail()`")
        if t in (ast.With, ast.AsyncWith) and in_def is not None:
            self.err(node, "`with`: Starlark has no context managers")
        if t is ast.Raise:
            self.err(node, "`raise`: Starlark has no exceptions; write `fail(\"message\")`")
        if t is ast.Assert:
            self.err(node, "`assert`: Starlark has none; write `if not cond: fail(\"message\")`")
        if t in (ast.Global, ast.Nonlocal):
            self.err(node, "`{}`: Starlark functions cannot assign globals; return the value".format(
                "global" if t is ast.Global else "nonlocal"))
        if t in (ast.Yield, ast.YieldFrom, ast.Await):
            self.err(node, "a generator (`yield`): Starlark has none; build and return a list")
        if t is ast.Delete:
            self.err(node, "`del`: build the value without the entry instead (values are frozen once loaded)")
        if t is ast.NamedExpr:
            self.err(node, "`:=`: Starlark has no assignment expressions; assign on a line of its own")
        if t in (ast.Set, ast.SetComp):
            self.err(node, "a set: Starlark has no sets; use a list, or a dict's keys")
        if t is ast.AnnAssign:
            self.err(node, "a type annotation: Starlark has none; write `x = value`")
        if t is ast.For and node.orelse:
            self.err(node.orelse[0], "`for ... else`: Starlark has no `else` on loops; use a flag")
        if t is ast.Dict:
            for k, v in zip(node.keys, node.values):
                if k is None:
                    self.err(v, "`{**...}` in a dict display: Starlark has none; write `dict(a, **b)`, or "
                             "`d = dict(a)` then `d.update(b)` inside a `def`")
        if t is ast.List and any(isinstance(elt, ast.Starred) for elt in node.elts):
            self.rewrite_starred_list(node)
        if t is ast.Tuple:
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    self.err(elt, "`*x` in a tuple display: Starlark has none; concatenate with `+`")
        if t is ast.Compare:
            if len(node.ops) > 1:
                self.err(node, "a chained comparison: Starlark has none; write `a < b and b < c`")
            self.rewrite_is(node)
        if t is ast.BinOp and isinstance(node.op, (ast.Pow, ast.MatMult)):
            self.err(node, "`{}`: Starlark has no such operator".format("**" if isinstance(node.op, ast.Pow)
                                                                         else "@"))
        if t in (ast.Assign, ast.AugAssign):
            targets = node.targets if t is ast.Assign else [node.target]
            for target in targets:
                self.check_store(target, in_def, local_names, node)
        if t is ast.Call:
            seen_kwargs = False
            for kw in node.keywords:
                if kw.arg is None:
                    seen_kwargs = True
                elif seen_kwargs:
                    self.err(kw, "`{}=` after `**...`: Starlark wants `**kwargs` last in a call; move it before "
                             "(the order of a dict built from them changes) or into the `**` dict".format(kw.arg))
                    break
            self.check_mutation_call(node, top_level=in_def is None, local_names=local_names)
            self.rewrite_label_args(node)
            if isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple", "dict", "sorted", "any",
                                                                    "all", "min", "max", "enumerate", "zip"):
                pass
        if t is ast.GeneratorExp:
            self.rewrite_generator(node)
        if t is ast.Constant:
            self.check_constant(node)
            return
        if t is ast.JoinedStr:
            self.rewrite_fstring(node)
            return
        if t is ast.Name and isinstance(node.ctx, ast.Load):
            if node.id not in self.defined:
                self.err(node, MISSING_BUILTINS.get(node.id, "`{}` is not defined in Starlark (a Python built-in "
                                                    "Starlark lacks?)".format(node.id)))
            elif node.id in MISSING_BUILTINS and node.id not in self.m.top and node.id not in self.m.bindings:
                self.err(node, MISSING_BUILTINS[node.id])
        if t is ast.Attribute:
            self.check_reference_attribute(node)
        if t in (ast.Import, ast.ImportFrom):
            self.err(node, "an import that is not at the top level: Starlark's load() lines come first in the "
                     "file; import at the top")
            return
        for child in ast.iter_child_nodes(node):
            self.visit(child, in_def, local_names)

    def check_store(self, target, in_def, local_names, stmt):
        if isinstance(target, ast.Attribute):
            self.err(target, "`{} = ...` changes an object after its creation: Starlark values have no settable "
                     "fields; pass `{}` when creating it".format(self.text(target), target.attr))
        elif isinstance(target, ast.Subscript):
            base = target.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if in_def is None or not (isinstance(base, ast.Name) and base.id in local_names):
                self.err(target, "`{} = ...` changes a value after its creation: build the dict or list complete "
                         "(values are frozen once their .bzl is loaded)".format(self.text(target)))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.check_store(elt, in_def, local_names, stmt)

    def check_mutation_call(self, call, top_level, local_names):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS):
            return
        base = func.value
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if isinstance(base, ast.Name) and base.id in local_names and not top_level:
            return  # a list being built inside a function: Starlark allows it
        if isinstance(base, ast.Name) and (base.id in self.m.top or base.id in self.m.bindings) or top_level:
            self.err(call, "`{}(...)` changes `{}` after its creation: build the final value in one expression "
                     "(a Starlark value is frozen once its .bzl is loaded)".format(self.text(func),
                                                                                     self.text(func.value)))

    def check_constant(self, node):
        value = node.value
        if isinstance(value, bytes):
            self.err(node, "a bytes literal: Starlark has none; use a string")
            return
        if isinstance(value, complex) or value is Ellipsis:
            self.err(node, "`{}`: Starlark has no such value".format(self.text(node)))
            return
        if not isinstance(value, str):
            return
        segment = self.text(node)
        tokens = _string_tokens(segment)
        if tokens is None:
            return
        rewritten = []
        needs = len(tokens) > 1
        for tok in tokens:
            prefix = _PREFIX.match(tok.string).group(1)
            if "u" in prefix.lower() or ("\\" in tok.string and "r" not in prefix.lower()):
                needs = True
        if not needs:
            return
        # Each literal written again in Starlark's escapes; adjacent literals joined with `+`.
        lines = segment.split("\n")

        def seg_off(row, col):
            return sum(len(line) + 1 for line in lines[:row - 1]) + col

        out = []
        pos = 0
        for i, tok in enumerate(tokens):
            start, end = seg_off(*tok.start), seg_off(*tok.end)
            out.append(segment[pos:start])
            prefix = _PREFIX.match(tok.string).group(1)
            if "u" in prefix.lower() or ("\\" in tok.string and "r" not in prefix.lower()):
                literal_value = ast.literal_eval(tok.string)
                out.append(starlark_string(literal_value, triple=tok.string[len(prefix):].startswith(("'''",
                                                                                                     '"""'))))
            else:
                out.append(tok.string)
            if i + 1 < len(tokens):
                out.append(" +")
            pos = end
        out.append(segment[pos:])
        a, b = self.span(node)
        self.edits.append((a, b, "".join(out)))

    def rewrite_fstring(self, node):
        """f"a{x}b" -> "a{}b".format(x); nested expressions rewritten too."""
        segment = self.text(node)
        tokens = _string_tokens(segment)
        triple = bool(tokens) and _PREFIX.match(tokens[0].string) is not None and \
            _PREFIX.match(tokens[0].string).group(2) in ('"""', "'''")
        template = []
        args = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                template.append(part.value.replace("{", "{{").replace("}", "}}"))
                continue
            # FormattedValue
            if part.format_spec is not None:
                self.err(part, "a format spec in an f-string (`{x:...}`): Starlark's format() has none; format "
                         "the value first (e.g. with `str()` or string methods)")
            if part.conversion in (114, 97):
                self.err(part, "`!{}` in an f-string: Python's repr() quotes strings with ' and Starlark's with \", "
                         "so the text would differ; write the quotes: `\"'{{}}'\".format(x)`".format(
                             chr(part.conversion)))
            template.append("{}")
            # `!s` is what `{}` does already (Bazel 4.2.3's format() reads `{!s}` as a field name).
            args.append(self.render(part.value))
        literal = starlark_string("".join(template), triple=triple)
        a, b = self.span(node)
        self.edits.append((a, b, "{}.format({})".format(literal, ", ".join(args))))

    def render(self, expr):
        """The source of `expr` with the edits of its subtree applied (used inside a rewritten f-string)."""
        saved = self.edits
        self.edits = []
        self.visit(expr, None, set())
        inner = self.edits
        self.edits = saved
        a, b = self.span(expr)
        text = _apply(self.m.source[a:b], [(s - a, e - a, r) for s, e, r in inner])
        return text if "\n" not in text else "(" + text + ")"

    def rewrite_is(self, node):
        """`x is None` -> `x == None`, `is not` -> `!=`: Starlark has no identity comparison."""
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)):
                a = self.off(left.end_lineno, left.end_col_offset)
                b = self.off(right.lineno, right.col_offset)
                between = self.m.source[a:b].decode("utf-8")
                new = re.sub(r"\bis\s+not\b", "!=", between, count=1) if isinstance(op, ast.IsNot) else \
                    re.sub(r"\bis\b", "==", between, count=1)
                self.edits.append((a, b, new))
            left = right

    def rewrite_generator(self, node):
        """sum(x for x in y) style calls: `f(x for x in y)` -> `f([x for x in y])` (Starlark has no generators)."""
        a, b = self.span(node)
        seg = self.m.source[a:b]
        inner_edits_start = len(self.edits)
        # The node's span includes its parentheses when it is a call's only argument (Python 3.8+).
        if seg.startswith(b"(") and seg.endswith(b")"):
            # Python 3.9+: the call's own parentheses when it is the only argument; brackets inside them.
            self.edits.append((a + 1, a + 1, "["))
            self.edits.append((b - 1, b - 1, "]"))
        else:
            self.edits.append((a, a, "["))
            self.edits.append((b, b, "]"))
        del inner_edits_start

    def rewrite_starred_list(self, node):
        """`[*a, b, *[...]]` -> `list(a) + [b] + [...]`: Python's unpacking in a list display, as concatenation."""
        a, b = self.span(node)
        src = self.m.source
        prev_end = None
        prev_starred = None
        for i, elt in enumerate(node.elts):
            starred = isinstance(elt, ast.Starred)
            value = elt.value if starred else elt
            va, vb = self.span(value)
            start = a if i == 0 else prev_end
            region = src[start:(va if starred else self.span(elt)[0])].decode("utf-8")
            if i == 0:
                if starred:
                    text = region.replace("[", "", 1)
                    text = text[:text.rfind("*")] + text[text.rfind("*") + 1:]
                    self.edits.append((start, va, text + self._open(value)))
            elif starred or prev_starred:
                text = region.replace(",", " +", 1)
                if starred:
                    text = text[:text.rfind("*")] + text[text.rfind("*") + 1:]
                    text = ("]" if not prev_starred else "") + text + self._open(value)
                else:
                    text = text + "["
                self.edits.append((start, va if starred else self.span(elt)[0], text))
            if starred and self._open(value):
                self.edits.append((vb, vb, ")"))
            prev_end = vb if starred else self.span(elt)[1]
            prev_starred = starred
        if prev_starred:
            # The rest after the last element: a trailing comma and the closing bracket go.
            region = src[prev_end:b].decode("utf-8")
            text = region[:region.rfind("]")].replace(",", "", 1)
            self.edits.append((prev_end, b, text.rstrip()))

    @staticmethod
    def _open(value):
        return "" if isinstance(value, (ast.List, ast.ListComp)) else "list("

    def rewrite_label_args(self, call):
        """get_join_output_table_name(v1) and friends, with `v1` a Join of this module: its label."""
        func = call.func
        name = None
        if isinstance(func, ast.Name):
            binding = self.m.bindings.get(func.id)
            if binding is not None and binding.kind == "chronon":
                name = binding.name
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            binding = self.m.bindings.get(func.value.id)
            if binding is not None and binding.kind == "chronon" and binding.name in CHRONON_STRUCTS:
                name = func.attr
            elif binding is not None and binding.kind == "ttypes":
                name = func.attr
        if name == "JoinSource":
            # `JoinSource(join=parent_join)` with a Join of this module: compile.py names it after its variable,
            # which a Starlark value cannot know; its target's label does.
            for value in [kw.value for kw in call.keywords if kw.arg == "join"] + call.args[:1]:
                if isinstance(value, ast.Name) and self.repo.compiled_kind(self.m, value.id) == "Join":
                    a, b = self.span(value)
                    self.edits.append((a, b, json.dumps(self.m.label_of(value.id))))
            return
        if name not in LABEL_ARG_HELPERS:
            return
        full_name = [kw.value for kw in call.keywords if kw.arg == "full_name"]
        if name not in ("StagingQueryEventSource", "StagingQueryEntitySource") and len(call.args) >= 2:
            full_name.append(call.args[1])
        for value in full_name:
            if not (isinstance(value, ast.Constant) and value.value is False):
                self.err(value, "`{}(..., full_name=True)` needs the namespace, which is not known while BUILD files "
                         "load: write `\"<namespace>.\" + {}(...)` (the namespace is the object's output_namespace, "
                         "else its team's in teams.json), or read the table through StagingQueryEventSource / "
                         "JoinSource".format(name, name))
        if call.args and isinstance(call.args[0], ast.Name):
            var = call.args[0].id
            binding = self.m.bindings.get(var)
            if self.repo.compiled_kind(self.m, var) is not None:
                a, b = self.span(call.args[0])
                self.edits.append((a, b, json.dumps(self.m.label_of(var))))
            elif binding is not None and binding.kind == "name" and self.m.folder_kind is not None and \
                    self.repo.kind_of(self.m, var) == self.m.folder_kind:
                # Imported by name into a module of its kind (compiled again here): its own module's label.
                owner, name = self.value_owner(self.m, var)
                if owner is not None:
                    a, b = self.span(call.args[0])
                    self.edits.append((a, b, json.dumps(owner.label_of(name))))

    def check_reference_attribute(self, node):
        """`module.v1.keyColumns`: reading a field of another module's object, which Starlark has as a label."""
        inner = node.value
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            binding = self.m.bindings.get(inner.value.id)
            if binding is not None and binding.kind == "module":
                target = self.repo.load(binding.target)
                if self.repo.compiled_kind(target, inner.attr) is not None:
                    self.err(node, "`{}` reads a field of another module's {}: in Starlark it is the label of its "
                             "target, which has no fields; write the value itself".format(
                                 self.text(node), self.repo.compiled_kind(target, inner.attr)))
        if isinstance(inner, ast.Name):
            binding = self.m.bindings.get(inner.id)
            if binding is not None and binding.kind == "name":
                target = self.repo.load(binding.target)
                if self.repo.compiled_kind(target, binding.name) is not None:
                    self.err(node, "`{}` reads a field of another module's {}: in Starlark it is the label of its "
                             "target, which has no fields; write the value itself".format(
                                 self.text(node), self.repo.compiled_kind(target, binding.name)))

    # -- loads ---------------------------------------------------------------------------------------------------

    def resolve(self, module, name, node, depth=0):
        """What `name` of `module` is, for a load: ("label", label, kind), ("value", module, name),
        ("chronon", name), ("ttypes_member", name), ("ttypes",), or None after an error."""
        if depth > 20:
            self.err(node, "`{}`: a cycle of imports".format(name))
            return None
        binding = module.bindings.get(name)
        if binding is not None:
            if binding.kind == "chronon":
                return ("chronon", binding.name)
            if binding.kind == "ttypes_member":
                return ("ttypes_member", binding.name)
            if binding.kind == "ttypes":
                return ("ttypes",)
            if binding.kind == "module":
                self.err(node, "`{}` is a module that {} imports: import it from where it is ({})".format(
                    name, module.rel, binding.target))
                return None
            if binding.kind == "name":
                return self.resolve(self.repo.load(binding.target), binding.name, node, depth + 1)
            return None
        if name not in module.top:
            if module.tree is not None:
                self.err(node, "`{}` is not defined at the top level of {}".format(name, module.rel))
            return None
        kind = self.repo.compiled_kind(module, name)
        if kind is not None:
            return ("label", module.label_of(name), kind)
        if name.startswith("_"):
            self.err(node, "`{}` of {} starts with `_`: Starlark's load() cannot load a private name; rename it"
                     .format(name, module.rel))
            return None
        if isinstance(module.top[name], ast.ClassDef):
            self.err(node, "`{}` of {} is a class: Starlark has no classes".format(name, module.rel))
            return None
        return ("value", module, name)

    def loads(self):
        chronon = []  # [(bound, python.bzl name)]
        user = {}  # bzl label -> [(bound, name)]
        bindings = []  # lines after the loads
        ttypes_needed = False
        m = self.m
        # The GroupBys this module binds by name and uses in a Join's join parts (`right_parts`): compile.py embeds
        # them with the Join's team, there and wherever else the Join embeds them (one Python object). Used only
        # in a label part, they keep their own (tests/goldens/crossteam, label_only.py).
        in_join_parts = self.join_part_names()
        for bound, binding in m.bindings.items():
            if binding.kind == "name" and bound in in_join_parts:
                r = self.resolve(m, bound, binding.node)
                if r and r[0] == "label" and r[2] == "GroupBy":
                    self.by_name_group_bys.add(r[1])
        for bound in m.top_order:
            binding = m.bindings.get(bound)
            if binding is None:
                continue
            node = binding.node
            if binding.kind == "chronon":
                chronon.append((bound, binding.name))
            elif binding.kind == "ttypes":
                ttypes_needed = True
                if bound != "ttypes":
                    bindings.append("{} = ttypes".format(bound))
            elif binding.kind == "ttypes_member":
                ttypes_needed = True
                bindings.append("{} = ttypes.{}".format(bound, binding.name))
            elif binding.kind == "name":
                r = self.resolve(m, bound, node)
                if r is None:
                    continue
                if r[0] == "label":
                    if m.folder_kind is not None and r[2] == m.folder_kind:
                        # compile.py compiles it again under this module's name (compile.py's sample:
                        # group_bys/sample_team/sample_group_by_group_by.require_backfill): its value, loaded under a
                        # private name (a loaded name is not a value of this .bzl), for chronon_module to declare.
                        owner, var = self.value_owner(m, bound)
                        if owner is None:
                            continue
                        alias = "_" + bound if not bound.startswith("_") else bound + "_"
                        user.setdefault(owner.bzl_label(), []).append((alias, var))
                        bindings.append("{} = {}".format(bound, alias))
                        continue
                    bindings.append(self.label_expr(bound, r[1], r[2]))
                elif r[0] == "value":
                    user.setdefault(r[1].bzl_label(), []).append((bound, r[2]))
                elif r[0] == "chronon":
                    chronon.append((bound, r[1]))
                elif r[0] == "ttypes_member":
                    ttypes_needed = True
                    bindings.append("{} = ttypes.{}".format(bound, r[1]))
                elif r[0] == "ttypes":
                    ttypes_needed = True
                    if bound != "ttypes":
                        bindings.append("{} = ttypes".format(bound))
            elif binding.kind == "module":
                target = self.repo.load(binding.target)
                fields = []
                used = []
                for node2 in ast.walk(m.tree):
                    if isinstance(node2, ast.Attribute) and isinstance(node2.value, ast.Name) \
                            and node2.value.id == bound and node2.attr not in used:
                        used.append(node2.attr)
                        first = node2
                        r = self.resolve(target, node2.attr, first)
                        if r is None:
                            continue
                        if r[0] == "label":
                            fields.append("{} = {}".format(node2.attr, self.label_value(r[1], r[2])))
                        elif r[0] == "value":
                            alias = "_{}_{}".format(bound, node2.attr)
                            user.setdefault(r[1].bzl_label(), []).append((alias, r[2]))
                            fields.append("{} = {}".format(node2.attr, alias))
                        elif r[0] == "chronon":
                            alias = "_{}_{}".format(bound, node2.attr)
                            chronon.append((alias, r[1]))
                            fields.append("{} = {}".format(node2.attr, alias))
                        else:
                            ttypes_needed = True
                            fields.append("{} = ttypes{}".format(node2.attr, "." + r[1] if len(r) > 1 else ""))
                for node2 in ast.walk(m.tree):
                    if isinstance(node2, ast.Name) and node2.id == bound and isinstance(node2.ctx, ast.Load):
                        parent_ok = any(isinstance(p, ast.Attribute) and p.value is node2 for p in ast.walk(m.tree))
                        if not parent_ok:
                            self.err(node2, "module `{}` used as a value: Starlark has no modules; use its names "
                                     "(`{}.<name>`)".format(bound, bound))
                # `from sources import test_sources` then `test_sources.x`: the module's names, as a struct.
                bindings.append("{} = struct({})".format(bound, ", ".join(fields)))
        if ttypes_needed and not any(b == "ttypes" for b, _ in chronon):
            chronon.append(("ttypes", "ttypes"))
        return chronon, user, bindings

    def value_owner(self, module, name, depth=0):
        """(module, name) defining the value `name` of `module` binds by name, following re-imports."""
        binding = module.bindings.get(name)
        if binding is None:
            return (module, name) if name in module.top else (None, None)
        if binding.kind != "name" or depth > 20:
            return None, None
        return self.value_owner(self.repo.load(binding.target), binding.name, depth + 1)

    def join_part_names(self):
        """The names read by the `right_parts` of this module's Join calls, following top-level names they use."""
        m = self.m
        roots = []
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                binding = m.bindings.get(node.func.id)
                if binding is not None and binding.kind == "chronon" and binding.name == "Join":
                    roots.extend(kw.value for kw in node.keywords if kw.arg == "right_parts")
                    if len(node.args) >= 2:
                        roots.append(node.args[1])
        names = set()
        while roots:
            expr = roots.pop()
            for sub in ast.walk(expr):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.add(sub.id)
                    stmt = m.top.get(sub.id)
                    if isinstance(stmt, (ast.Assign, ast.FunctionDef)) and sub.id not in m.bindings:
                        roots.append(stmt)
        return names

    def label_value(self, label, kind):
        if kind == "GroupBy" and label in self.by_name_group_bys and self.m.folder_kind == "Join":
            return "imported_by_name({})".format(json.dumps(label))
        return json.dumps(label)

    def label_expr(self, bound, label, kind):
        return "{} = {}".format(bound, self.label_value(label, kind))

    # -- the .bzl text -------------------------------------------------------------------------------------------

    def assemble(self, chronon, user, bindings):
        m = self.m
        if any("imported_by_name(" in b for b in bindings) and not any(n == "imported_by_name" for _, n in chronon):
            chronon.append(("imported_by_name", "imported_by_name"))
        lines = []
        if chronon:
            lines.append(_load_line(PYTHON_BZL, chronon))
        for label in sorted(user, key=lambda l: (l,)):
            lines.append(_load_line(label, user[label]))
        head = "\n".join(lines + bindings)
        # Remove the import statements (their whole lines), and put the loads where the first one was.
        body = m.tree.body
        edits = list(self.edits)
        first_import = None
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                a = self.line_starts[stmt.lineno - 1]
                b = self.line_starts[stmt.end_lineno] if stmt.end_lineno < len(self.line_starts) else len(m.source)
                line_text = m.source[a:b]
                stmt_a, stmt_b = self.span(stmt)
                if m.source[a:stmt_a].strip() or m.source[stmt_b:b].strip().split(b"#")[0].strip(b" \t\r\n;"):
                    self.err(stmt, "an import on a line shared with other statements: put it on a line of its own")
                    continue
                del line_text
                if first_import is None:
                    first_import = stmt
                    edits.append((a, b, head + "\n" if head else ""))
                else:
                    edits.append((a, b, ""))
        if first_import is None and head:
            # No import: the loads go before the first statement that is not the docstring.
            insert_at = 0
            for stmt in body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and \
                        isinstance(stmt.value.value, str) and stmt is body[0]:
                    continue
                insert_at = self.line_starts[stmt.lineno - 1]
                break
            edits.append((insert_at, insert_at, head + "\n"))
        elif first_import is not None:
            # A statement before the first import (other than the docstring) must follow the loads.
            for stmt in body:
                if stmt is first_import:
                    break
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt is body[0]:
                    continue
                self.err(stmt, "a statement before the first import: Starlark's load() lines come first; move it "
                         "below the imports")
        header = "# Ported from {} by @rules_chronon//tools:port (docs/port.md).\n".format(m.rel)
        return header + _apply(m.source, edits)


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%", ast.FloorDiv: "//",
        ast.BitOr: "|", ast.BitAnd: "&"}


def _load_line(label, names):
    seen = []
    parts = []
    for bound, name in names:
        if (bound, name) in seen:
            continue
        seen.append((bound, name))
        parts.append(json.dumps(name) if bound == name else "{} = {}".format(bound, json.dumps(name)))
    one = "load({}, {})".format(json.dumps(label), ", ".join(parts))
    if len(one) <= 120:
        return one
    return "load(\n    {},\n{})".format(json.dumps(label), "".join("    {},\n".format(p) for p in parts))


def _apply(source, edits):
    """`source` (bytes) with the edits (start, end, text) applied; edits inside a replaced range are dropped."""
    out = []
    pos = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            continue  # inside an edit already applied (an f-string's rewritten expression)
        out.append(source[pos:start].decode("utf-8"))
        out.append(text)
        pos = end
    out.append(source[pos:].decode("utf-8"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# The workspace


def port_repo(root, diags):
    """{relative path: text} of the ported workspace's definition files (.bzl and BUILD), the targets, and the
    refused modules (those with an error; left out of the files and targets)."""
    repo = Repo(root, diags)
    roots = []
    for folder in KIND_FOLDERS:
        base = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for f in sorted(filenames):
                if f.endswith(".py") and f != "__init__.py":
                    roots.append(os.path.relpath(os.path.join(dirpath, f), root))
    if not roots:
        raise PortError("no Python module under {}/group_bys, joins or staging_queries".format(root))
    # The modules compile.py compiles, and every repo module they import.
    queue = list(roots)
    seen = set()
    while queue:
        rel = queue.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        module = repo.load(rel)
        for binding in module.bindings.values():
            if binding.kind in ("module", "name"):
                queue.append(binding.target)
    # __init__.py files with code: compile.py runs them on import; Starlark has no packages.
    inits = set()
    for rel in seen:
        # Python runs the __init__.py of every package on the way: group_bys/, group_bys/team/, ...
        folder = os.path.dirname(rel)
        while folder:
            inits.add(os.path.join(folder, "__init__.py"))
            folder = os.path.dirname(folder)
    for init in sorted(inits):
        path = os.path.join(root, init)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                content = f.read()
            try:
                tree = ast.parse(content)
            except SyntaxError:
                tree = None
            if tree is None or [s for s in tree.body if not (isinstance(s, ast.Expr) and
                                                                isinstance(s.value, ast.Constant))]:
                diags.error(init, (1, 1), "__init__.py has code, which compile.py runs when the package is imported;"
                            " Starlark has no packages: move it into a module")
    files = {}
    packages = {}
    targets = []
    ported = []
    for rel in sorted(seen):
        module = repo.modules[rel]
        if module.tree is None:
            continue
        ported.append((rel, Porter(repo, module, diags).port()))
    refused = set(d[0] for d in diags.errors)
    # A module under a refused __init__.py is refused with it (Python would run that code first).
    for init in [r for r in refused if os.path.basename(r) == "__init__.py"]:
        refused.update(rel for rel in seen if rel.startswith(os.path.dirname(init) + "/"))
    refused = sorted(refused)
    for rel, text in ported:
        if rel in refused:
            continue  # written only with --partial, without this module
        module = repo.modules[rel]
        files[rel[:-3] + ".bzl"] = text
        values = [name for name in module.top_order if repo.compiled_kind(module, name) is not None or
                  (name in module.bindings and module.bindings[name].kind == "name" and module.folder_kind
                   is not None and repo.kind_of(module, name) == module.folder_kind)]
        packages.setdefault(module.package, []).append((module, values))
        targets.extend(module.label_of(v) for v in values)
    for package, modules in sorted(packages.items()):
        files[os.path.join(package, "BUILD") if package else "BUILD"] = _build_file(modules)
    return files, sorted(targets), refused


def _build_file(modules):
    with_values = [(m, v) for m, v in modules if v]
    if not with_values:
        return ("# Written by @rules_chronon//tools:port. The .bzl files here hold values other modules load: no "
                "targets.\n")
    several = len(with_values) > 1
    lines = ["# Written by @rules_chronon//tools:port from the Python modules of this folder (docs/port.md).",
             "load(\"@rules_chronon//chronon:python.bzl\", \"chronon_module\")"]
    for m, values in with_values:
        names = [(m.name + "_" + v if several else v, v) for v in values]
        lines.append(_load_line(":" + m.name + ".bzl", names))
    lines.append("")
    lines.append("package(default_visibility = [\"//visibility:public\"])")
    for m, values in with_values:
        args = ", ".join("{} = {}".format(v, m.name + "_" + v if several else v) for v in values)
        lines.append("")
        lines.append("chronon_module(name = {}, {})".format(json.dumps(m.name), args))
    return "\n".join(lines) + "\n"


def workspace_files(targets, rules, workspace_name):
    """WORKSPACE, root BUILD and .bazelrc, as the importer writes them (chronon/import/import_generate.cc)."""
    root = ("load(\"@rules_chronon//rules:defs.bzl\", \"chronon_production\")\n\nexports_files([\"teams.json\"])\n\n"
            "# Every definition ported from the Python repo; `bazel run //:production.update` adopts the tree.\n"
            "chronon_production(\n    name = \"production\",\n    deps = [\n")
    root += "".join("        \"{}\",\n".format(t) for t in targets)
    root += "    ],\n)\n"
    workspace = (
        "workspace(name = \"{}\")\n\nlocal_repository(\n    name = \"rules_chronon\",\n    path = \"{}\",\n)\n\n"
        "load(\n    \"@rules_chronon//rules:repositories.bzl\",\n    \"rules_chronon_dependencies\",\n"
        "    \"rules_chronon_offline_dependencies\",\n    \"rules_chronon_register_toolchains\",\n)\n\n"
        "# Offline: protobuf, Abseil, nlohmann-json and dtl from Debian's packages under /usr (with network, declare\n"
        "# the real repositories instead; docs/install.md).\nrules_chronon_offline_dependencies()\n\n"
        "# The compiler built from the rules' sources: a local_repository of a checkout has no prebuilt one.\n"
        "rules_chronon_dependencies(compiler = \"source\")\n\n"
        "rules_chronon_register_toolchains(compiler = \"source\")\n").format(workspace_name, rules)
    bazelrc = (
        "# Actions see a fixed PATH: the same cache keys on every machine, so disk and remote caches hit.\n"
        "build --incompatible_strict_action_env\n"
        "# Many compile actions at once: each is about a millisecond of work in a persistent worker (README, \"The "
        "edit loop\").\n"
        "build --jobs=32 --local_cpu_resources=HOST_CPUS*16 --worker_max_instances=ChrononCompile=16\n"
        "try-import %workspace%/user.bazelrc\n")
    return {"BUILD": root, "WORKSPACE": workspace, ".bazelrc": bazelrc}


# ---------------------------------------------------------------------------------------------------------------
# Verifying against production/


def verify(ws, production, bazel, bazel_args, log):
    """Builds //:production of `ws` with Bazel and compares every conf with `production/`, byte for byte.

    Returns (identical count, total, [problems])."""
    out_base = tempfile.mkdtemp(prefix="chronon_port_ob_")
    problems = []
    try:
        cmd = [bazel, "--output_base=" + out_base, "build", "--symlink_prefix=/"] + bazel_args + ["//:production"]
        print("verifying: " + " ".join(cmd[:1] + cmd[2:]), file=log)
        r = subprocess.run(cmd, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            text = r.stdout.decode("utf-8", "replace").splitlines()
            return 0, 0, ["bazel build //:production failed:"] + text[-30:]
        info = subprocess.run([bazel, "--output_base=" + out_base, "info", "bazel-bin"], cwd=ws,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        bin_dir = info.stdout.decode().strip()
        manifest = os.path.join(bin_dir, "production.production_manifest")
        built = {}
        with open(manifest) as f:
            for line in f:
                rel, short = line.rstrip("\n").split("\t")
                built[rel] = os.path.join(bin_dir, short)
        want = {}
        for kind in KIND_FOLDERS:
            base = os.path.join(production, kind)
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for f in filenames:
                    if not f.startswith("."):
                        path = os.path.join(dirpath, f)
                        want[os.path.relpath(path, production)] = path
        identical = 0
        for rel in sorted(want):
            if rel not in built:
                problems.append("missing: production/{} (no ported target builds it)".format(rel))
                continue
            with open(want[rel], "rb") as a, open(built[rel], "rb") as b:
                if a.read() == b.read():
                    identical += 1
                else:
                    problems.append("differs: production/{}".format(rel))
        for rel in sorted(set(built) - set(want)):
            problems.append("extra: production/{} (built, not in the checked-in tree)".format(rel))
        return identical, len(want), problems
    finally:
        subprocess.run([bazel, "--output_base=" + out_base, "clean", "--expunge"], cwd=ws,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([bazel, "--output_base=" + out_base, "shutdown"], cwd=ws,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(out_base, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------


USAGE = ("usage: port --from=<Chronon Python repo> --to=<new workspace dir> [--rules=<rules_chronon path>] "
         "[--workspace_name=<name>] [--production=<dir> | --no_verify | --partial] [--bazel=<bazel>] "
         "[--bazel_arg=<arg>]...")


def main(argv):
    opts = {"from": None, "to": None, "rules": None, "workspace_name": "chronon_repo", "production": None,
            "bazel": "bazel"}
    bazel_args = []
    no_verify = False
    partial = False
    for arg in argv:
        if arg == "--no_verify":
            no_verify = True
            continue
        if arg == "--partial":
            partial = no_verify = True
            continue
        if arg.startswith("--bazel_arg="):
            bazel_args.append(arg[len("--bazel_arg="):])
            continue
        m = re.match(r"^--([a-z_]+)=(.*)$", arg)
        if not m or m.group(1) not in opts:
            print(USAGE + "\nunknown argument: " + arg, file=sys.stderr)
            return 1
        opts[m.group(1)] = m.group(2)
    if not opts["from"] or not opts["to"]:
        print(USAGE, file=sys.stderr)
        return 1
    cwd = os.environ.get("BUILD_WORKING_DIRECTORY", os.getcwd())

    def resolve(p):
        return os.path.normpath(os.path.join(cwd, p)) if p else p

    src, to = resolve(opts["from"]), resolve(opts["to"])
    if not os.path.isdir(src):
        print("error: --from={} is not a directory".format(src), file=sys.stderr)
        return 1
    if os.path.realpath(to) == os.path.realpath(src) or \
            os.path.realpath(to).startswith(os.path.realpath(src) + os.sep):
        print("error: --to={} is inside --from={}; the porting tool never writes into the repo it reads".format(
            to, src), file=sys.stderr)
        return 1
    if os.path.lexists(to) and (not os.path.isdir(to) or os.listdir(to)):
        print("error: {} exists and is not an empty directory; the porting tool never overwrites".format(to),
              file=sys.stderr)
        return 1
    rules = resolve(opts["rules"])
    if not rules:
        # This script's own checkout (runfiles link back to the source tree).
        here = os.path.dirname(os.path.realpath(__file__))
        candidate = os.path.dirname(os.path.dirname(here))
        if os.path.isfile(os.path.join(candidate, "rules", "defs.bzl")):
            rules = candidate
        else:
            print("error: pass --rules=<path of the rules_chronon checkout> for the new WORKSPACE's "
                  "local_repository", file=sys.stderr)
            return 1
    teams = os.path.join(src, "teams.json")
    if not os.path.isfile(teams):
        print("error: {} has no teams.json (compile.py reads it from the repo root)".format(src), file=sys.stderr)
        return 1
    production = resolve(opts["production"])
    if production is None and not no_verify and os.path.isdir(os.path.join(src, "production")):
        production = os.path.join(src, "production")
    if no_verify:
        production = None

    diags = Diagnostics()
    try:
        files, targets, refused = port_repo(src, diags)
    except PortError as e:
        print("error: " + str(e), file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    for line in diags.lines():
        print(line, file=sys.stderr)
    if diags.errors and not partial:
        print("{} construct(s) cannot be ported (listed above, each with its rewrite); nothing written".format(
            len(diags.errors)), file=sys.stderr)
        return 1
    for rel in refused:
        print("not ported: {} (the errors above); nothing of it is written".format(rel), file=sys.stderr)
    files.update(workspace_files(targets, rules, opts["workspace_name"]))
    with open(teams, "rb") as f:
        teams_bytes = f.read()

    # Written into a sibling temporary directory, then renamed into place.
    parent = os.path.dirname(to) or "."
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(to) + ".port-", dir=parent)
    try:
        for rel, text in sorted(files.items()):
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(tmp, "teams.json"), "wb") as f:
            f.write(teams_bytes)
        if production is not None:
            identical, total, problems = verify(tmp, production, opts["bazel"], bazel_args, sys.stdout)
            for p in problems:
                print(p)
            print("{}/{} identical to {} (built with bazel build //:production)".format(identical, total,
                                                                                       production))
            if problems or total == 0:
                print("the port does not give the checked-in bytes; nothing written (--no_verify writes it anyway)",
                      file=sys.stderr)
                shutil.rmtree(tmp, ignore_errors=True)
                return 2
        if os.path.isdir(to):
            os.rmdir(to)  # empty, checked above
        os.rename(tmp, to)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    bzl = sum(1 for f in files if f.endswith(".bzl"))
    print("wrote {}: {} modules, {} targets; build it with:\n  cd {} && bazel build //...".format(
        to, bzl, len(targets), to))
    if refused:
        print("--partial: {} module(s) not ported (listed above); what uses their objects does not build".format(
            len(refused)), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
