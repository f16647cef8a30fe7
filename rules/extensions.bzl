"""bzlmod: the `chronon` module extension. Not tested here: Bazel 4.2.3, the only Bazel these machines install, has
no bzlmod (docs/install.md).

In your MODULE.bazel:

    bazel_dep(name = "rules_chronon", version = "0.1.0")
    chronon = use_extension("@rules_chronon//rules:extensions.bzl", "chronon")
    chronon.teams(teams_json = "//:teams.json")

It declares `@chronon_teams` (teams.json split per team, as rules_chronon_dependencies() does) and fetches the
prebuilt tools, `@chronon_tools_linux_x86_64`, with the URL and sha256 that tools/release.sh pinned in
rules/private/prebuilt.bzl. rules_chronon's MODULE.bazel registers the toolchain that runs them. Building the
compiler from source uses the dev_dependency modules of MODULE.bazel (protobuf, abseil-cpp, nlohmann_json), so only
where rules_chronon is the root module; docs/bzlmod.md (NOT RUN) has the reasoning.
"""

load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")
load("//rules/private:prebuilt.bzl", "PREBUILT_TOOLS")
load("//rules/private:team_config.bzl", "chronon_team_config")

_TOOLS_BUILD = """package(default_visibility = ["//visibility:public"])

exports_files(["chronon_compiler", "chronon_conf_tool"])
"""

def _no_tools_impl(rctx):
    # A checkout has no pinned archive: the tools say so when an action runs them.
    script = "#!/bin/sh\necho 'rules_chronon: this copy of the rules is a checkout, not a release archive, so it " + \
             "has no prebuilt tools; register @rules_chronon//toolchains:source instead' >&2\nexit 1\n"
    rctx.file("chronon_compiler", script, executable = True)
    rctx.file("chronon_conf_tool", script, executable = True)
    rctx.file("BUILD", _TOOLS_BUILD)

_no_tools = repository_rule(implementation = _no_tools_impl)

def _chronon_impl(mctx):
    teams_json = None
    for mod in mctx.modules:
        if mod.is_root:
            for tag in mod.tags.teams:
                teams_json = tag.teams_json
    chronon_team_config(name = "chronon_teams", teams_json = teams_json)
    tools = PREBUILT_TOOLS.get("linux_x86_64")
    if tools:
        http_archive(
            name = "chronon_tools_linux_x86_64",
            urls = tools["urls"],
            sha256 = tools["sha256"],
            build_file_content = _TOOLS_BUILD,
        )
    else:
        _no_tools(name = "chronon_tools_linux_x86_64")

chronon = module_extension(
    implementation = _chronon_impl,
    tag_classes = {
        "teams": tag_class(attrs = {
            "teams_json": attr.label(doc = "The workspace's teams.json (only the root module's counts)."),
        }),
    },
    doc = "Declares @chronon_teams and fetches the prebuilt tools (@chronon_tools_linux_x86_64).",
)
