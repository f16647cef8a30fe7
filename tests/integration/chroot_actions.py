#!/usr/bin/env python3
"""Runs a built workspace's Chronon actions again in an empty chroot and compares what they write.

    chroot_actions.py AQUERY_JSON EXECROOT ROOT GOLDENS EXPECTED

AQUERY_JSON: `bazel aquery --output=jsonproto --include_param_files` of the ChrononCompile and ChrononColumns actions.
ROOT (an empty directory) receives each action's executable and declared inputs, copied from EXECROOT, and nothing
else: no libc, no ld.so, no /etc, no /dev, no /proc. Each action then runs there under `chroot`, with an environment
that holds only locale variables naming locales the root does not have (a tool that read them, through setlocale or
a named std::locale, would reach iconv's or the locale loader's dlopen; none of that exists in the root). Every
output must equal the build's own output (EXECROOT) byte for byte, and every compiled conf whose path ends in
production/<kind>/<team>/<name> must equal GOLDENS/<kind>/<team>/<name> (compile.py's output) where that exists;
EXPECTED of them must (every golden of the workspace).
Prints one summary line; exits non-zero with the first difference or failure.

Environment: CHROOT_TOOLS (a directory): each action's executable is replaced in the root by the file of the same
name there (the arm64 tools). CHROOT_RUNNER (a static program, e.g. qemu-aarch64-static): copied into the root as
/runner and put before each command.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys


def main():
    aquery, execroot, root, goldens, expected = sys.argv[1:6]
    data = json.load(open(aquery))
    fragments = {f["id"]: f for f in data.get("pathFragments", [])}

    def path_of(fragment_id):
        parts = []
        while fragment_id:
            fragment = fragments[fragment_id]
            parts.append(fragment["label"])
            fragment_id = fragment.get("parentId", 0)
        return "/".join(reversed(parts))

    artifacts = {a["id"]: path_of(a["pathFragmentId"]) for a in data.get("artifacts", [])}
    depsets = {d["id"]: d for d in data.get("depSetOfFiles", [])}

    def inputs_of(ids, seen):
        for depset_id in ids:
            if depset_id in seen:
                continue
            seen.add(depset_id)
            depset = depsets[depset_id]
            for artifact_id in depset.get("directArtifactIds", []):
                yield artifacts[artifact_id]
            yield from inputs_of(depset.get("transitiveDepSetIds", []), seen)

    actions = [a for a in data.get("actions", []) if a["mnemonic"] in ("ChrononCompile", "ChrononColumns")]
    if not actions:
        sys.exit("chroot_actions: the aquery output holds no ChrononCompile or ChrononColumns action")
    replacements = os.environ.get("CHROOT_TOOLS", "")
    runner = os.environ.get("CHROOT_RUNNER", "")
    tools = set()
    for action in actions:
        for path in [action["arguments"][0]] + list(inputs_of(action.get("inputDepSetIds", []), set())):
            source = os.path.join(execroot, path)
            if os.path.isfile(source):  # runfiles manifests and middlemen are Bazel's, not the action's
                os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
                shutil.copy2(source, os.path.join(root, path))
        tools.add(action["arguments"][0])
        if replacements:
            shutil.copy2(os.path.join(replacements, os.path.basename(action["arguments"][0])),
                         os.path.join(root, action["arguments"][0]))
        for output_id in action["outputIds"]:
            os.makedirs(os.path.dirname(os.path.join(root, artifacts[output_id])), exist_ok=True)
    if runner:
        shutil.copy2(runner, os.path.join(root, "runner"))
    for entry in os.listdir(root):
        if entry not in ("bazel-out", "external", "runner") and not os.path.exists(os.path.join(execroot, entry)):
            sys.exit(f"chroot_actions: {entry} in the root is not from the execroot")
    for candidate in ("lib", "lib64", "usr", "etc", "dev", "proc"):
        if os.path.exists(os.path.join(root, candidate)) and not os.path.exists(os.path.join(execroot, candidate)):
            sys.exit(f"chroot_actions: the root holds /{candidate}")

    env = {"LANG": "de_DE.UTF-8", "LC_ALL": "ja_JP.eucJP", "LC_CTYPE": "tr_TR.ISO-8859-9"}

    def run(action):  # the actions write distinct outputs: they run side by side (qemu starts slowly)
        argv = (["/runner"] if runner else []) + ["/" + action["arguments"][0]] + action["arguments"][1:]
        done = subprocess.run([shutil.which("chroot"), root] + argv, env=env, cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return argv, done

    # In waves: an action runs after those that write its inputs (a Join reads its GroupBys' outputs, a columns
    # listing its conf), those of one wave side by side.
    producer = {artifacts[o]: i for i, a in enumerate(actions) for o in a["outputIds"]}
    action_inputs = [list(inputs_of(a.get("inputDepSetIds", []), set())) for a in actions]
    wave = {}

    def wave_of(i):
        if i not in wave:
            wave[i] = 1 + max([wave_of(producer[p]) for p in action_inputs[i] if p in producer and producer[p] != i],
                              default=-1)
        return wave[i]

    results = [None] * len(actions)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for level in sorted({wave_of(i) for i in range(len(actions))}):
            batch = [i for i in range(len(actions)) if wave_of(i) == level]
            for i, result in zip(batch, pool.map(run, [actions[i] for i in batch])):
                results[i] = result
    compared = goldens_matched = 0
    for action, (argv, done) in zip(actions, results):
        if done.returncode != 0:
            sys.exit(f"chroot_actions: {' '.join(argv[:2])} exited {done.returncode} in the empty chroot:\n"
                     f"{done.stderr.decode(errors='replace')[-2000:]}")
        for output_id in action["outputIds"]:
            path = artifacts[output_id]
            with open(os.path.join(root, path), "rb") as f:
                ours = f.read()
            with open(os.path.join(execroot, path), "rb") as f:
                if ours != f.read():
                    sys.exit(f"chroot_actions: {path} differs from the build's")
            compared += 1
            if "/production/" in path:
                golden = os.path.join(goldens, path.rsplit("/production/", 1)[1])
                if os.path.isfile(golden):
                    with open(golden, "rb") as f:
                        if ours != f.read():
                            sys.exit(f"chroot_actions: {path} differs from compile.py's {golden}")
                    goldens_matched += 1
    if goldens_matched != int(expected):
        sys.exit(f"chroot_actions: {goldens_matched} outputs compared with compile.py's goldens, expected {expected}")
    print(f"{len(actions)} actions{' under ' + os.path.basename(runner) if runner else ''} ({', '.join(sorted(os.path.basename(t) for t in tools))}) in an empty chroot: "
          f"{compared} outputs identical to the build's, {goldens_matched} identical to compile.py's goldens")


if __name__ == "__main__":
    main()
