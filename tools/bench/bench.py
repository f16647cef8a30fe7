#!/usr/bin/env python3
"""Benchmark of rules_chronon on a generated repo (tools/bench/gen_repo.py): prints min / median over runs.

Usage: tools/bench/bench.py [--teams 10] [--gbs 100] [--joins 20] [--runs 5] [--dir DIR]

Cases (each run is timed as the wall time of one `bazel build //:production` client call):
  cold      server up and the compiler built, but every Chronon output deleted and the analysis cache discarded
            (a new --define value); no disk or remote cache. Every ChrononCompile action runs.
  noop      the same build again.
  edit      one GroupBy's textproto changed (a window length toggled) and rebuilt; also counts the actions run.
  cache     `bazel clean`, then a build against a warm HTTP cache (nginx WebDAV on loopback); counts executed actions.
  compiler  the chronon_compiler binary alone on one GroupBy and one Join (one process per compile, as Bazel's
            sandboxed/local strategies run it; and as a persistent worker answering many requests): wall time and
            peak RSS (/usr/bin/time).
Not a test: nothing is asserted; the machine is shared, so read ratios within one run and repeat.
"""
import argparse
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import worker_client  # noqa: E402  (a tiny WorkRequest/WorkResponse codec, stdlib only)

define_nonce = [0]


def bazel(ws, *args, check=True):
    cmd = ["bazel", args[0], *args[1:]]
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if check and p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        sys.exit(f"bench: {' '.join(cmd)} failed")
    return wall, p.stderr


def processes(stderr):
    """The 'INFO: N processes: a internal, b worker.' line as a dict, plus the total."""
    m = re.search(r"INFO: (\d+) process(?:es)?(?:: (.*))?\.", stderr)
    counts = {"total": int(m.group(1)) if m else 0}
    if m and m.group(2):
        for part in m.group(2).split(", "):
            n, _, kind = part.partition(" ")
            counts[kind] = int(n)
    return counts


def build(ws, *extra):
    return bazel(ws, "build", f"--define=chronon_bench_nonce={define_nonce[0]}", *extra, "//:production")


def stats(values, fmt="{:.2f} s"):
    return f"min {fmt.format(min(values))}, median {fmt.format(statistics.median(values))}"


