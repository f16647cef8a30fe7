"""Values shaped like chronon/api.proto messages, built by //chronon:python.bzl: their checks, and the labels they name.

A message is a `struct(_chronon_type = "<Message>", <field> = <value>, ...)` holding only the fields that were set,
with api.proto's snake_case field names. Map fields (thrift maps, repeated entry messages in api.proto) hold dicts,
whose order is kept. Enum fields hold the value's NAME (`"SUM"`), so that the written textproto reads as the
hand-written one does. chronon_module hands a value to its compile action as repr(value), and the compiler writes
its textproto (chronon/compiler/starlark_value.h: the same field types, read from api.proto's descriptors).

Starlark forbids recursion: the walks below use explicit stacks.
"""

# Field types: "string", "bool", "int", "double", "label" (a string naming a Bazel target: collected as a dep),
# "enum:<Enum>", "msg:<Message>", "map" (StringEntry), "map_map" (StringMapEntry), "map_list" (StringListEntry),
# "json_fields" (a dict written as repeated JsonField), "json_value" (any JSON-like value, a JsonValue).
# A leading "*" marks a repeated field. Fields are listed, and written, in api.proto's order.
SCHEMA = {
    "Query": [
        ("selects", "map"),
        ("wheres", "*string"),
        ("start_partition", "string"),
        ("end_partition", "string"),
        ("time_column", "string"),
        ("setups", "*string"),
        ("mutation_time_column", "string"),
        ("reversal_column", "string"),
        ("partition_column", "string"),
    ],
    "EventSource": [
        ("table", "string"),
        ("topic", "string"),
        ("query", "msg:Query"),
        ("is_cumulative", "bool"),
        ("staging_query", "label"),
    ],
    "EntitySource": [
        ("snapshot_table", "string"),
        ("mutation_table", "string"),
        ("mutation_topic", "string"),
        ("query", "msg:Query"),
        ("staging_query", "label"),
    ],
    "JoinSource": [
        ("join", "msg:Join"),
        ("query", "msg:Query"),
    ],
    "Source": [
        ("events", "msg:EventSource"),
        ("entities", "msg:EntitySource"),
        ("join_source", "msg:JoinSource"),
        ("ref", "label"),
    ],
    "ExternalSourceFactoryConfig": [
        ("factory_name", "string"),
        ("factory_params", "map"),
    ],
    "ExternalSource": [
        ("metadata", "msg:MetaData"),
        ("key_schema", "msg:TDataType"),
        ("value_schema", "msg:TDataType"),
        ("factory_config", "msg:ExternalSourceFactoryConfig"),
        ("offline_group_by", "msg:GroupBy"),
        ("helper", "msg:ExternalSourceHelper"),
        ("contextual", "msg:ContextualSourceHelper"),
    ],
    "Window": [
        ("length", "int"),
        ("time_unit", "enum:TimeUnit"),
    ],
    "Aggregation": [
        ("input_column", "string"),
        ("operation", "enum:Operation"),
        ("arg_map", "map"),
        ("windows", "*msg:Window"),
        ("buckets", "*string"),
        ("element_wise", "bool"),
        ("helper", "msg:AggregationHelper"),
    ],
    "MetaData": [
        ("name", "string"),
        ("online", "bool"),
        ("production", "bool"),
        ("custom_json", "string"),
        ("dependencies", "*string"),
        ("table_properties", "map"),
        ("output_namespace", "string"),
        ("team", "string"),
        ("mode_to_env_map", "map_map"),
        ("consistency_check", "bool"),
        ("sample_percent", "double"),
        ("offline_schedule", "string"),
        ("consistency_sample_percent", "double"),
        ("historical_backfill", "bool"),
        ("deprecation_date", "string"),
        ("description", "string"),
    ],
    "GroupBy": [
        ("meta_data", "msg:MetaData"),
        ("sources", "*msg:Source"),
        ("key_columns", "*string"),
        ("aggregations", "*msg:Aggregation"),
        ("accuracy", "enum:Accuracy"),
        ("backfill_start_date", "string"),
        ("derivations", "*msg:Derivation"),
        ("is_incremental", "bool"),
        ("ref", "label"),
        ("helper", "msg:GroupByHelper"),
        ("imported_by_name", "bool"),
    ],
    "JoinPart": [
        ("group_by", "msg:GroupBy"),
        ("key_mapping", "map"),
        ("prefix", "string"),
        ("helper", "msg:JoinPartHelper"),
    ],
    "ExternalPart": [
        ("source", "msg:ExternalSource"),
        ("key_mapping", "map"),
        ("prefix", "string"),
    ],
    "Derivation": [
        ("name", "string"),
        ("expression", "string"),
        ("meta_data", "msg:MetaData"),
    ],
    "Join": [
        ("meta_data", "msg:MetaData"),
        ("left", "msg:Source"),
        ("join_parts", "*msg:JoinPart"),
        ("skew_keys", "map_list"),
        ("online_external_parts", "*msg:ExternalPart"),
        ("label_part", "msg:LabelPart"),
        ("bootstrap_parts", "*msg:BootstrapPart"),
        ("row_ids", "*string"),
        ("derivations", "*msg:Derivation"),
        ("model_transforms", "msg:ModelTransforms"),
        ("ref", "label"),
        ("helper", "msg:JoinHelper"),
    ],
    "InferenceSpec": [
        ("model_backend", "string"),
        ("model_backend_params", "map"),
    ],
    "Model": [
        ("meta_data", "msg:MetaData"),
        ("inference_spec", "msg:InferenceSpec"),
        ("input_schema", "msg:TDataType"),
        ("output_schema", "msg:TDataType"),
    ],
    "ModelTransform": [
        ("model", "msg:Model"),
        ("input_mappings", "map"),
        ("output_mappings", "map"),
        ("prefix", "string"),
    ],
    "ModelTransforms": [
        ("transforms", "*msg:ModelTransform"),
        ("passthrough_fields", "*string"),
    ],
    "BootstrapPart": [
        ("meta_data", "msg:MetaData"),
        ("table", "string"),
        ("query", "msg:Query"),
        ("key_columns", "*string"),
    ],
    "LabelPart": [
        ("labels", "*msg:JoinPart"),
        ("left_start_offset", "int"),
        ("left_end_offset", "int"),
        ("meta_data", "msg:MetaData"),
    ],
    "StagingQuery": [
        ("meta_data", "msg:MetaData"),
        ("query", "string"),
        ("start_partition", "string"),
        ("setups", "*string"),
        ("create_view", "bool"),
    ],
    "DataField": [
        ("name", "string"),
        ("data_type", "msg:TDataType"),
    ],
    "TDataType": [
        ("kind", "enum:DataKind"),
        ("params", "*msg:DataField"),
        ("name", "string"),
    ],
    "GroupByHelper": [
        ("dependencies", "*string"),
        ("lag", "int"),
        ("tags", "json_fields"),
        ("kwargs", "json_fields"),
    ],
    "AggregationHelper": [
        ("tags", "json_fields"),
        ("k", "double"),
        ("percentiles", "*double"),
        ("raw", "bool"),
    ],
    "ExternalSourceHelper": [
        ("name", "string"),
        ("team", "string"),
        ("key_fields", "*msg:DataField"),
        ("value_fields", "*msg:DataField"),
        ("custom_json", "string"),
    ],
    "ContextualSourceHelper": [
        ("fields", "*msg:DataField"),
        ("team", "string"),
    ],
    "JoinPartHelper": [
        ("tags", "json_fields"),
    ],
    "JoinHelper": [
        ("check_consistency", "bool"),
        ("additional_args", "json_value"),
        ("additional_env", "json_value"),
        ("dependencies", "*string"),
        ("lag", "int"),
        ("consistency_sample_percent", "double"),
        ("bootstrap_from_log", "bool"),
        ("tags", "json_fields"),
        ("kwargs", "json_fields"),
    ],
}

