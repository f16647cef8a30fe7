#!/usr/bin/env python3
"""Two chronon_compiler binaries, A and B, on every compile of one generated bench repo (tools/bench/gen_repo.py),
timed alternately in one run, and their outputs compared byte for byte.

Usage: tools/bench/compiler_ab.py BINARY_A BINARY_B [--teams 10] [--gbs 100] [--joins 20] [--rounds 3] [--dir DIR]

Each round runs the whole repo in dependency order (sources, GroupBys, Joins), one process per compile as Bazel's
local strategy runs it, every compile under A and under B back to back (alternating which goes first), each binary
reading the summaries it wrote itself. Prints the wall and CPU (user + sys) time of each pass, min / median per
binary; then whether every engine JSON and summary of A equals B's. No Bazel: it times the compiler, not the
build. For a refactoring: build the old binary at the old commit and the new one, both with
`bazel build -c opt //chronon:chronon_compiler`, and copy each out of bazel-bin.
"""
import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_repo  # noqa: E402
import worker_client  # noqa: E402

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


def run_one(exe, repo, kind, pkg, name, deps, out_dir):
    """Wall and CPU (user + sys of the child) seconds of one compile."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run([exe, *args_of(kind, pkg, name, deps, out_dir)], cwd=repo, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{exe} failed on //{pkg}:{name}: {p.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    walls = {"a": [], "b": []}
    cpus = {"a": [], "b": []}
    print(f"{len(todo)} compiles per pass; repo and outputs in {work}")
    for r in range(opts.rounds):
        # Paired: every compile runs under A and under B back to back (alternating which goes first), so that the
        # load of a shared machine falls on both alike.
        pass_wall = {"a": 0.0, "b": 0.0}
        pass_cpu = {"a": 0.0, "b": 0.0}
        for i, (kind, pkg, name, deps) in enumerate(todo):
            for which in (("a", "b") if (i + r) % 2 == 0 else ("b", "a")):
                wall, cpu = run_one(exes[which], repo, kind, pkg, name, deps, outs[which])
                pass_wall[which] += wall
                pass_cpu[which] += cpu
        for which in ("a", "b"):
            walls[which].append(pass_wall[which])
            cpus[which].append(pass_cpu[which])
            print(f"round {r + 1} {which.upper()}: wall {pass_wall[which]:.2f} s "
                  f"({pass_wall[which] / len(todo) * 1000:.2f} ms per compile), "
                  f"CPU {pass_cpu[which]:.2f} s ({pass_cpu[which] / len(todo) * 1000:.2f} ms per compile)")
    for which in ("a", "b"):
        print(f"{which.upper()} ({exes[which]}): wall min {min(walls[which]):.2f} s, median "
              f"{statistics.median(walls[which]):.2f} s; CPU min {min(cpus[which]):.2f} s, median "
              f"{statistics.median(cpus[which]):.2f} s")
    # In-process: one persistent worker per binary answering the same request many times (no process start, so
    # the compile itself), alternating A and B.
    samples = {"GroupBy": [t for t in todo if t[0] == "group_by"][1], "Join": [t for t in todo if t[0] == "join"][1]}
    for what, (kind, pkg, name, deps) in samples.items():
        per_request = {"a": [], "b": []}
        n = 300
        for r in range(opts.rounds):
            for which in (("a", "b") if r % 2 == 0 else ("b", "a")):
                args = args_of(kind, pkg, name, deps, outs[which])
                total, _ = worker_client.time_requests(exes[which], repo, args, n)
                per_request[which].append(total / n * 1000)
        print(f"persistent worker, {what} //{pkg}:{name}: " + "; ".join(
            f"{w.upper()} min {min(v):.3f} ms, median {statistics.median(v):.3f} ms per request"
            for w, v in per_request.items()))
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
