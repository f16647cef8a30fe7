"""The front page and docs/ hold together (issue 27).

Every relative link of README.md and docs/*.md names a file of the docs and, after `#`, an anchor that the file
defines (a heading, as GitHub turns it into an id, or an explicit `<a id>`); docs/README.md links every page of
docs/; README.md stays a front page of at most 200 lines.

Usage: docs_links_test.py README.md docs/a.md docs/b.md ... (the paths as the files' repository paths end).
"""
import os
import re
import sys

MAX_README_LINES = 200

LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")
ANCHOR = re.compile(r"<a (?:id|name)=\"([^\"]+)\"")


def slug(heading):
    # GitHub's ids: lower case, punctuation dropped (letters, digits, '_', '-' and spaces stay), spaces to '-'.
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def parse(text):
    """(anchors, links, unclosed) of a Markdown text, ignoring what is inside code fences."""
    anchors, links, seen = set(), [], {}
    fenced = False
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = re.match(r"#{1,6} (.*)", line)
        if m:
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            anchors.add(base if n == 0 else f"{base}-{n}")
        anchors.update(ANCHOR.findall(line))
        # Inline code is not a link.
        for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            links.append((number, m.group(1) or m.group(2)))
    return anchors, links, fenced


def main(args):
    # Key every file by its repository path: README.md, docs/x.md.
    files = {}
    for arg in args:
        parts = os.path.normpath(arg).split(os.sep)
        key = "/".join(parts[-2:]) if len(parts) >= 2 and parts[-2] == "docs" else parts[-1]
        files[key] = arg
    texts = {k: open(p, encoding="utf-8").read() for k, p in files.items() if k.endswith(".md")}
    parsed = {k: parse(t) for k, t in texts.items()}
    errors = []

    for name, (_, links, unclosed) in sorted(parsed.items()):
        if unclosed:
            errors.append(f"{name}: a code fence (```) is never closed")
        for line, target in links:
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            if path:
                resolved = os.path.normpath(os.path.join(os.path.dirname(name), path)).replace(os.sep, "/")
            else:
                resolved = name
            if resolved not in files:
                errors.append(f"{name}:{line}: link to `{target}`: {resolved} is not a file of the docs")
                continue
            if anchor and resolved in parsed and anchor not in parsed[resolved][0]:
                errors.append(f"{name}:{line}: link to `{target}`: {resolved} has no heading or <a id> `{anchor}`")

    index = parsed.get("docs/README.md")
    if index is None:
        errors.append("docs/README.md, the index of docs/, is missing")
    else:
        listed = {os.path.normpath(os.path.join("docs", t.partition("#")[0])) for _, t in index[1]}
        for page in sorted(k for k in texts if k.startswith("docs/") and k != "docs/README.md"):
            if page not in listed:
                errors.append(f"docs/README.md: does not list {page}")

    lines = texts["README.md"].count("\n")
    if lines > MAX_README_LINES:
        errors.append(f"README.md: {lines} lines; a front page has at most {MAX_README_LINES}: move detail to docs/")

    for e in errors:
        print("FAIL: " + e)
    print(f"{len(texts)} Markdown files, {sum(len(p[1]) for p in parsed.values())} links, README.md {lines} lines")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
