"""Chronon's Python API in Starlark: write a definition as in Python, with `load()` lines instead of imports.

    load("@rules_chronon//chronon:python.bzl", "GroupBy", "Aggregation", "Operation", "Window", "TimeUnit")

The helpers have the names, the arguments and the defaults of Chronon's Python helpers (ai.chronon.query,
group_by, join, staging_query, utils and api.ttypes), and return structs shaped like chronon/api.proto. In the BUILD
file next to the module, `chronon_module(name = "<module>", <var> = <value>, ...)` writes each value as a
`chronon.api.*` textproto and declares the same targets the hand-written textproto form uses
(chronon_group_by / chronon_join / chronon_staging_query / chronon_source), with `deps` derived from every label the
values name. Nothing is computed here that the compiler computes (derivations, selects completion, customJson,
validation): a helper records what its caller wrote, and the compiler does the rest, as for a hand-written textproto.

What differs from Python (docs/starlark.md):
  * A GroupBy, Join or StagingQuery defined in another module is named by its label,
    `JoinPart(group_by = "//group_bys/team:module.v1")`: a struct cannot know the variable it is assigned to.
  * `get_*_output_table_name` take that label.
  * Thrift constructors (Source, EventSource, EntitySource, JoinSource, MetaData, StagingQuery) take thrift's
    camelCase keywords, as `ai.chronon.api.ttypes` does.
"""

load("//rules/private:starlark_module.bzl", _chronon_module = "chronon_module")
load(
    "//rules/private:starlark_proto.bzl",
    _ENUMS = "ENUMS",
    _check = "check",
    _check_unknown = "check_unknown",
    _is_string_dict = "is_string_dict",
    _message = "message",
    _type_of = "type_of",
)

def _is(value, message_type):
    return getattr(value, "_chronon_type", None) == message_type

def _enum(name):
    return struct(**{value: value for value in _ENUMS[name]})

def _label_hint(where, arg, value, kind, example):
    fail(("{}: argument '{}' got a {} value, but a {} defined in another module is referenced by its label, " +
          "e.g. {} = {}: a Starlark value cannot know the variable it is assigned to (its name). Write the " +
          "label of its target (`<module>.<var>` in the package of its .bzl).").format(
        where,
        arg,
        value._chronon_type,
        kind,
        arg,
        repr(example),
    ))

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.query

def Query(
        selects = None,
        wheres = None,
        start_partition = None,
        end_partition = None,
        time_column = None,
        setups = None,
        mutation_time_column = None,
        reversal_column = None,
        partition_column = None,
        **unknown):
    """ai.chronon.query.Query: a chronon.api.Query."""
    if unknown:
        _check_unknown("Query", unknown, [
            "selects",
            "wheres",
            "start_partition",
            "end_partition",
            "time_column",
            "setups",
            "mutation_time_column",
            "reversal_column",
            "partition_column",
        ])
    if (end_partition == None and setups == None and mutation_time_column == None and reversal_column == None and
        partition_column == None and (selects == None or _is_string_dict(selects)) and
        (wheres == None or (type(wheres) == "list" and not [w for w in wheres if str(w) != w])) and
        str(start_partition) in (start_partition, "None") and str(time_column) in (time_column, "None")):
        # The common case, checked without the general path (which returns the same struct, and the errors).
        fields = {"selects": selects, "wheres": list(wheres) if wheres != None else None}
        fields["start_partition"] = start_partition
        fields["time_column"] = time_column
        return struct(_chronon_type = "Query", **{k: v for k, v in fields.items() if v != None})
    return _message("Query", "Query", {
        "selects": selects,
        "wheres": wheres,
        "start_partition": start_partition,
        "end_partition": end_partition,
        "time_column": time_column,
        "setups": setups,
        "mutation_time_column": mutation_time_column,
        "reversal_column": reversal_column,
        "partition_column": partition_column,
    })

def select(*args, **kwargs):
    """ai.chronon.query.select: `select("a", b = "expr")` is {"a": "a", "b": "expr"}, in that order."""
    result = {}
    for i, arg in enumerate(args):
        if type(arg) != "string":
            fail("select: positional argument {} must be a column name (a string), got {}".format(i + 1, _type_of(arg)))
        result[arg] = arg
    for name, expression in kwargs.items():
        if type(expression) != "string":
            fail("select: argument '{}' must be a SQL expression (a string), got {}".format(name, _type_of(expression)))
        result[name] = expression
    return result

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.api.ttypes (thrift constructors: camelCase keywords, positional in thrift field order)

def _source_value(where, arg, value):
    """A Source from what Python's GroupBy/Join accept: a Source, an Event/Entity/JoinSource, or a label."""
    kind = getattr(value, "_chronon_type", None)
    if kind == "Source":
        return value
    if type(value) == "string":
        return _message(where, "Source", {"ref": value}, {"ref": arg})
    if kind == "EventSource":
        return _message(where, "Source", {"events": value}, {"events": arg})
    if kind == "EntitySource":
        return _message(where, "Source", {"entities": value}, {"entities": arg})
    if kind == "JoinSource":
        return _message(where, "Source", {"join_source": value}, {"join_source": arg})
    fail(("{}: argument '{}' must be a Source (Source, EventSource, EntitySource, JoinSource, or the label of a " +
          "chronon_source), got {}").format(where, arg, _type_of(value)))

