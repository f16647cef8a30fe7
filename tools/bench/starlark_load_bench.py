#!/usr/bin/env python3
"""Loading cost of N rich GroupBys written in Starlark against the same GroupBys in textproto, with `bazel query --profile`.

Usage: starlark_load_bench.py [--n 100] [--runs 7] [--warmup 3] [--dir DIR] [--rules PATH] [--before PATH]

Writes gen_starlark_load.py's workspace (group_bys/tp: N textproto files and N chronon_group_by; group_bys/star: one
gb.bzl of N GroupBy(...) values and one chronon_module) for the rules at --rules (default: this checkout) and, with
--before, a second one for other rules (e.g. a `git archive` of an older commit), each with its own Bazel server.
After --warmup untimed rounds, each run, for each workspace, for each form: appends a comment to the package's BUILD
(and to gb.bzl), so that the package is loaded again, then times `bazel query --profile=P //group_bys/<form>:all`:

  wall      the client command, as a user waits for it
  loading   the profile's `preloadOrThrow` (the loading phase: .bzl files and the package)
  package   the profile's "package creation" events of the package (the BUILD file's evaluation; for the Starlark
            form the values in gb.bzl are evaluated before it, in `loading` only)

It prints the median and minimum of each, the Starlark / textproto ratio of the medians and of each run, the machine
and the load average. Not a test: it asserts nothing. It shuts down the servers it started.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_starlark_load  # noqa: E402

FORMS = ("tp", "star")


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model})"


def profile_figures(path, package):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    package_us = loading_us = 0
    for e in events:
        if e.get("ph") != "X":
            continue
        if e.get("cat") == "package creation" and e.get("name") == package:
            package_us += e["dur"]
        elif e.get("name") == "preloadOrThrow":
            loading_us += e["dur"]
    return package_us / 1000.0, loading_us / 1000.0


def touch(ws, form, tag):
    files = [os.path.join(ws, "group_bys", form, "BUILD")]
    if form == "star":
        files.append(os.path.join(ws, "group_bys", form, "gb.bzl"))
    for path in files:
        with open(path, "a") as f:
            f.write(f"# {tag}\n")


def query(ws, form, profile=None):
    cmd = ["bazel", "query"]
    if profile:
        cmd.append(f"--profile={profile}")
    cmd.append(f"//group_bys/{form}:all")
    start = time.monotonic()
    result = subprocess.run(cmd, cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = (time.monotonic() - start) * 1000.0
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} in {ws} failed:\n{result.stderr[-3000:]}")
    return wall


def summary(values):
    return f"{statistics.median(values):7.0f} ms (min {min(values):6.0f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--rules", default=os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
    parser.add_argument("--before", default=None, help="rules to compare with (measured alternately, same run)")
    args = parser.parse_args()
    top = args.dir or tempfile.mkdtemp(prefix="starlark_load_")
    versions = [("after", os.path.abspath(args.rules))]
    if args.before:
        versions.insert(0, ("before", os.path.abspath(args.before)))
    workspaces = {}
    for name, rules in versions:
        ws = os.path.join(top, name)
        gen_starlark_load.generate(ws, args.n, rules)
        workspaces[name] = ws
    print(f"machine: {machine()}; load average at start: {load_average()}")
    print(f"{args.n} GroupBys per package; {args.runs} runs after {args.warmup} warm-up rounds; in {top}")
    for name, rules in versions:
        print(f"  {name}: rules {rules}")
    figures = {(name, form): {"wall": [], "loading": [], "package": []} for name, _ in versions for form in FORMS}
    profile = os.path.join(top, "profile.json")
    try:
        for name, _ in versions:
            query(workspaces[name], "...")
        for i in range(args.warmup + args.runs):
            for name, _ in versions:
                for form in FORMS:
                    touch(workspaces[name], form, f"run {i}")
                    if i < args.warmup:
                        query(workspaces[name], form)
                        continue
                    wall = query(workspaces[name], form, profile)
                    package, loading = profile_figures(profile, f"group_bys/{form}")
                    f = figures[(name, form)]
                    f["wall"].append(wall)
                    f["loading"].append(loading)
                    f["package"].append(package)
            if i >= args.warmup:
                print(f"  run {i - args.warmup + 1}: load average {load_average()}", flush=True)
    finally:
        for name, _ in versions:
            subprocess.run(["bazel", "shutdown"], cwd=workspaces[name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    print(f"load average at end: {load_average()}")
    for name, _ in versions:
        print(f"\n{name}: median (min) of {args.runs}")
        print(f"  {'':8} {'textproto':>26} {'Starlark':>26}   ratio of medians; per run")
        for what in ("wall", "loading", "package"):
            tp, star = figures[(name, "tp")][what], figures[(name, "star")][what]
            per_run = ", ".join(f"{s / t:.1f}" if t else "-" for t, s in zip(tp, star))
            ratio = statistics.median(star) / statistics.median(tp) if statistics.median(tp) else float("nan")
            print(f"  {what:8} {summary(tp):>26} {summary(star):>26}   {ratio:.1f}x; {per_run}")
    if args.before:
        print("\nStarlark form, after / before (medians):")
        for what in ("wall", "loading", "package"):
            b = statistics.median(figures[("before", "star")][what])
            a = statistics.median(figures[("after", "star")][what])
            print(f"  {what:8} {b:7.0f} ms -> {a:7.0f} ms ({a / b:.2f})")


if __name__ == "__main__":
    main()
