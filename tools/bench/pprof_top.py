#!/usr/bin/env python3
"""Prints where Starlark CPU time goes, from Bazel's `--starlark_cpu_profile=FILE` (a gzipped pprof profile).

Usage: pprof_top.py PROFILE... [--top N]

Several profiles (e.g. one per reload of a package) are averaged. Prints the total per profile, then the functions
by cumulative time (a function counted once per sample however deep it recurs), by flat time (the sample's innermost
frame), and cumulative time per call site line. Only Python's standard library: the protobuf wire format is decoded
here (profile.proto: sample = 2, location = 4, function = 5, string_table = 6).
"""
import collections
import gzip
import sys


def varint(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def fields(data):
    """(field number, wire type, value) of each field of a protobuf message."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            n, i = varint(data, i)
            value, i = data[i:i + n], i + n
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def varints(wire, value):
    """A repeated integer field, packed or not."""
    if wire == 0:
        return [value]
    out, i = [], 0
    while i < len(value):
        x, i = varint(value, i)
        out.append(x)
    return out


def read(path):
    """[(value, [(function name, line), ...innermost first])] of one profile; values in the profile's unit."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    strings, samples, locations, functions = [], [], {}, {}
    for number, wire, value in fields(data):
        if number == 6:
            strings.append(value.decode())
        elif number == 2:
            ids, values = [], []
            for n2, w2, v2 in fields(value):
                if n2 == 1:
                    ids += varints(w2, v2)
                elif n2 == 2:
                    values += varints(w2, v2)
            samples.append((ids, values))
        elif number == 4:
            location_id, lines = 0, []
            for n2, w2, v2 in fields(value):
                if n2 == 1:
                    location_id = v2
                elif n2 == 4:
                    function_id = line = 0
                    for n3, _, v3 in fields(v2):
                        if n3 == 1:
                            function_id = v3
                        elif n3 == 2:
                            line = v3
                    lines.append((function_id, line))
            locations[location_id] = lines
        elif number == 5:
            function_id = name = filename = 0
            for n2, _, v2 in fields(value):
                if n2 == 1:
                    function_id = v2
                elif n2 == 2:
                    name = v2
                elif n2 == 4:
                    filename = v2
            functions[function_id] = (name, filename)

    def label(function_id):
        name, filename = functions[function_id]
        return f"{strings[name]} ({strings[filename].split('/')[-1]})"

    return [(values[-1], [(label(f), line) for l in ids for f, line in locations[l]]) for ids, values in samples]


def main():
    args = sys.argv[1:]
    top = 30
    if "--top" in args:
        k = args.index("--top")
        top = int(args[k + 1])
        del args[k:k + 2]
    if not args:
        sys.exit(__doc__.split("\n\n")[1])
    flat, cumulative, lines = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for path in args:
        for value, frames in read(path):
            total += value
            if frames:
                flat[frames[0][0]] += value
            for name in {f for f, _ in frames}:
                cumulative[name] += value
            for site in {f"{f}:{line}" for f, line in frames}:
                lines[site] += value
    n = len(args)
    # Bazel's Starlark profiler counts CPU time in microseconds.
    print(f"Starlark CPU: {total / n / 1000:.1f} ms per profile ({n} profiles)")
    for title, counter in (("cumulative", cumulative), ("flat", flat), ("cumulative, by line", lines)):
        print(f"--- {title}")
        for name, value in counter.most_common(top):
            print(f"{value / n / 1000:8.1f} ms {100 * value / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