def Source(events = None, entities = None, joinSource = None, **unknown):
    """ai.chronon.api.ttypes.Source: exactly one of `events`, `entities`, `joinSource`."""
    if unknown:
        _check_unknown("Source", unknown, ["events", "entities", "joinSource"])
    if entities == None and joinSource == None and getattr(events, "_chronon_type", None) == "EventSource":
        return struct(_chronon_type = "Source", events = events)
    given = [x for x in (events, entities, joinSource) if x != None]
    if len(given) != 1:
        fail("Source: exactly one of 'events', 'entities' and 'joinSource' must be given, got {}".format(len(given)))
    return _message("Source", "Source", {
        "events": events,
        "entities": entities,
        "join_source": joinSource,
    }, {"events": "events", "entities": "entities", "join_source": "joinSource"})

def EventSource(table = None, topic = None, query = None, isCumulative = None, **unknown):
    """ai.chronon.api.ttypes.EventSource."""
    if unknown:
        _check_unknown("EventSource", unknown, ["table", "topic", "query", "isCumulative"])
    if (isCumulative == None and str(table) == table and str(topic) in (topic, "None") and
        getattr(query, "_chronon_type", None) == "Query"):
        if topic == None:
            return struct(_chronon_type = "EventSource", table = table, query = query)
        return struct(_chronon_type = "EventSource", table = table, topic = topic, query = query)
    return _message("EventSource", "EventSource", {
        "table": table,
        "topic": topic,
        "query": query,
        "is_cumulative": isCumulative,
    }, {"is_cumulative": "isCumulative"})

def EntitySource(snapshotTable = None, mutationTable = None, mutationTopic = None, query = None, **unknown):
    """ai.chronon.api.ttypes.EntitySource."""
    if unknown:
        _check_unknown("EntitySource", unknown, ["snapshotTable", "mutationTable", "mutationTopic", "query"])
    return _message("EntitySource", "EntitySource", {
        "snapshot_table": snapshotTable,
        "mutation_table": mutationTable,
        "mutation_topic": mutationTopic,
        "query": query,
    }, {"snapshot_table": "snapshotTable", "mutation_table": "mutationTable", "mutation_topic": "mutationTopic"})

def JoinSource(join = None, query = None, **unknown):
    """ai.chronon.api.ttypes.JoinSource: `join` is the label of a chronon_join (or an inline Join)."""
    if unknown:
        _check_unknown("JoinSource", unknown, ["join", "query"])
    if type(join) == "string":
        join = _message("JoinSource", "Join", {"ref": join}, {"ref": "join"})
    return _message("JoinSource", "JoinSource", {"join": join, "query": query})

def MetaData(
        name = None,
        online = None,
        production = None,
        customJson = None,
        dependencies = None,
        tableProperties = None,
        outputNamespace = None,
        team = None,
        modeToEnvMap = None,
        consistencyCheck = None,
        samplePercent = None,
        offlineSchedule = None,
        consistencySamplePercent = None,
        historicalBackfill = None,
        deprecationDate = None,
        description = None,
        **unknown):
    """ai.chronon.api.ttypes.MetaData."""
    if unknown:
        _check_unknown("MetaData", unknown, [
            "name",
            "online",
            "production",
            "customJson",
            "dependencies",
            "tableProperties",
            "outputNamespace",
            "team",
            "modeToEnvMap",
            "consistencyCheck",
            "samplePercent",
            "offlineSchedule",
            "consistencySamplePercent",
            "historicalBackfill",
            "deprecationDate",
            "description",
        ])
    return _message("MetaData", "MetaData", {
        "name": name,
        "online": online,
        "production": production,
        "custom_json": customJson,
        "dependencies": dependencies,
        "table_properties": tableProperties,
        "output_namespace": outputNamespace,
        "team": team,
        "mode_to_env_map": modeToEnvMap,
        "consistency_check": consistencyCheck,
        "sample_percent": samplePercent,
        "offline_schedule": offlineSchedule,
        "consistency_sample_percent": consistencySamplePercent,
        "historical_backfill": historicalBackfill,
        "deprecation_date": deprecationDate,
        "description": description,
    }, {"custom_json": "customJson", "table_properties": "tableProperties", "output_namespace": "outputNamespace", "mode_to_env_map": "modeToEnvMap", "consistency_check": "consistencyCheck", "sample_percent": "samplePercent", "offline_schedule": "offlineSchedule", "consistency_sample_percent": "consistencySamplePercent", "historical_backfill": "historicalBackfill", "deprecation_date": "deprecationDate"})

