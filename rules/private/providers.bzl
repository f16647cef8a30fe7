"""Providers of rules_chronon."""

ChrononInfo = provider(
    doc = "A compiled Chronon definition: what dependents read and, for GroupBys, Joins and StagingQueries, the " +
          "engine JSON.",
    fields = {
        "kind": "string: one of `source`, `group_by`, `join`, `staging_query`.",
        "chronon_name": "string: the Chronon name, `team.[sub.]module.var` (`\"\"` for sources).",
        "team": "string: the owning team, the first component of the name (`\"\"` for sources).",
        "summary": "File: the compiled object as dependents embed it (JSON, read by the compiler only).",
        "conf": "File or None: the engine JSON, at `production/<kind>/<team>/<name after the team>` relative " +
                "to the target's package (None for sources).",
        "transitive_confs": "depset of File: `conf` of this target and of every Chronon target it depends on, " +
                            "for assembling a `production/` tree.",
    },
)
