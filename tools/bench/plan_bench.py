#!/usr/bin/env python3
"""Wall time of `bazel run //:production.plan` after one GroupBy edit, against a no-op build, on a generated repo.

Usage: tools/bench/plan_bench.py [--teams 10] [--gbs 100] [--joins 20] [--runs 5] [--dir DIR] [--rules PATH]

The repo (tools/bench/gen_repo.py) is built and its production/ tree written once (untimed). Then, each timed as the
wall time of one bazel client call, min and median over --runs:
  noop        `bazel build //:production` with nothing changed;
  plan-edit   group_bys/team_0/gb_0.v1.textproto edited (its 30-day window set to 31, 32, ... days: a content change
              of an online GroupBy and of the Join that uses it), then one `bazel run //:production.plan`: Bazel
              recompiles the GroupBy and its Join, then the plan reads the changed confs;
  plan-again  the same plan once more (nothing to rebuild);
  plan-tool   the plan tool alone, by the script `bazel run --script_path` writes (no Bazel client or server).
The goal (issue 12): plan-edit within 2x of noop. Not a test; the machine is shared, so read ratios within one run.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the build benchmark: its bazel helpers, machine line and edit)

PLAN_TARGET = "//:production.plan"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--gbs", type=int, default=100)
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", help="the generated repo (default: a temporary directory, removed at the end)")
    parser.add_argument("--rules", default=bench.ROOT)
    opts = parser.parse_args()
    bench.machine()
    temporary = opts.dir is None
    ws = opts.dir or tempfile.mkdtemp(prefix="chronon_plan_bench_")
    try:
        shutil.rmtree(ws, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_repo.py"), ws, str(opts.teams), str(opts.gbs),
                        str(opts.joins), f"--rules={opts.rules}"], check=True)
        print(f"repo: {ws}: {opts.teams} teams x ({opts.gbs} GroupBys + {opts.joins} Joins + 5 sources)")
        bench.bazel(ws, "build", "//:production")
        bench.bazel(ws, "run", bench.UPDATE_TARGET)
        noop = [bench.bazel(ws, "build", "//:production")[0] for _ in range(opts.runs)]
        print(f"noop: bazel build //:production: {bench.stats(noop)}")

        path = os.path.join(ws, bench.EDIT_FILE)
        original = open(path).read()
        edits, agains, last = [], [], ""
        for i in range(opts.runs):
            with open(path, "w") as f:
                f.write(bench.edited_textproto(original, i))
            wall, _, out = bench.bazel_output(ws, "run", PLAN_TARGET)
            edits.append(wall)
            agains.append(bench.bazel_output(ws, "run", PLAN_TARGET)[0])
            last = out
        print(f"plan-edit: {bench.EDIT_FILE} edited, then bazel run {PLAN_TARGET}: {bench.stats(edits)}")
        print(f"plan-again: bazel run {PLAN_TARGET}, nothing to rebuild: {bench.stats(agains)}")
        fd, script = tempfile.mkstemp(prefix="chronon_plan_bench_", suffix=".sh")
        os.close(fd)
        try:
            bench.bazel(ws, "run", f"--script_path={script}", PLAN_TARGET)
            tool = []
            for _ in range(opts.runs):
                start = time.perf_counter()
                subprocess.run([script], cwd=ws, stdout=subprocess.DEVNULL, check=True)
                tool.append(time.perf_counter() - start)
        finally:
            os.remove(script)
        print(f"plan-tool: the plan tool alone: {bench.stats(tool)}")
        print(f"plan-edit / noop (medians): {sorted(edits)[len(edits) // 2] / sorted(noop)[len(noop) // 2]:.2f}x")
        print("the last plan's first lines:")
        for line in last.splitlines()[:12]:
            print("  " + line)
        bench.bazel(ws, "shutdown")
    finally:
        if temporary:
            shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    main()