def StagingQuery(metaData = None, query = None, startPartition = None, setups = None, createView = None, **unknown):
    """ai.chronon.api.ttypes.StagingQuery."""
    if unknown:
        _check_unknown("StagingQuery", unknown, ["metaData", "query", "startPartition", "setups", "createView"])
    return _message("StagingQuery", "StagingQuery", {
        "meta_data": metaData,
        "query": query,
        "start_partition": startPartition,
        "setups": setups,
        "create_view": createView,
    }, {"meta_data": "metaData", "start_partition": "startPartition", "create_view": "createView"})

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.staging_query

def _staging_query_label(where, staging_query):
    if type(staging_query) != "string":
        if hasattr(staging_query, "_chronon_type"):
            _label_hint(where, "staging_query", staging_query, "StagingQuery", "//staging_queries/team:module.v1")
        fail("{}: argument 'staging_query' must be the label of a chronon_staging_query, got {}".format(
            where,
            _type_of(staging_query),
        ))
    return staging_query

def StagingQueryEventSource(staging_query, query, is_cumulative = False, **unknown):
    """ai.chronon.staging_query.StagingQueryEventSource: events read from a staging query's output table.

    `staging_query` is the label of its chronon_staging_query; the compiler resolves the table.
    """
    if unknown:
        _check_unknown("StagingQueryEventSource", unknown, ["staging_query", "query", "is_cumulative"])
    events = _message("StagingQueryEventSource", "EventSource", {
        "staging_query": _staging_query_label("StagingQueryEventSource", staging_query),
        "query": query,
        "is_cumulative": is_cumulative,
    }, {"staging_query": "staging_query", "is_cumulative": "is_cumulative"})
    return _message("StagingQueryEventSource", "Source", {"events": events})

def StagingQueryEntitySource(staging_query, query, **unknown):
    """ai.chronon.staging_query.StagingQueryEntitySource: a snapshot read from a staging query's output table."""
    if unknown:
        _check_unknown("StagingQueryEntitySource", unknown, ["staging_query", "query"])
    entities = _message("StagingQueryEntitySource", "EntitySource", {
        "staging_query": _staging_query_label("StagingQueryEntitySource", staging_query),
        "query": query,
    }, {"staging_query": "staging_query"})
    return _message("StagingQueryEntitySource", "Source", {"entities": entities})

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.group_by

Accuracy = _enum("Accuracy")

TimeUnit = _enum("TimeUnit")

def _with_k(name, op, k):
    if type(k) not in ("int", "float"):
        fail("Operation.{}(k): k must be a number, got {}".format(name, _type_of(k)))
    return struct(_chronon_operation = op, k = k, percentiles = None)

# Starlark has neither nested functions nor lambda: one function per operation that takes an argument.
def _approx_unique_count_lgk(k):
    return _with_k("APPROX_UNIQUE_COUNT_LGK", "APPROX_UNIQUE_COUNT", k)

def _bounded_unique_count_k(k):
    return _with_k("BOUNDED_UNIQUE_COUNT_K", "BOUNDED_UNIQUE_COUNT", k)

def _histogram_k(k):
    return _with_k("HISTOGRAM_K", "HISTOGRAM", k)

def _approx_histogram_k(k):
    return _with_k("APPROX_HISTOGRAM_K", "APPROX_HISTOGRAM_K", k)

def _first_k(k):
    return _with_k("FIRST_K", "FIRST_K", k)

def _last_k(k):
    return _with_k("LAST_K", "LAST_K", k)

def _top_k(k):
    return _with_k("TOP_K", "TOP_K", k)

def _bottom_k(k):
    return _with_k("BOTTOM_K", "BOTTOM_K", k)

def _approx_percentile(percentiles, k = None, **unknown):
    if unknown:
        _check_unknown("Operation.APPROX_PERCENTILE", unknown, ["percentiles", "k"])
    _check("Operation.APPROX_PERCENTILE", "percentiles", "*double", percentiles)
    if k != None:
        _check("Operation.APPROX_PERCENTILE", "k", "double", k)
    return struct(_chronon_operation = "APPROX_PERCENTILE", k = k, percentiles = list(percentiles))

Operation = struct(
    MIN = "MIN",
    MAX = "MAX",
    FIRST = "FIRST",
    LAST = "LAST",
    APPROX_UNIQUE_COUNT = "APPROX_UNIQUE_COUNT",
    APPROX_UNIQUE_COUNT_LGK = _approx_unique_count_lgk,
    UNIQUE_COUNT = "UNIQUE_COUNT",
    BOUNDED_UNIQUE_COUNT_K = _bounded_unique_count_k,
    COUNT = "COUNT",
    SUM = "SUM",
    AVERAGE = "AVERAGE",
    VARIANCE = "VARIANCE",
    SKEW = "SKEW",
    KURTOSIS = "KURTOSIS",
    HISTOGRAM = "HISTOGRAM",
    HISTOGRAM_K = _histogram_k,
    APPROX_HISTOGRAM_K = _approx_histogram_k,
    FIRST_K = _first_k,
    LAST_K = _last_k,
    TOP_K = _top_k,
    BOTTOM_K = _bottom_k,
    APPROX_PERCENTILE = _approx_percentile,
)

