#!/usr/bin/env python3
"""Where the time of one kind of action goes, from a Bazel JSON profile (`bazel build --profile=FILE`).

Usage: profile_actions.py PROFILE [--mnemonic_prefix="Compiling Chronon"] [--label=CASE]

Bazel 4.2.3 records each action as an "action processing" event named after its progress message, on the
thread that runs it; the spawn runner's phases are events on the same thread inside that interval: for a remote
spawn "remote action cache check", "Remote execution upload time" (upload missing inputs), "remote action
execution" (the Execute call: queueing and running on the executor), "remote output download"; for a local spawn
"local action execution". A phase nested in another is counted in the outer one. Run the build with `--record_full_profiler_data`, or Bazel drops phases shorter than its
thresholds (50 ms for uploads) and the sums come out short.

Prints one line per phase: how many of the selected actions have it, and the total, median and 90th percentile of
its duration per action (ms), then the action's own wall time and what the phases leave unexplained (Bazel's own
bookkeeping: input digests, output checks, the action cache).
"""
import argparse
import gzip
import json
import statistics
import sys
from collections import defaultdict


def load_events(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        data = json.load(f)
    return data["traceEvents"] if isinstance(data, dict) else data


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))
    return values[k]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("--mnemonic_prefix", default="Compiling Chronon",
                        help="select actions whose progress message starts with this")
    parser.add_argument("--label", default="", help="a name for the case, printed in each line")
    args = parser.parse_args()

    events = [e for e in load_events(args.profile) if e.get("ph") == "X" and "dur" in e]
    by_thread = defaultdict(list)
    for e in events:
        by_thread[(e.get("pid"), e.get("tid"))].append(e)

    actions = []  # (duration_us, {phase: duration_us})
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (e["ts"], -e["dur"]))
        selected = [e for e in thread_events
                    if e.get("cat") == "action processing" and e.get("name", "").startswith(args.mnemonic_prefix)]
        for action in selected:
            start, end = action["ts"], action["ts"] + action["dur"]
            phases = defaultdict(float)
            covered = start  # phases nested in a phase are counted in the outer one only
            for e in thread_events:
                if e is action or e["ts"] < start or e["ts"] + e["dur"] > end:
                    continue
                if e.get("cat") == "action processing" or e["ts"] < covered:
                    continue
                phases[e.get("cat", e.get("name", "?"))] += e["dur"]
                covered = e["ts"] + e["dur"]
            actions.append((action["dur"], phases))

    if not actions:
        print("%s: no action whose progress message starts with %r" % (args.label or args.profile,
                                                                      args.mnemonic_prefix))
        return 1
    names = sorted({name for _, phases in actions for name in phases},
                   key=lambda n: -sum(p.get(n, 0) for _, p in actions))
    prefix = (args.label + ": ") if args.label else ""
    print("%s%d actions, wall per action: median %.1f ms, p90 %.1f ms, total %.1f s" % (
        prefix, len(actions), statistics.median(d for d, _ in actions) / 1e3,
        percentile([d for d, _ in actions], 90) / 1e3, sum(d for d, _ in actions) / 1e6))
    for name in names:
        values = [p[name] for _, p in actions if name in p]
        print("%s  %-40s in %4d: median %8.1f ms, p90 %8.1f ms, total %8.1f s" % (
            prefix, name, len(values), statistics.median(values) / 1e3, percentile(values, 90) / 1e3,
            sum(values) / 1e6))
    rest = [d - sum(p.values()) for d, p in actions]
    print("%s  %-40s in %4d: median %8.1f ms, p90 %8.1f ms, total %8.1f s" % (
        prefix, "(not in a phase)", len(rest), statistics.median(rest) / 1e3, percentile(rest, 90) / 1e3,
        sum(rest) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
