#!/usr/bin/env python3
"""Draws bench.py --growth's figures: time against object count, rules_chronon's and compile.py's.

Usage: plot_growth.py ROWS_JSON OUT_PNG   (run by bench.py with Debian's python3, which has python3-matplotlib)
"""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(data, out):
    rows = json.load(open(data))
    xs = [r["objects"] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 5))
    for key, label, style in (("cold", "rules_chronon: cold build", "o-"),
                              ("update_edit", "rules_chronon: edit one GroupBy + update", "s-"),
                              ("noop", "rules_chronon: no-op build", "^-")):
        ax.plot(xs, [statistics.median(r[key]) for r in rows], style, label=label)
    measured = [(r["objects"], statistics.median(r["compile_py_cold"])) for r in rows if r["compile_py_cold"]]
    if measured:
        ax.plot(*zip(*measured), "D-", color="tab:red", label="compile.py: whole repo")
    unfinished = [(r["objects"], r["compile_py_timeout"]) for r in rows
                  if not r["compile_py_cold"] and "compile_py_timeout" in r]
    if unfinished:
        # A lower bound: compile.py was killed there without finishing.
        if measured:
            ax.plot(*zip(*(measured[-1:] + unfinished)), ":", color="tab:red")
        ax.plot(*zip(*unfinished), "^", color="tab:red", markersize=10, mfc="none",
                label="compile.py: killed unfinished (a lower bound)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{x:,}" for x in xs])
    ax.minorticks_off()
    ax.set_xlabel("engine JSON files (GroupBys + Joins)")
    ax.set_ylabel("wall time (s), median")
    ax.set_title("rules_chronon and compile.py: time against repo size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    main(sys.argv[1], sys.argv[2])