_TIME_UNITS = {name: True for name in _ENUMS["TimeUnit"]}
_OPERATIONS = {name: True for name in _ENUMS["Operation"]}

def Window(length, timeUnit, **unknown):
    """ai.chronon.group_by.Window(length, timeUnit)."""
    if unknown:
        _check_unknown("Window", unknown, ["length", "timeUnit"])
    if type(length) == "int" and type(timeUnit) == "string" and timeUnit in _TIME_UNITS:
        # The common case, checked without the general path (the most frequent helper: a window per aggregation).
        return struct(_chronon_type = "Window", length = length, time_unit = timeUnit)
    return _message("Window", "Window", {"length": length, "time_unit": timeUnit}, {"time_unit": "timeUnit"})

def _json_dict(where, arg, value):
    if value != None and type(value) != "dict":
        fail("{}: argument '{}' must be a dict, got {}".format(where, arg, _type_of(value)))
    return value

def Aggregation(
        input_column = None,
        operation = None,
        windows = None,
        buckets = None,
        tags = None,
        element_wise = None,
        **unknown):
    """ai.chronon.group_by.Aggregation; `operation` defaults to LAST (written by the compiler)."""
    if unknown:
        _check_unknown("Aggregation", unknown, ["input_column", "operation", "windows", "buckets", "tags", "element_wise"])

    # (`str(x) == x` is true exactly for strings, and costs a third of `type(x) == "string"` in Bazel 4.2.3.)
    if (str(input_column) == input_column and str(operation) == operation and operation in _OPERATIONS and
        buckets == None and tags == None and element_wise == None):
        # The common case (a column, an operation without arguments, windows or none), checked without the general
        # path: the struct it returns is the one the general path returns for these arguments.
        if windows == None:
            return struct(_chronon_type = "Aggregation", input_column = input_column, operation = operation)
        if type(windows) == "list" and not [w for w in windows if getattr(w, "_chronon_type", None) != "Window"]:
            return struct(_chronon_type = "Aggregation", input_column = input_column, operation = operation, windows = list(windows))
    k = None
    percentiles = None
    if hasattr(operation, "_chronon_operation"):
        k = operation.k
        percentiles = operation.percentiles
        operation = operation._chronon_operation
    elif operation != None and type(operation) != "string":
        hint = ""
        if type(operation) == "function":
            hint = " (an operation that takes an argument is called: Operation.LAST_K(10), Operation.APPROX_PERCENTILE([0.5]))"
        fail("Aggregation: argument 'operation' must be an Operation (e.g. Operation.SUM), got {}{}".format(_type_of(operation), hint))
    helper = None
    if tags != None or k != None or percentiles != None:
        helper = _message("Aggregation", "AggregationHelper", {
            "tags": _json_dict("Aggregation", "tags", tags),
            "k": k,
            "percentiles": percentiles,
        }, {"tags": "tags", "k": "operation", "percentiles": "operation"})
    return _message("Aggregation", "Aggregation", {
        "input_column": input_column,
        "operation": operation,
        "windows": windows,
        "buckets": buckets,
        "element_wise": element_wise,
        "helper": helper,
    })

def _thrift_aggregation(
        inputColumn = None,
        operation = None,
        argMap = None,
        windows = None,
        buckets = None,
        elementWise = None,
        **unknown):
    """ai.chronon.api.ttypes.Aggregation: the thrift struct itself, not the Aggregation() helper.

    `operation` is a plain enum value (ttypes.Operation.LAST_K, its k in `argMap = {"k": "10"}`), nothing is
    defaulted, and compile.py writes no empty argMap for it: the compiler's `helper { raw: true }`.
    """
    if unknown:
        _check_unknown("ttypes.Aggregation", unknown, ["inputColumn", "operation", "argMap", "windows", "buckets", "elementWise"])
    if operation != None and type(operation) != "string":
        fail("ttypes.Aggregation: argument 'operation' must be a ttypes.Operation (e.g. ttypes.Operation.SUM), got {}".format(
            _type_of(operation),
        ))
    return _message("ttypes.Aggregation", "Aggregation", {
        "input_column": inputColumn,
        "operation": operation,
        "arg_map": argMap,
        "windows": windows,
        "buckets": buckets,
        "element_wise": elementWise,
        "helper": _message("ttypes.Aggregation", "AggregationHelper", {"raw": True}),
    }, {"input_column": "inputColumn", "arg_map": "argMap", "element_wise": "elementWise"})

def Aggregations(**agg_dict):
    """ai.chronon.group_by.Aggregations: each Aggregation's input column defaults to its keyword."""
    result = []
    for name, agg in agg_dict.items():
        if not _is(agg, "Aggregation"):
            fail("Aggregations: argument '{}' must be an Aggregation, got {}".format(name, _type_of(agg)))
        if getattr(agg, "input_column", None) == None:
            fields = {f: getattr(agg, f) for f in dir(agg) if f != "_chronon_type" and f != "to_json" and f != "to_proto"}
            fields["input_column"] = name
            agg = struct(_chronon_type = "Aggregation", **fields)
        result.append(agg)
    return result