def machine():
    mem = next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    version = subprocess.run(["bazel", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "bazel-bootstrap"], stdout=subprocess.PIPE,
                         text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load = open("/proc/loadavg").read().split()[:3]
    print(f"machine: {os.cpu_count()} cores ({cpu}), {int(mem) / 1048576:.1f} GiB memory, load {' '.join(load)}")
    print(f"bazel: `bazel --version` = {version!r}; Debian bazel-bootstrap {pkg}")


def delete_outputs(ws):
    bin_dir = os.path.join(ws, "bazel-bin")
    for d in ("sources", "group_bys", "joins", "production"):
        shutil.rmtree(os.path.join(bin_dir, d), ignore_errors=True)


def start_nginx(tmp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.makedirs(os.path.join(tmp, "data"))
    os.makedirs(os.path.join(tmp, "logs"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = "".join(f"  {k}_temp_path {tmp}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(f"""{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
{temps}  server {{
    listen 127.0.0.1:{port};
    root {tmp}/data;
    client_max_body_size 0;
    location / {{ dav_methods PUT; create_full_put_path on; }}
  }}
}}
""")
    subprocess.run(["/usr/sbin/nginx", "-p", tmp, "-c", os.path.join(tmp, "nginx.conf")], check=True)
    return port


def stop_nginx(tmp):
    pid_file = os.path.join(tmp, "nginx.pid")
    if os.path.exists(pid_file):
        pid = int(open(pid_file).read().strip())
        os.kill(pid, 15)
        for _ in range(50):
            if not os.path.exists(pid_file):
                break
            time.sleep(0.05)


def compile_args(bin_dir, kind, team, name, deps):
    pkg = f"{'group_bys' if kind == 'group_by' else 'joins'}/{team}"
    return [f"--kind={kind}", f"--label=//{pkg}:{name}", f"--src={pkg}/{name}.textproto", "--teams=teams.json",
            *[f"--dep={bin_dir}/{d}" for d in deps], f"--out_summary=/tmp/chronon_bench_{kind}.summary",
            f"--name={team}.{name}", f"--out_conf=/tmp/chronon_bench_{kind}.conf"]


def measure_compiler(ws, runs):
    bin_dir = subprocess.run(["bazel", "info", "bazel-bin"], cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout.strip()
    # The compiler is a tool (cfg = "exec"), built in an exec configuration (bazel-out/k8-opt-exec-*/).
    found = glob.glob(os.path.join(os.path.dirname(os.path.dirname(bin_dir)), "*", "bin", "external",
                                   "rules_chronon", "chronon", "chronon_compiler"))
    if len(found) != 1:
        sys.exit(f"bench: expected one built chronon_compiler, found {found}")
    exe = found[0]
    cases = {
        "GroupBy": compile_args(bin_dir, "group_by", "team_0", "gb_1.v1", ["sources/team_0/src_1.chronon.json"]),
        "Join": compile_args(bin_dir, "join", "team_0", "join_1.v1",
                             ["sources/team_0/src_0.chronon.json"] +
                             [f"group_bys/team_0/gb_{p}.v1.chronon.json" for p in range(5, 10)]),
    }
    reps = max(runs * 4, 20)
    for what, args in cases.items():
        with open(f"/tmp/chronon_bench_{what}.params", "w") as f:
            f.write("\n".join(args) + "\n")
        walls, rss = [], []
        for _ in range(reps):
            start = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-f", "%M", exe, f"@/tmp/chronon_bench_{what}.params"], cwd=ws,
                               stderr=subprocess.PIPE, text=True)
            walls.append((time.perf_counter() - start) * 1000)
            if p.returncode != 0:
                sys.exit(f"bench: compiler failed on the {what}: {p.stderr}")
            rss.append(int(p.stderr.strip().splitlines()[-1]) / 1024)
        print(f"compiler, one process per {what}: wall {stats(walls, '{:.1f} ms')}; peak RSS "
              f"{stats(rss, '{:.1f} MB')} ({reps} runs)")
        if worker_client.supported(exe):
            n = 200
            total, rss_worker = worker_client.time_requests(exe, ws, args, n)
            print(f"compiler, persistent worker, {what}: {total / n * 1000:.2f} ms per request ({n} requests in one "
                  f"process); peak RSS {rss_worker:.1f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--gbs", type=int, default=100)
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default=None, help="where to generate the repo (default: a fresh temp dir)")
    opts = parser.parse_args()

    machine()
    ws = opts.dir or tempfile.mkdtemp(prefix="chronon_bench_")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_repo.py"), ws, str(opts.teams), str(opts.gbs),
                    str(opts.joins)], check=True)
    n_objects = opts.teams * (5 + opts.gbs + opts.joins)
    print(f"repo: {ws}: {opts.teams} teams x ({opts.gbs} GroupBys + {opts.joins} Joins + 5 sources) = "
          f"{n_objects} targets; {opts.runs} runs per case")
    wall, err = build(ws)  # starts the server, builds the compiler and everything once
    print(f"first build (starts the server and builds the compiler if this repo has no output base yet): {wall:.1f} s")

    cold, cold_procs = [], None
    for i in range(opts.runs):
        delete_outputs(ws)
        define_nonce[0] += 1
        wall, err = build(ws)
        cold.append(wall)
        cold_procs = processes(err)
    print(f"cold full build:   {stats(cold)}   ({cold_procs})")

    noop = [build(ws)[0] for _ in range(opts.runs)]
    print(f"no-op rebuild:     {stats(noop)}")

    path = os.path.join(ws, "group_bys", "team_0", "gb_0.v1.textproto")
    original = open(path).read()
    edit, edit_procs = [], None
    for i in range(opts.runs):
        with open(path, "w") as f:
            f.write(original.replace("length: 30 ", f"length: {31 + i} "))
        wall, err = build(ws)
        edit.append(wall)
        edit_procs = processes(err)
    with open(path, "w") as f:
        f.write(original)
    build(ws)
    print(f"edit one GroupBy:  {stats(edit)}   ({edit_procs}; the GroupBy and the Joins that use it)")

    tmp = tempfile.mkdtemp(prefix="chronon_bench_cache_")
    try:
        port = start_nginx(tmp)
        flags = [f"--remote_cache=http://127.0.0.1:{port}"]
        bazel(ws, "clean")
        build(ws, *flags)  # fills the cache (compiler and objects)
        warm, warm_procs = [], None
        for _ in range(opts.runs):
            bazel(ws, "clean")
            wall, err = build(ws, *flags)
            warm.append(wall)
            warm_procs = processes(err)
        print(f"clean rebuild, warm HTTP cache: {stats(warm)}   ({warm_procs})")
    finally:
        stop_nginx(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    build(ws)  # local outputs again, for the compiler measurements
    measure_compiler(ws, opts.runs)
    if not opts.dir:
        bazel(ws, "shutdown")
        shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    main()
