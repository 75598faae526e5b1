"""Runs latency.sql with DuckDB on an e-mail export and compares its figures with Rapport's.

    python latency.py 'DATA/email/*.csv.gz' Europe/Berlin OUT/metrics.csv

Prints the seconds DuckDB took and whether every (period, partner) that both report has the
same answered-turn count and the same p50/p90 latency (to the millisecond). Exit 1 on a mismatch.
"""
import csv
import sys
import time
from pathlib import Path

import duckdb


def main() -> int:
    files, zone, rapport_metrics = sys.argv[1], sys.argv[2], sys.argv[3]
    sql = (Path(__file__).parent / "latency.sql").read_text()
    started = time.monotonic()
    con = duckdb.connect()
    con.execute("SET VARIABLE files = ?", [files])
    con.execute("SET VARIABLE zone = ?", [zone])
    rows = con.execute(sql).fetchall()  # every statement in turn; the last one's rows
    seconds = time.monotonic() - started
    print(f"duckdb: {len(rows)} (week, partner) rows in {seconds:.2f} s")

    ours = {}
    with open(rapport_metrics, newline="") as f:
        for r in csv.DictReader(f):
            if r["partner"] and r["metric"] in ("response.answered", "response.latency_p50_s", "response.latency_p90_s"):
                ours[(r["period"], r["partner"], r["metric"])] = float(r["value"])
    compared = mismatches = 0
    for period, partner, answered, p50, p90 in rows:
        if (period, partner, "response.answered") not in ours:
            continue  # a period Rapport leaves out (still running at as-of)
        compared += 1
        theirs = {"response.answered": answered, "response.latency_p50_s": p50, "response.latency_p90_s": p90}
        for metric, value in theirs.items():
            mine = ours.get((period, partner, metric))
            if mine is None or abs(mine - value) > 0.001:
                mismatches += 1
                if mismatches <= 10:
                    print(f"duckdb: differs at {period} {partner} {metric}: rapport {mine}, duckdb {value}")
    print(f"duckdb: {compared} (week, partner) rows compared with rapport, {mismatches} figures differ")
    return 1 if mismatches or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
