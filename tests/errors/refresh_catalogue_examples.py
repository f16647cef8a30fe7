#!/usr/bin/env python3
"""Copies the first line of each tests/errors/<case>.stderr into the matching example of docs/diagnostics.md."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]
doc = root / "docs" / "diagnostics.md"
text = doc.read_text()


def replace(match):
    case = match.group(1)
    first = (root / "tests" / "errors" / f"{case}.stderr").read_text().splitlines()[0]
    return f"Example (`tests/errors/{case}.textproto`):\n\n```\n{first}\n```"


doc.write_text(re.sub(r"Example \(`tests/errors/([a-z0-9-]+)\.textproto`\):\n\n```\n[^\n]*\n```", replace, text))