def DefaultAggregation(keys, sources, operation = "LAST", tags = None, **unknown):
    """ai.chronon.group_by.DefaultAggregation: `operation` over every selected column but keys and time columns."""
    if unknown:
        _check_unknown("DefaultAggregation", unknown, ["keys", "sources", "operation", "tags"])
    _check("DefaultAggregation", "keys", "*string", keys)
    if type(sources) not in ("list", "tuple"):
        sources = [sources]
    columns = []
    for source in sources:
        source = _source_value("DefaultAggregation", "sources", source)
        inner = getattr(source, "events", None) or getattr(source, "entities", None) or getattr(source, "join_source", None)
        if inner == None:
            fail(("DefaultAggregation: argument 'sources' names {} by label; its columns are not known here: " +
                  "pass the Source value").format(repr(source.ref)))
        query = getattr(inner, "query", None)
        selects = getattr(query, "selects", None) or {}
        skip = list(keys) + ["ts", "is_before", "mutation_ts", "ds", getattr(query, "time_column", None)]
        columns += [c for c in selects if c not in skip]
    return [Aggregation(operation = operation, input_column = c, tags = tags) for c in columns]

def Derivation(name, expression, description = None, **unknown):
    """ai.chronon.group_by.Derivation / ai.chronon.join.Derivation."""
    if unknown:
        _check_unknown("Derivation", unknown, ["name", "expression", "description"])
    if description == None and str(name) == name and str(expression) == expression:
        return struct(_chronon_type = "Derivation", name = name, expression = expression)
    meta = None
    if description:
        meta = _message("Derivation", "MetaData", {"description": description})
    return _message("Derivation", "Derivation", {"name": name, "expression": expression, "meta_data": meta})

def _sources(where, value):
    if type(value) not in ("list", "tuple"):
        value = [value]
    return [_source_value(where, "sources", s) for s in value]

def _meta(where, fields, names = None):
    given = {k: v for k, v in fields.items() if v != None}
    return _message(where, "MetaData", given, names) if given else None

def GroupBy(
        sources,
        keys,
        aggregations,
        online = None,
        production = None,
        backfill_start_date = None,
        dependencies = None,
        env = None,
        table_properties = None,
        output_namespace = None,
        accuracy = None,
        lag = None,
        offline_schedule = None,
        name = None,
        tags = None,
        derivations = None,
        historical_backfill = None,
        deprecation_date = None,
        description = None,
        is_incremental = None,
        **kwargs):
    """ai.chronon.group_by.GroupBy. `**kwargs` go into customJson, as in Python. `lag` defaults to 0 and
    `offline_schedule` to "@daily" (written by the compiler)."""
    helper = None
    if dependencies != None or lag != None or tags != None or kwargs:
        helper = _message("GroupBy", "GroupByHelper", {
            "dependencies": dependencies,
            "lag": lag,
            "tags": _json_dict("GroupBy", "tags", tags),
            "kwargs": kwargs or None,
        })
    meta = _meta("GroupBy", {
        "name": name,
        "online": online,
        "production": production,
        "table_properties": table_properties,
        "output_namespace": output_namespace,
        "mode_to_env_map": env,
        "offline_schedule": offline_schedule,
        "historical_backfill": historical_backfill,
        "deprecation_date": deprecation_date,
        "description": description,
    }, {"mode_to_env_map": "env"})
    return _message("GroupBy", "GroupBy", {
        "meta_data": meta,
        "sources": _sources("GroupBy", sources),
        "key_columns": keys,
        "aggregations": aggregations,
        "accuracy": accuracy,
        "backfill_start_date": backfill_start_date,
        "derivations": derivations,
        "is_incremental": is_incremental,
        "helper": helper,
    }, {"key_columns": "keys"})

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.join

def JoinPart(group_by, key_mapping = None, prefix = None, tags = None, **unknown):
    """ai.chronon.join.JoinPart: `group_by` is the label of a chronon_group_by, or a GroupBy written inline."""
    if unknown:
        _check_unknown("JoinPart", unknown, ["group_by", "key_mapping", "prefix", "tags"])
    if type(group_by) == "string":
        group_by = _message("JoinPart", "GroupBy", {"ref": group_by}, {"ref": "group_by"})
    helper = None
    if tags != None:
        helper = _message("JoinPart", "JoinPartHelper", {"tags": _json_dict("JoinPart", "tags", tags)})
    return _message("JoinPart", "JoinPart", {
        "group_by": group_by,
        "key_mapping": key_mapping,
        "prefix": prefix,
        "helper": helper,
    })