ENUMS = {
    "Operation": [
        "MIN",
        "MAX",
        "FIRST",
        "LAST",
        "UNIQUE_COUNT",
        "APPROX_UNIQUE_COUNT",
        "COUNT",
        "SUM",
        "AVERAGE",
        "VARIANCE",
        "SKEW",
        "KURTOSIS",
        "APPROX_PERCENTILE",
        "LAST_K",
        "FIRST_K",
        "TOP_K",
        "BOTTOM_K",
        "HISTOGRAM",
        "APPROX_HISTOGRAM_K",
        "BOUNDED_UNIQUE_COUNT",
    ],
    "TimeUnit": ["HOURS", "DAYS"],
    "Accuracy": ["TEMPORAL", "SNAPSHOT"],
    "DataKind": [
        "BOOLEAN",
        "BYTE",
        "SHORT",
        "INT",
        "LONG",
        "FLOAT",
        "DOUBLE",
        "STRING",
        "BINARY",
        "DATE",
        "TIMESTAMP",
        "MAP",
        "LIST",
        "STRUCT",
    ],
}

# ----------------------------------------------------------------------------------------------------------------
# Checking values as they are built (so that a mistake fails at the user's line, in the helper they called).

def type_of(value):
    """A short description of a value for error messages: `GroupBy`, `string "x"`, `int 3`, `list`, ..."""
    if hasattr(value, "_chronon_type"):
        return value._chronon_type
    t = type(value)
    if t == "string":
        return "string " + repr(value) if len(value) < 60 else "string"
    if t in ("int", "float", "bool"):
        return "{} {}".format(t, repr(value))
    if t == "NoneType":
        return "None"
    return t

