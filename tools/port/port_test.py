"""Unit tests of tools/port/port.py's rewriter: each rewrite on a small module, and the helper names it loads."""

import ast
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import port  # noqa: E402


def port_module(text, rel="group_bys/t/m.py", extra=None):
    """Ports one module of a scratch repo; returns (its .bzl text or None, error lines)."""
    with tempfile.TemporaryDirectory() as root:
        files = {rel: text}
        files.update(extra or {})
        for path, content in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(content)
        diags = port.Diagnostics()
        out = port.port_repo(root, diags)[0]
        return out.get(rel[:-3] + ".bzl"), [line for line in diags.lines() if ": error: " in line]


class RewriteTest(unittest.TestCase):
    def body(self, text, **kw):
        out, errors = port_module(text, **kw)
        self.assertEqual(errors, [])
        return out.split("\n", 1)[1]  # without the header line

    def test_fstring(self):
        self.assertIn('x = "a_{}_{{b}}_{}".format(n, m + 1)', self.body('n = 1\nm = 2\nx = f"a_{n}_{{b}}_{m + 1}"\n'))

    def test_fstring_triple_keeps_lines(self):
        self.assertIn('"""SELECT {}\nFROM t""".format(c)', self.body('c = "a"\nx = f"""SELECT {c}\nFROM t"""\n'))

    def test_adjacent_literals(self):
        self.assertIn('x = ("a " +  # c\n     "b")', self.body('x = ("a "  # c\n     "b")\n'))

    def test_escapes_and_u_prefix(self):
        self.assertIn('x = ["T", "\\\\d", "u"]', self.body('x = ["\\x54", "\\\\d", u"u"]\n'))

    def test_is_none(self):
        out = self.body("def f(a, b):\n    return a is None or b is not None\n")
        self.assertIn("return a == None or b != None", out)

    def test_generator_argument(self):
        self.assertIn("x = sorted([n for n in [2, 1]])", self.body("x = sorted(n for n in [2, 1])\n"))

    def test_chronon_imports(self):
        out = self.body("from ai.chronon.group_by import GroupBy, Operation as Op\nfrom ai.chronon.api import ttypes\n"
                        "x = Op.SUM\n")
        self.assertTrue(out.startswith('load("@rules_chronon//chronon:python.bzl", "GroupBy", Op = "Operation", '
                                       '"ttypes")\n'), out)

    def test_other_modules_group_by_is_a_label(self):
        gb = "from ai.chronon.group_by import GroupBy\nv1 = GroupBy(sources=[], keys=[], aggregations=[])\n"
        text = ("from ai.chronon.join import Join, JoinPart\nfrom group_bys.t import g\nfrom group_bys.t.g import v1\n"
                "a = Join(left=None, right_parts=[JoinPart(group_by=v1)])\nb = g.v1\n")
        out = self.body(text, rel="joins/t/j.py", extra={"group_bys/t/g.py": gb})
        self.assertIn('g = struct(v1 = imported_by_name("//group_bys/t:g.v1"))', out)
        self.assertIn('v1 = imported_by_name("//group_bys/t:g.v1")', out)

    def test_refusals_have_positions(self):
        _, errors = port_module("x = lambda a: a\nclass C:\n    pass\n")
        self.assertEqual([e.split(": error:")[0] for e in errors], ["group_bys/t/m.py:1:5", "group_bys/t/m.py:2:1"])

    def test_python_bzl_has_every_name_loaded(self):
        """Every name the tool loads from python.bzl is a top-level name there (a wrong table fails here)."""
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "chronon", "python.bzl")
        runfiles = os.environ.get("TEST_SRCDIR")
        if runfiles and not os.path.exists(path):
            path = os.path.join(runfiles, os.environ.get("TEST_WORKSPACE", "rules_chronon"), "chronon", "python.bzl")
        with open(path) as f:
            text = f.read()
        top = set(re.findall(r"^def ([A-Za-z]\w*)\(", text, re.M)) | set(re.findall(r"^([A-Za-z]\w*) = ", text, re.M))
        names = {n for names in port.CHRONON_MODULES.values() for n in names} | {"ttypes", "imported_by_name"}
        self.assertEqual(sorted(names - top), [])
        for name in port.TTYPES_ONLY:
            self.assertRegex(text, r"\n    {} = ".format(name))


if __name__ == "__main__":
    unittest.main()