def imported_by_name(group_by):
    """A GroupBy of another module that this Join's module imports by name (`from group_bys.team.m import v1`).

    compile.py embeds such a GroupBy with the Join's team; reached through its module (`m.v1`, written as the plain
    label) it keeps its own. `JoinPart(group_by = imported_by_name("//group_bys/team:m.v1"))` writes
    `group_by { ref: "//group_bys/team:m.v1" imported_by_name: true }` (docs/cookbook.md, "A GroupBy of another team
    in a Join"). The porting tool writes it for every GroupBy a Join's module imports by name.
    """
    if type(group_by) != "string":
        if hasattr(group_by, "_chronon_type"):
            _label_hint("imported_by_name", "group_by", group_by, "GroupBy", "//group_bys/team:module.v1")
        fail("imported_by_name: the argument must be the label of a chronon_group_by, got " + _type_of(group_by))
    return _message("imported_by_name", "GroupBy", {"ref": group_by, "imported_by_name": True})

def _ttypes_join_part(groupBy = None, keyMapping = None, prefix = None, **unknown):
    """ai.chronon.api.ttypes.JoinPart (thrift's camelCase): the same as JoinPart(group_by, key_mapping, prefix)."""
    if unknown:
        _check_unknown("ttypes.JoinPart", unknown, ["groupBy", "keyMapping", "prefix"])
    return JoinPart(groupBy, key_mapping = keyMapping, prefix = prefix)

def _tdata(kind, params = None, name = None):
    return struct(_chronon_type = "TDataType", kind = kind, params = params, name = name) if params != None else struct(_chronon_type = "TDataType", kind = kind)

def _data_field(name, data_type):
    return _message("DataType", "DataField", {"name": name, "data_type": data_type})

def _fields(where, arg, fields):
    if type(fields) not in ("list", "tuple"):
        fail("{}: argument '{}' must be a list of (name, DataType) pairs, got {}".format(where, arg, _type_of(fields)))
    result = []
    for i, pair in enumerate(fields):
        if type(pair) not in ("tuple", "list") or len(pair) != 2 or type(pair[0]) != "string" or not _is(pair[1], "TDataType"):
            fail("{}: argument '{}' item {} must be a (name, DataType) pair, e.g. (\"id\", DataType.LONG), got {}".format(
                where,
                arg,
                i,
                _type_of(pair),
            ))
        result.append(_data_field(pair[0], pair[1]))
    return result

def _map_type(key_type, value_type):
    if not _is(key_type, "TDataType") or key_type.kind != "STRING" or hasattr(key_type, "params"):
        fail("DataType.MAP: key_type has to be STRING for MAP types")
    if not _is(value_type, "TDataType"):
        fail("DataType.MAP: value_type must be a DataType, got " + _type_of(value_type))
    return _tdata("MAP", [_data_field("key", key_type), _data_field("value", value_type)])

def _list_type(elem_type):
    if not _is(elem_type, "TDataType"):
        fail("DataType.LIST: elem_type must be a DataType, got " + _type_of(elem_type))
    return _tdata("LIST", [_data_field("elem", elem_type)])

def _struct_type(name, *fields):
    _check("DataType.STRUCT", "name", "string", name)
    return _tdata("STRUCT", _fields("DataType.STRUCT", "fields", fields), name)

DataType = struct(
    BOOLEAN = _tdata("BOOLEAN"),
    SHORT = _tdata("SHORT"),
    INT = _tdata("INT"),
    LONG = _tdata("LONG"),
    FLOAT = _tdata("FLOAT"),
    DOUBLE = _tdata("DOUBLE"),
    STRING = _tdata("STRING"),
    BINARY = _tdata("BINARY"),
    MAP = _map_type,
    LIST = _list_type,
    STRUCT = _struct_type,
)

def ExternalSource(
        name,
        team,
        key_fields,
        value_fields,
        custom_json = None,
        factory_name = None,
        factory_params = None,
        offline_group_by = None,
        **unknown):
    """ai.chronon.join.ExternalSource: fields are lists of (name, DataType) pairs."""
    if unknown:
        _check_unknown("ExternalSource", unknown, [
            "name",
            "team",
            "key_fields",
            "value_fields",
            "custom_json",
            "factory_name",
            "factory_params",
            "offline_group_by",
        ])
    if name == "contextual":
        fail("ExternalSource: argument 'name' is \"contextual\": use ContextualSource(fields, team)")
    factory = None
    if factory_name != None or factory_params != None:
        factory = _message("ExternalSource", "ExternalSourceFactoryConfig", {
            "factory_name": factory_name,
            "factory_params": factory_params,
        })
    if type(offline_group_by) == "string":
        offline_group_by = _message("ExternalSource", "GroupBy", {"ref": offline_group_by}, {"ref": "offline_group_by"})
    helper = _message("ExternalSource", "ExternalSourceHelper", {
        "name": name,
        "team": team,
        "key_fields": _fields("ExternalSource", "key_fields", key_fields),
        "value_fields": _fields("ExternalSource", "value_fields", value_fields),
        "custom_json": custom_json,
    }, {"key_fields": "key_fields", "value_fields": "value_fields"})
    return _message("ExternalSource", "ExternalSource", {
        "factory_config": factory,
        "offline_group_by": offline_group_by,
        "helper": helper,
    })

