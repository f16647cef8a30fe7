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

    def test_starred_list(self):
        out = self.body("a = [1]\nx = [*a, 2, *[3, 4], 5]\ny = [*a]\n")
        self.assertIn("x = list(a) + [2] + [3, 4] + [5]", out)
        self.assertIn("y = list(a)", out)
        self.assertEqual(eval(out.split("x = ", 1)[1].split("\n")[0], {"a": [1]}), [1, 2, 3, 4, 5])

    def test_ttypes_constructors_and_utils(self):
        out = self.body("from ai.chronon.api.ttypes import Aggregation, Window\nfrom ai.chronon import utils\n"
                        "x = utils.sanitize('a.b')\n")
        self.assertIn('load("@rules_chronon//chronon:python.bzl", "utils", "ttypes")', out)
        self.assertIn("Aggregation = ttypes.Aggregation\nWindow = ttypes.Window", out)

    def test_join_source_of_this_module_is_its_label(self):
        out = self.body("from ai.chronon.join import Join\nfrom ai.chronon.api import ttypes\n"
                        "p = Join(left=None, right_parts=[])\n"
                        "s = ttypes.Source(joinSource=ttypes.JoinSource(join=p, query=None))\n",
                        rel="joins/t/m.py")
        self.assertIn('ttypes.JoinSource(join="//joins/t:m.p", query=None)', out)

    def test_metadata_name_of_a_compiled_object_dropped(self):
        out = self.body("from ai.chronon.api.ttypes import StagingQuery, MetaData\n"
                        "v1 = StagingQuery(\n    query='q',\n    metaData=MetaData(\n        name='x',\n"
                        "        outputNamespace='n'))\n", rel="staging_queries/t/m.py")
        self.assertIn("        # Ported: name='x' dropped; compile.py names the object after its file", out)
        self.assertNotIn("name='x',\n", out)

    def test_full_name_positional_refused(self):
        _, errors = port_module("from ai.chronon import utils\nx = utils.group_by_output_table_name('a', True)\n")
        self.assertEqual(len(errors), 1)
        self.assertIn("m.py:2:", errors[0])
        self.assertIn("full_name=True", errors[0])

    def test_group_by_imported_by_name_into_its_kind_is_compiled_again(self):
        gb = "from ai.chronon.group_by import GroupBy\nrb = GroupBy(sources=[], keys=[], aggregations=[])\n"
        with tempfile.TemporaryDirectory() as root:
            for path, text in {"group_bys/t/a.py": gb, "group_bys/t/b.py": "from group_bys.t.a import rb\n"}.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as f:
                    f.write(text)
            diags = port.Diagnostics()
            out, targets, refused = port.port_repo(root, diags)
        self.assertEqual(diags.errors, [])
        self.assertIn('load("//group_bys/t:a.bzl", _rb = "rb")\nrb = _rb', out["group_bys/t/b.bzl"])
        self.assertIn("//group_bys/t:b.rb", targets)

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
