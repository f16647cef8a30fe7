"""chronon_team_files: @chronon_teams' files as a dict, so that each definition finds its team's file in O(1)."""

ChrononTeamsInfo = provider(
    doc = "The team config files of @chronon_teams (team_config.bzl), by team.",
    fields = {
        "by_team": "dict of team name -> File: the team's part of teams.json (its entry and `default`'s).",
        "whole": "File: the whole teams.json (with its source path), read by definitions of teams it lacks.",
    },
)

def _team_files_impl(ctx):
    # One pass over the teams here, instead of one per definition: at 100 teams x 12,500 definitions a per-target
    # scan of the file list was 1.25 million Starlark steps of analysis.
    by_team = {}
    for target, team in ctx.attr.teams.items():
        by_team[team] = target.files.to_list()[0]
    return [
        DefaultInfo(files = depset([ctx.file.whole] + by_team.values())),
        ChrononTeamsInfo(by_team = by_team, whole = ctx.file.whole),
    ]

chronon_team_files = rule(
    implementation = _team_files_impl,
    attrs = {
        "teams": attr.label_keyed_string_dict(allow_files = [".json"], doc = "Each team's file -> the team."),
        "whole": attr.label(allow_single_file = [".json"], mandatory = True, doc = "The whole teams.json."),
    },
    provides = [ChrononTeamsInfo],
    doc = "The per-team files of teams.json, by team (generated into @chronon_teams by chronon_team_config).",
)