def ContextualSource(fields, team = "default", **unknown):
    """ai.chronon.join.ContextualSource: an ExternalSource named "contextual"."""
    if unknown:
        _check_unknown("ContextualSource", unknown, ["fields", "team"])
    helper = _message("ContextualSource", "ContextualSourceHelper", {
        "fields": _fields("ContextualSource", "fields", fields),
        "team": team,
    }, {"fields": "fields"})
    return _message("ContextualSource", "ExternalSource", {"contextual": helper})

def ExternalPart(source, key_mapping = None, prefix = None, **unknown):
    """ai.chronon.join.ExternalPart."""
    if unknown:
        _check_unknown("ExternalPart", unknown, ["source", "key_mapping", "prefix"])
    return _message("ExternalPart", "ExternalPart", {"source": source, "key_mapping": key_mapping, "prefix": prefix})

def LabelPart(labels, left_start_offset, left_end_offset, label_offline_schedule = None, **unknown):
    """ai.chronon.join.LabelPart; `label_offline_schedule` defaults to "@daily" (written by the compiler)."""
    if unknown:
        _check_unknown("LabelPart", unknown, ["labels", "left_start_offset", "left_end_offset", "label_offline_schedule"])
    meta = None
    if label_offline_schedule != None:
        meta = _message("LabelPart", "MetaData", {"offline_schedule": label_offline_schedule}, {"offline_schedule": "label_offline_schedule"})
    return _message("LabelPart", "LabelPart", {
        "labels": labels,
        "left_start_offset": left_start_offset,
        "left_end_offset": left_end_offset,
        "meta_data": meta,
    })

def BootstrapPart(table, key_columns = None, query = None, **unknown):
    """ai.chronon.join.BootstrapPart."""
    if unknown:
        _check_unknown("BootstrapPart", unknown, ["table", "key_columns", "query"])
    return _message("BootstrapPart", "BootstrapPart", {"table": table, "key_columns": key_columns, "query": query})

def Join(
        left,
        right_parts,
        check_consistency = None,
        additional_args = None,
        additional_env = None,
        dependencies = None,
        online = None,
        production = None,
        output_namespace = None,
        table_properties = None,
        env = None,
        lag = None,
        skew_keys = None,
        sample_percent = None,
        consistency_sample_percent = None,
        online_external_parts = None,
        offline_schedule = None,
        historical_backfill = None,
        row_ids = None,
        bootstrap_parts = None,
        bootstrap_from_log = None,
        label_part = None,
        derivations = None,
        deprecation_date = None,
        tags = None,
        description = None,
        model_transforms = None,
        **kwargs):
    """ai.chronon.join.Join. `**kwargs` go into customJson, as in Python. Defaults as Python's (check_consistency
    False, online False, lag 0, consistency_sample_percent 5.0, offline_schedule "@daily") are the compiler's."""
    helper = None
    json_args = {
        "check_consistency": check_consistency,
        "additional_args": additional_args,
        "additional_env": additional_env,
        "dependencies": dependencies,
        "lag": lag,
        "consistency_sample_percent": consistency_sample_percent,
        "bootstrap_from_log": bootstrap_from_log,
        "tags": _json_dict("Join", "tags", tags),
        "kwargs": kwargs or None,
    }
    if [v for v in json_args.values() if v != None]:
        helper = _message("Join", "JoinHelper", json_args)
    meta = _meta("Join", {
        "online": online,
        "production": production,
        "table_properties": table_properties,
        "output_namespace": output_namespace,
        "mode_to_env_map": env,
        "sample_percent": sample_percent,
        "offline_schedule": offline_schedule,
        "historical_backfill": historical_backfill,
        "deprecation_date": deprecation_date,
        "description": description,
    }, {"mode_to_env_map": "env"})
    return _message("Join", "Join", {
        "meta_data": meta,
        "left": _source_value("Join", "left", left),
        "join_parts": right_parts,
        "skew_keys": skew_keys,
        "online_external_parts": online_external_parts,
        "label_part": label_part,
        "bootstrap_parts": bootstrap_parts,
        "row_ids": row_ids,
        "derivations": derivations,
        "model_transforms": model_transforms,
        "helper": helper,
    }, {"join_parts": "right_parts"})

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.model (CHIP-9 model transforms of a Join): pure pass-through, as in Python.

def InferenceSpec(model_backend, model_backend_params, **unknown):
    """ai.chronon.model.InferenceSpec."""
    if unknown:
        _check_unknown("InferenceSpec", unknown, ["model_backend", "model_backend_params"])
    return _message("InferenceSpec", "InferenceSpec", {
        "model_backend": model_backend,
        "model_backend_params": model_backend_params,
    })

def Model(name, inference_spec, input_schema, output_schema, **unknown):
    """ai.chronon.model.Model: the schemas are STRUCTs named `model_<name>_inputs` / `model_<name>_outputs`."""
    if unknown:
        _check_unknown("Model", unknown, ["name", "inference_spec", "input_schema", "output_schema"])
    _check("Model", "name", "string", name)
    return _message("Model", "Model", {
        "meta_data": _message("Model", "MetaData", {"name": name}),
        "inference_spec": inference_spec,
        "input_schema": _tdata("STRUCT", _fields("Model", "input_schema", input_schema), "model_{}_inputs".format(name)),
        "output_schema": _tdata("STRUCT", _fields("Model", "output_schema", output_schema), "model_{}_outputs".format(name)),
    })

