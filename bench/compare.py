#!/usr/bin/env python3
"""Times salesmap, DuckDB and PM4Py side by side on the same files, in one run.

Usage (bench/run.sh sets everything up and calls this):
  compare.py [--data DIR] [--repeat N] [--pm4py-repeat N] [--skip-pm4py-above EVENTS]
             [--only NAME,...] [--markdown FILE]

For every workload listed in DIR/workloads.tsv (written by `salesmap-bench workloads`) each
tool runs as its own process under `/usr/bin/time -v`, so the figures are for the whole
process (start-up, reading and parsing the file, the computation, the output) on this
machine: wall-clock seconds, user+system CPU seconds, and peak resident memory.
- salesmap: `salesmap discover FILE` (the default table output), every core;
- DuckDB:   peers/duckdb_dfg.py (SQL with window functions, every core);
- PM4Py:    peers/pm4py_dfg.py (pandas, one core).
All three compute the directly-follows graph with count, mean, median, min, max and stdev per
edge and the number of variants; salesmap's discover also computes start/end activities,
rework, case durations and time to the next event. Each tool's summary figures (events,
cases, edges, arcs, variants, the most frequent edge's mean and median) are checked against
salesmap's (`salesmap discover --format json`, run once more untimed); a mismatch is
reported in the table's last column.

The best wall time of `--repeat` runs is reported (PM4Py: of `--pm4py-repeat` runs), with
the user+system time and peak memory of that run. Ratios are the peer's figure divided by
salesmap's. Two more rows time salesmap alone: `salesmap analyze` with the 14-stage B2B map
on each generated history.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SALESMAP = os.path.join(ROOT, "target", "release", "salesmap")
VENV_PYTHON = os.path.join(HERE, ".venv", "bin", "python")


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall s, cpu s, peak MB). The wall
    time is measured here (finer than time's centiseconds); CPU and memory come from time."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode, proc.stderr[-2000:]))
    err = proc.stderr

    def field(label):
        m = re.search(re.escape(label) + r":\s*(\S+)", err)
        return m.group(1)

    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    peak = int(field("Maximum resident set size (kbytes)")) / 1024
    return proc.stdout, wall, cpu, peak


def best_of(cmd, repeat):
    runs = [timed(cmd) for _ in range(max(1, repeat))]
    return min(runs, key=lambda r: r[1])


def last_json(stdout):
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON summary in output:\n" + stdout[-1000:])


def salesmap_summary(path):
    out = subprocess.run([SALESMAP, "discover", path, "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    top = max(d["dfg"], key=lambda e: (e["count"], (e["from"], e["to"])))
    return {
        "events": d["events"], "cases": d["cases"], "edges": len(d["dfg"]),
        "arcs": sum(e["count"] for e in d["dfg"]), "variants": d["variant_count"],
        "top_edge": "%s>%s" % (top["from"], top["to"]),
        "top_mean": top["mean"], "top_median": top["median"],
    }


def agreement(got, want):
    bad = [k for k in ("events", "cases", "edges", "arcs", "variants", "top_edge") if got[k] != want[k]]
    for k in ("top_mean", "top_median"):
        if abs(got[k] - want[k]) > 1e-6 * max(1.0, abs(want[k])):
            bad.append(k)
    return "yes" if not bad else "NO: " + ", ".join(bad)


def read_manifest(data):
    rows = []
    with open(os.path.join(data, "workloads.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pm4py-repeat", type=int, default=1)
    ap.add_argument("--skip-pm4py-above", type=int, default=0,
                    help="skip PM4Py on workloads with more events than this (0: never skip)")
    ap.add_argument("--only", default="")
    ap.add_argument("--markdown", default="")
    args = ap.parse_args()

    workloads = read_manifest(args.data)
    if args.only:
        wanted = args.only.split(",")
        workloads = [w for w in workloads if w["name"] in wanted]
    workloads.sort(key=lambda w: (w["name"].endswith(".csv"), w["name"].split("-")[0], int(w["events"])))
    b2b = os.path.join(args.data, "b2b.toml")
    if not os.path.exists(b2b):
        subprocess.run([SALESMAP, "init", "-o", b2b], check=True, capture_output=True)

    lines = []

    def emit(line):
        print(line, flush=True)
        lines.append(line)

    emit("| workload | events | deals | MB | tool | wall s | CPU s | peak MB | wall × salesmap | memory × salesmap | same figures |")
    emit("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for w in workloads:
        path = os.path.join(args.data, w["name"])
        events = int(w["events"])
        xes = ".xes" in w["name"]
        cols = [w["case"], w["activity"], w["timestamp"]]
        want = salesmap_summary(path)
        results = []
        _, wall, cpu, peak = best_of([SALESMAP, "discover", path], args.repeat)
        results.append(("salesmap discover", wall, cpu, peak, "reference"))
        base_wall, base_peak = wall, peak
        if not xes:
            out, wall, cpu, peak = best_of([VENV_PYTHON, os.path.join(HERE, "peers", "duckdb_dfg.py"), path] + cols, args.repeat)
            results.append(("DuckDB", wall, cpu, peak, agreement(last_json(out), want)))
        if args.skip_pm4py_above and events > args.skip_pm4py_above:
            results.append(("PM4Py", None, None, None, "skipped"))
        else:
            out, wall, cpu, peak = best_of([VENV_PYTHON, os.path.join(HERE, "peers", "pm4py_dfg.py"), path] + cols, args.pm4py_repeat)
            results.append(("PM4Py", wall, cpu, peak, agreement(last_json(out), want)))
        for tool, wall, cpu, peak, same in results:
            if wall is None:
                emit("| %s | %s | %s | %.0f | %s | – | – | – | – | – | %s |" % (
                    w["name"], f"{events:,}", f"{int(w['deals']):,}", int(w["bytes"]) / 1e6, tool, same))
                continue
            emit("| %s | %s | %s | %.0f | %s | %.2f | %.2f | %.0f | %s | %s | %s |" % (
                w["name"], f"{events:,}", f"{int(w['deals']):,}", int(w["bytes"]) / 1e6, tool,
                wall, cpu, peak,
                "1" if tool.startswith("salesmap") else "%.1f×" % (wall / max(base_wall, 1e-3)),
                "1" if tool.startswith("salesmap") else "%.1f×" % (peak / max(base_peak, 1e-3)),
                same))
        if w["name"].startswith("generated"):
            _, wall, cpu, peak = best_of([SALESMAP, "analyze", "--map", b2b, path], args.repeat)
            emit("| %s | %s | %s | %.0f | salesmap analyze (14-stage map) | %.2f | %.2f | %.0f | – | – | – |" % (
                w["name"], f"{events:,}", f"{int(w['deals']):,}", int(w["bytes"]) / 1e6, wall, cpu, peak))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