def _describe(kind):
    repeated = kind.startswith("*")
    base = kind[1:] if repeated else kind
    if base.startswith("msg:"):
        what = "a " + base[4:]
    elif base.startswith("enum:"):
        what = "a {} (e.g. {}.{})".format(base[5:], base[5:], ENUMS[base[5:]][0])
    else:
        what = {
            "string": "a string",
            "label": "a Bazel label string",
            "bool": "True or False",
            "int": "an int",
            "double": "a number",
            "map": "a dict of strings to strings",
            "map_map": "a dict of strings to dicts of strings to strings",
            "map_list": "a dict of strings to lists of strings",
            "json_fields": "a dict with string keys",
            "json_value": "a JSON-like value (dict, list, string, number, bool or None)",
        }[base]
    if repeated:
        return "a list of " + (what[2:] + "s" if what.startswith("a ") else what)
    return what

def is_string_dict(value):
    """True when `value` is a dict of strings to strings (`str(x) == x` holds only for a string, and is the cheaper
    test in Bazel 4.2.3's Starlark)."""
    return type(value) == "dict" and not [k for k, v in value.items() if str(k) != k or str(v) != v]

def _scalar_ok(base, value):
    t = type(value)
    if base == "string" or base == "label":
        return t == "string"
    if base == "bool":
        return t == "bool"
    if base == "int":
        return t == "int"
    if base == "double":
        return t == "int" or t == "float"
    if base.startswith("enum:"):
        return t == "string" and value in ENUMS[base[5:]]
    if base.startswith("msg:"):
        return getattr(value, "_chronon_type", None) == base[4:]
    if base == "map":
        return is_string_dict(value)
    if base == "map_map":
        if t != "dict":
            return False
        for k, v in value.items():
            if type(k) != "string" or type(v) != "dict":
                return False
            for k2, v2 in v.items():
                if type(k2) != "string" or type(v2) != "string":
                    return False
        return True
    if base == "map_list":
        if t != "dict":
            return False
        for k, v in value.items():
            if type(k) != "string" or type(v) not in ("list", "tuple"):
                return False
            for item in v:
                if type(item) != "string":
                    return False
        return True
    if base == "json_fields":
        return t == "dict" and _json_problem(value) == None
    if base == "json_value":
        return _json_problem(value) == None
    fail("internal: unknown field type " + base)