def ModelTransform(model, input_mappings = None, output_mappings = None, prefix = None, **unknown):
    """ai.chronon.model.ModelTransform."""
    if unknown:
        _check_unknown("ModelTransform", unknown, ["model", "input_mappings", "output_mappings", "prefix"])
    return _message("ModelTransform", "ModelTransform", {
        "model": model,
        "input_mappings": input_mappings,
        "output_mappings": output_mappings,
        "prefix": prefix,
    })

def ModelTransforms(transforms, passthrough_fields = None, **unknown):
    """ai.chronon.model.ModelTransforms: `Join(model_transforms = ModelTransforms(...))`."""
    if unknown:
        _check_unknown("ModelTransforms", unknown, ["transforms", "passthrough_fields"])
    return _message("ModelTransforms", "ModelTransforms", {
        "transforms": transforms,
        "passthrough_fields": passthrough_fields,
    })

# ----------------------------------------------------------------------------------------------------------------
# ai.chronon.utils: output table names, from the object's label (`//<...>/<kind folder>/<team>[/<sub>]:<module>.<var>`)

def _sanitize(name):
    out = []
    for c in name.elems():
        out.append(c if c.isalnum() or c == "_" else "_")
    return "".join(out)

def _chronon_name_of(where, label, folder):
    if _is(label, "GroupBy") and getattr(label, "imported_by_name", None) and hasattr(label, "ref"):
        label = label.ref
    if type(label) != "string":
        if hasattr(label, "_chronon_type"):
            _label_hint(where, "obj", label, label._chronon_type, "//{}/team:module.v1".format(folder))
        fail("{}: the first argument must be a label, got {}".format(where, _type_of(label)))
    text = label.split("//", 1)[-1] if "//" in label else None
    if text == None or ":" not in text:
        fail("{}: {} must be an absolute label with a target, e.g. \"//{}/team:module.v1\"".format(where, repr(label), folder))
    package, target = text.split(":", 1)
    parts = package.split("/")
    if folder not in parts or parts.index(folder) + 1 >= len(parts):
        fail("{}: {} is not in a package under {}/<team>/".format(where, repr(label), folder))
    rest = parts[parts.index(folder) + 1:]
    return ".".join(rest + [target])

def _table_name(where, label, folder, full_name):
    name = _sanitize(_chronon_name_of(where, label, folder))
    if full_name:
        fail(("{}: full_name = True needs the namespace (the object's output_namespace, else its team's in " +
              "teams.json), which is not known while BUILD files load. Write `\"<namespace>.\" + {}({})`, or read " +
              "the table through StagingQueryEventSource / StagingQueryEntitySource / JoinSource, which the " +
              "compiler resolves").format(where, where, repr(label)))
    return name

def get_staging_query_output_table_name(staging_query, full_name = False):
    """ai.chronon.utils.get_staging_query_output_table_name, from the staging query's label."""
    return _table_name("get_staging_query_output_table_name", staging_query, "staging_queries", full_name)

def get_join_output_table_name(join, full_name = False):
    """ai.chronon.utils.get_join_output_table_name, from the join's label."""
    return _table_name("get_join_output_table_name", join, "joins", full_name)

def group_by_output_table_name(obj, full_name = False):
    """ai.chronon.utils.group_by_output_table_name, from the GroupBy's label."""
    return _table_name("group_by_output_table_name", obj, "group_bys", full_name)

def log_table_name(obj, full_name = False):
    """ai.chronon.utils.log_table_name, from the Join's label."""
    return _table_name("log_table_name", obj, "joins", full_name) + "_logged"

def sanitize(name):
    """ai.chronon.utils.sanitize: every character outside [a-zA-Z0-9_] becomes `_`."""
    return _sanitize(name) if name != None else None

# ----------------------------------------------------------------------------------------------------------------
# The BUILD macro.

chronon_module = _chronon_module

# `from ai.chronon.api import ttypes` then `ttypes.Source(...)`.
ttypes = struct(
    Aggregation = _thrift_aggregation,
    Operation = _enum("Operation"),
    TimeUnit = TimeUnit,
    Window = Window,
    Source = Source,
    EventSource = EventSource,
    EntitySource = EntitySource,
    JoinSource = JoinSource,
    MetaData = MetaData,
    StagingQuery = StagingQuery,
    JoinPart = _ttypes_join_part,
)

# `from ai.chronon import utils` then `utils.get_join_output_table_name(...)`.
utils = struct(
    get_staging_query_output_table_name = get_staging_query_output_table_name,
    get_join_output_table_name = get_join_output_table_name,
    group_by_output_table_name = group_by_output_table_name,
    log_table_name = log_table_name,
    sanitize = sanitize,
)
