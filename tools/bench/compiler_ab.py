#!/usr/bin/env python3
"""Two chronon_compiler binaries, A and B, on every compile of one generated bench repo (tools/bench/gen_repo.py),
timed alternately in one run, and their outputs compared byte for byte.

Usage: tools/bench/compiler_ab.py BINARY_A BINARY_B [--teams 10] [--gbs 100] [--joins 20] [--rounds 3] [--dir DIR]

Each round runs A, then B (B first in odd rounds) over the whole repo in dependency order (sources, GroupBys, Joins),
one process per compile as Bazel's local strategy runs it, each binary reading the summaries it wrote itself. Prints
the wall time of each pass and min / median per binary; then whether every engine JSON and summary of A equals
B's. No Bazel: it times the compiler, not the build. For a refactoring: build the old binary from the old commit
and the new one, both with `bazel build -c opt //chronon:chronon_compiler`, and copy them out of bazel-bin.
"""
import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_repo  # noqa: E402

SOURCES = gen_repo.SOURCES_PER_TEAM


def compiles(n_teams, n_gb, n_j):
    """(kind, package, name, deps) in dependency order."""
    out = []
    for t in range(n_teams):
        out += [("source", f"sources/team_{t}", f"src_{s}", []) for s in range(SOURCES)]
    for t in range(n_teams):
        out += [("group_by", f"group_bys/team_{t}", f"gb_{g}.v1", [f"sources/team_{t}/src_{g % SOURCES}"])
                for g in range(n_gb)]
    for t in range(n_teams):
        for j in range(n_j):
            deps = [f"sources/team_{t}/src_0"]
            for p in gen_repo.join_parts(j, n_gb):
                if f"group_bys/team_{t}/gb_{p}.v1" not in deps:
                    deps.append(f"group_bys/team_{t}/gb_{p}.v1")
            out.append(("join", f"joins/team_{t}", f"join_{j}.v1", deps))
    return out


def args_of(kind, pkg, name, deps, out_dir):
    team = pkg.split("/")[1]
    args = [f"--kind={kind}", f"--label=//{pkg}:{name}", f"--src={pkg}/{name}.textproto", "--teams=teams.json",
            *[f"--dep={out_dir}/{d}.summary" for d in deps], f"--out_summary={out_dir}/{pkg}/{name}.summary"]
    if kind != "source":
        args += [f"--name={team}.{name}", f"--out_conf={out_dir}/{pkg}/{name}.json"]
    return args


def run_all(exe, repo, todo, out_dir):
    start = time.perf_counter()
    for kind, pkg, name, deps in todo:
        p = subprocess.run([exe, *args_of(kind, pkg, name, deps, out_dir)], cwd=repo, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode != 0:
            sys.exit(f"{exe} failed on //{pkg}:{name}: {p.stderr}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--gbs", type=int, default=100)
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir")
    opts = parser.parse_args()
    work = opts.dir or tempfile.mkdtemp(prefix="chronon_compiler_ab_")
    repo = os.path.join(work, "repo")
    gen_repo.generate(repo, opts.teams, opts.gbs, opts.joins, os.path.join(HERE, "..", ".."))
    todo = compiles(opts.teams, opts.gbs, opts.joins)
    outs = {}
    for which in ("a", "b"):
        outs[which] = os.path.join(work, "out_" + which)
        for _, pkg, _, _ in todo:
            os.makedirs(os.path.join(outs[which], pkg), exist_ok=True)
    exes = {"a": os.path.abspath(opts.a), "b": os.path.abspath(opts.b)}
    times = {"a": [], "b": []}
    print(f"{len(todo)} compiles per pass; repo and outputs in {work}")
    for r in range(opts.rounds):
        for which in (("a", "b") if r % 2 == 0 else ("b", "a")):
            wall = run_all(exes[which], repo, todo, outs[which])
            times[which].append(wall)
            print(f"round {r + 1} {which.upper()} ({exes[which]}): {wall:.2f} s, "
                  f"{wall / len(todo) * 1000:.2f} ms per compile")
    for which in ("a", "b"):
        print(f"{which.upper()}: min {min(times[which]):.2f} s, median {statistics.median(times[which]):.2f} s")
    different = []
    for _, pkg, name, _ in todo:
        for ext in ("summary", "json"):
            fa = os.path.join(outs["a"], pkg, f"{name}.{ext}")
            fb = os.path.join(outs["b"], pkg, f"{name}.{ext}")
            if os.path.exists(fa) != os.path.exists(fb) or (os.path.exists(fa) and not filecmp.cmp(fa, fb, False)):
                different.append(f"{pkg}/{name}.{ext}")
    print("outputs: identical bytes" if not different else f"outputs DIFFER: {different[:10]}")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