# How deeply a JSON-like helper argument may nest (each level is two textproto messages; the compiler parses 100).
_MAX_JSON_DEPTH = 40

def _json_problem(value):
    """None when `value` is JSON-like (dicts with string keys, lists, tuples, strings, numbers, bools, None), else
    why it is not. An explicit stack (no recursion in Starlark), bounded in depth, so a list holding itself ends."""
    stack = [(value, 0)]
    for _ in range(1 << 30):
        if not stack:
            return None
        v, depth = stack.pop()
        t = type(v)
        if t == "dict" or t == "list" or t == "tuple":
            if depth == _MAX_JSON_DEPTH:
                return "it nests deeper than {} levels".format(_MAX_JSON_DEPTH)
            if t == "dict":
                for k, x in v.items():
                    if type(k) != "string":
                        return "a JSON object key must be a string, got " + type_of(k)
                    stack.append((x, depth + 1))
            else:
                for x in v:
                    stack.append((x, depth + 1))
        elif v != None and t != "string" and t != "int" and t != "float" and t != "bool":
            return "{} is not a JSON value (dict, list, string, number, bool or None)".format(type_of(v))
    return None

def _bad(where, arg, kind, value, index = None):
    detail = ""
    if kind.startswith("*") and index != None:
        detail = " (item {})".format(index)
    hint = ""
    base = kind.lstrip("*")
    if (base == "json_fields" and type(value) == "dict") or base == "json_value":
        hint = ": " + _json_problem(value)
    if base.startswith("enum:") and type(value) == "string":
        names = ENUMS[base[5:]]
        guess = did_you_mean(value, names)
        hint = ": {} has no value {}{}; its values are {}".format(base[5:], repr(value), guess, ", ".join(names))
    fail("{}: argument '{}' must be {}, got {}{}{}".format(where, arg, _describe(kind), type_of(value), detail, hint))

_SCALAR_TYPES = {"string": "string", "label": "string", "bool": "bool", "int": "int"}

def _spec(kind):
    """How `message` checks a field of type `kind`, decided once per field: (repeated, code, what, base, kind).

    code 0: `type(value) == what`; 1: a message, `value._chronon_type == what`; 2: an enum, a string in dict `what`;
    3: anything else, by _scalar_ok.
    """
    repeated = kind.startswith("*")
    base = kind[1:] if repeated else kind
    if base in _SCALAR_TYPES:
        return (repeated, 0, _SCALAR_TYPES[base], base, kind)
    if base.startswith("msg:"):
        return (repeated, 1, base[4:], base, kind)
    if base.startswith("enum:"):
        return (repeated, 2, {name: True for name in ENUMS[base[5:]]}, base, kind)
    return (repeated, 3, None, base, kind)

# message -> {field: _spec(kind)}
_SPECS = {message: {field: _spec(kind) for field, kind in fields} for message, fields in SCHEMA.items()}

def _fits(code, what, base, value):
    if code == 0:
        return type(value) == what
    if code == 1:
        return getattr(value, "_chronon_type", None) == what
    if code == 2:
        return type(value) == "string" and value in what
    return _scalar_ok(base, value)

def _checked(where, arg, spec, value):
    """`value` if it fits field `spec` (a list copy for a repeated field), else fails naming the helper and argument."""
    repeated, code, what, base, kind = spec
    if not repeated:
        if not _fits(code, what, base, value):
            _bad(where, arg, kind, value)
        return value
    if type(value) not in ("list", "tuple"):
        _bad(where, arg, kind, value)
    if code == 0:
        if not [item for item in value if type(item) != what]:
            return list(value)
    elif code == 1:
        if not [item for item in value if getattr(item, "_chronon_type", None) != what]:
            return list(value)
    for i, item in enumerate(value):
        if not _fits(code, what, base, item):
            _bad(where, arg, kind, item, i)
    return list(value)

