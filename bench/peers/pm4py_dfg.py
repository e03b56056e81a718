#!/usr/bin/env python3
"""The PM4Py side of the comparison: read an event log, discover the directly-follows graph
with count, mean, median, min, max and stdev per edge (seconds), and count the variants.

Usage: pm4py_dfg.py LOG CASE_COLUMN ACTIVITY_COLUMN TIMESTAMP_COLUMN
A CSV is read with pandas (only the three columns, case ids as strings) and formatted with
pm4py.format_dataframe (UTC timestamps, sorted by case, time and input row); an .xes or
.xes.gz file with pm4py.read_xes(variant="iterparse"). Prints one JSON line of summary
figures that compare.py checks against salesmap and DuckDB.
"""
import json
import sys

import pandas as pd
import pm4py


def main():
    path, case, act, ts = sys.argv[1:5]
    if path.endswith(".xes") or path.endswith(".xes.gz"):
        df = pm4py.format_dataframe(pm4py.read_xes(path, variant="iterparse"))
    else:
        df = pd.read_csv(path, usecols=[case, act, ts], dtype={case: str, act: str})
        df = pm4py.format_dataframe(df, case_id=case, activity_key=act, timestamp_key=ts)
    dfg, _start, _end = pm4py.discover_dfg(df)
    perf, _, _ = pm4py.discover_performance_dfg(df, perf_aggregation_key="all")
    variants = pm4py.get_variants(df)
    top = max(dfg, key=lambda e: (dfg[e], e))
    print(json.dumps({
        "events": int(len(df)),
        "cases": int(df["case:concept:name"].nunique()),
        "edges": len(dfg),
        "arcs": int(sum(dfg.values())),
        "variants": len(variants),
        "top_edge": "%s>%s" % top,
        "top_mean": float(perf[top]["mean"]),
        "top_median": float(perf[top]["median"]),
    }))


if __name__ == "__main__":
    main()
