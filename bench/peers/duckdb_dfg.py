#!/usr/bin/env python3
"""The DuckDB side of the comparison: the same directly-follows graph and variant count as
pm4py_dfg.py, in SQL with window functions.

Usage: duckdb_dfg.py LOG CASE_COLUMN ACTIVITY_COLUMN TIMESTAMP_COLUMN
The CSV is loaded into a table (insertion order kept, so `rowid` is the input row and ties
in time keep input order, as PM4Py does); each event is paired with the next event of its
case by `lead()` over (case, time, row); edges are grouped with count, mean, median, min,
max and sample stdev of the seconds between the two events; variants are the distinct
activity sequences per case. Uses every core (DuckDB's default). Prints one JSON line.
"""
import json
import sys

import duckdb


def main():
    path, case, act, ts = sys.argv[1:5]
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE ev AS
            SELECT "{case}" AS c, "{act}" AS a, CAST("{ts}" AS TIMESTAMPTZ) AS t
            FROM read_csv(?, header = true, all_varchar = true)""",
        [path],
    )
    edges = con.execute(
        """WITH pairs AS (
             SELECT a, lead(a) OVER w AS b,
                    (epoch_us(lead(t) OVER w) - epoch_us(t)) / 1e6 AS d
             FROM ev WINDOW w AS (PARTITION BY c ORDER BY t, rowid))
           SELECT a, b, count(*) AS n, avg(d), median(d), min(d), max(d), stddev_samp(d)
           FROM pairs WHERE b IS NOT NULL GROUP BY a, b"""
    ).fetchall()
    variants = con.execute(
        """SELECT count(DISTINCT v) FROM (
             SELECT string_agg(a, chr(31) ORDER BY t, rowid) AS v FROM ev GROUP BY c)"""
    ).fetchone()[0]
    events, cases = con.execute("SELECT count(*), count(DISTINCT c) FROM ev").fetchone()
    top = max(edges, key=lambda e: (e[2], (e[0], e[1])))
    print(json.dumps({
        "events": events,
        "cases": cases,
        "edges": len(edges),
        "arcs": sum(e[2] for e in edges),
        "variants": variants,
        "top_edge": "%s>%s" % (top[0], top[1]),
        "top_mean": top[3],
        "top_median": top[4],
    }))


if __name__ == "__main__":
    main()