def check(where, arg, kind, value):
    """Fails, naming the helper and its argument, unless `value` fits field type `kind`. Returns it (lists copied)."""
    return _checked(where, arg, _spec(kind), value)

def message(where, message_type, args, names = None):
    """A message of `message_type` from {field: value}: None values are dropped, the others checked.

    Args:
      where: the helper's name, for error messages (`GroupBy`).
      message_type: the api.proto message.
      args: {field: value}.
      names: {field: argument name} where the helper's argument is not named as the field (`keys` for
        key_columns), for error messages.
    """
    specs = _SPECS[message_type]
    fields = {}
    for field, value in args.items():
        if value == None:
            continue
        repeated, code, what, base, kind = specs[field]
        if repeated:
            fields[field] = _checked(where, names.get(field, field) if names else field, specs[field], value)
            continue
        if code == 0:
            ok = type(value) == what
        elif code == 1:
            ok = getattr(value, "_chronon_type", None) == what
        else:
            ok = _fits(code, what, base, value)
        if not ok:
            _bad(where, names.get(field, field) if names else field, kind, value)
        fields[field] = value
    return struct(_chronon_type = message_type, **fields)

def did_you_mean(name, candidates):
    """` (did you mean 'x'?)` for the closest candidate within edit distance 3, else ``."""
    best = None
    best_distance = 4
    for candidate in candidates:
        d = _edit_distance(name.lower(), candidate.lower())
        if d < best_distance:
            best = candidate
            best_distance = d
    return " (did you mean {}?)".format(repr(best)) if best != None else ""

def _edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        previous = current
    return previous[len(b)]

def check_unknown(where, unknown, known):
    """Fails naming the first unknown keyword argument, with the closest known one."""
    for name in unknown:
        fail("{}() got an unexpected keyword argument '{}'{}; its arguments are {}".format(
            where,
            name,
            did_you_mean(name, known),
            ", ".join(known),
        ))

# ----------------------------------------------------------------------------------------------------------------
# The labels a value names (a target's deps).

def _label_fields():
    """message -> [(field, repeated, is_label)] of its fields that are labels or may hold one, in reverse api.proto
    order (labels() pushes them on its stack, so they come out in order)."""
    reaches = {}
    for _ in range(len(SCHEMA)):
        grew = False
        for message, fields in SCHEMA.items():
            if message in reaches:
                continue
            for _field, kind in fields:
                base = kind.lstrip("*")
                if base == "label" or (base.startswith("msg:") and base[4:] in reaches):
                    reaches[message] = True
                    grew = True
                    break
        if not grew:
            break
    return {
        message: reversed([
            (field, kind.startswith("*"), kind.lstrip("*") == "label")
            for field, kind in fields
            if kind.lstrip("*") == "label" or (kind.lstrip("*").startswith("msg:") and kind.lstrip("*")[4:] in reaches)
        ])
        for message, fields in SCHEMA.items()
        if message in reaches
    }

_LABEL_FIELDS = _label_fields()

def labels(value):
    """The labels (refs, staging queries) that message `value` names, in the order they are written, once each.

    Walks only the fields that may lead to a label (a GroupBy's sources, not its aggregations). Starlark has no
    recursion: an explicit stack of messages and labels, each message's fields pushed last to first so that they
    come out in field order. A field's type tells a label from a message: no type() per node.
    """
    found = []
    seen = {}
    stack = [(value, False)]
    for _ in range(1 << 30):
        if not stack:
            break
        v, is_label = stack.pop()
        if is_label:
            if v not in seen:
                seen[v] = True
                found.append(v)
            continue
        fields = _LABEL_FIELDS.get(getattr(v, "_chronon_type", None))
        if not fields:
            continue
        for field, repeated, field_is_label in fields:
            x = getattr(v, field, None)
            if x == None:
                continue
            if repeated:
                stack.extend([(item, field_is_label) for item in reversed(x)])
            else:
                stack.append((x, field_is_label))
    return found
