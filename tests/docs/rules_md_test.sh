#!/usr/bin/env bash
# Checks docs/rules.md against the code: every public symbol of rules/defs.bzl has a `## name` section, every
# parameter of a public macro (and every public attribute of the compile rules the definition macros forward
# **kwargs to) and every field of a public provider has its `name-param` anchor; the doc names nothing else.
#   rules_md_test.sh DEFS_BZL RULES_MD PRIVATE_BZL...
set -euo pipefail
exec python3 - "$@" <<'PY'
import re, sys

defs_path, doc_path, private_paths = sys.argv[1], sys.argv[2], sys.argv[3:]
defs = open(defs_path).read()
doc = open(doc_path).read()
private = "\n".join(open(p).read() for p in private_paths)

expected = {}  # symbol -> set of documented names
for match in re.finditer(r"^def ([a-zA-Z]\w*)\((.*?)\):", defs, re.M | re.S):
    params = [p.strip().split("=")[0].strip().lstrip("*") for p in match.group(2).split(",") if p.strip()]
    expected[match.group(1)] = set(params)

# The definition macros forward **kwargs to the compile rules: their public attributes are part of the API.
attrs_body = re.search(r"def _attrs\(.*?\):(.*?)\n\S", private, re.S).group(1)
compile_attrs = set(re.findall(r'^\s*"([a-z]\w*)": attr\.', attrs_body, re.M))
# Attributes only some kinds have (`teams`: every kind but sources).
optional_attrs = set(re.findall(r'^\s*attrs\["([a-z]\w*)"\] = attr\.', attrs_body, re.M))
for name in expected:
    body = re.search(r"^def %s\(.*?(?=^\S)" % name, defs + "\n_", re.M | re.S).group(0)
    if "_with_default_src(" in body:
        extra = compile_attrs if "_chronon_source_rule" in body else compile_attrs | optional_attrs
        expected[name] = (expected[name] - {"kwargs"}) | extra

for match in re.finditer(r"^([A-Z]\w*) = _\w+$", defs, re.M):
    provider = match.group(1)
    decl = re.search(r"^%s = provider\((.*?)^\)" % provider, private, re.M | re.S)
    if not decl:
        sys.exit("FAIL: no provider %s in rules/private" % provider)
    fields = re.search(r"fields = \{(.*)\}", decl.group(1), re.S).group(1)
    expected[provider] = set(re.findall(r'^\s*"(\w+)":', fields, re.M))
assert expected, "no public symbols found in " + defs_path

documented = {}
for section in re.split(r"^## ", doc, flags=re.M)[1:]:
    name = section.split("\n", 1)[0].strip()
    documented[name] = set(re.findall(r'<a id="%s-(\w+)"></a>' % re.escape(name), section))

errors = []
for name in sorted(set(expected) - set(documented)):
    errors.append("%s is exported by rules/defs.bzl but has no `## %s` section" % (name, name))
for name in sorted(set(documented) - set(expected)):
    errors.append("`## %s` documents something rules/defs.bzl does not export" % name)
for name in sorted(set(expected) & set(documented)):
    for missing in sorted(expected[name] - documented[name]):
        errors.append("%s: `%s` is not documented (add a row with <a id=\"%s-%s\"></a>)" % (name, missing, name, missing))
    for extra in sorted(documented[name] - expected[name]):
        errors.append("%s: `%s` is documented but is not a parameter, attribute or field" % (name, extra))
for e in errors:
    print("FAIL: " + e)
if errors:
    sys.exit(1)
print("docs/rules.md: %d public symbols, %d names, all documented"
      % (len(expected), sum(len(v) for v in expected.values())))
PY
