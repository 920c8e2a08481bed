"""Benchmark: the reporting panel, 180 countries x 10 years of monthly reporting with its seizures
(about 2 million rows), against a per-country, per-seizure Python loop measured in the same run.

Target (2-core machine): the whole panel (countries, country-months and one row per seizure, with
the truth) in 5 s or less. The loop draws the same things one seizure at a time with Python's
``random`` (a day in the month, reported or not, a lognormal delay) and builds the monthly table
with a dict; it runs on a few countries and its time is scaled to the panel's seizures. The event
study over the panel is timed too (the course and the dashboard call it).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import resource
import statistics
import subprocess
import sys
import time

TARGET_S = 5.0
RUNS = 3  # the generator's time is the median of three runs; the loop is timed once
LOOP_COUNTRIES = 6


def per_seizure_loop(panel, countries: list[str]) -> dict:
    """The naive way: for each country, month and seizure, draw in Python and count in a dict."""
    rng = random.Random(0)
    monthly = {}
    shares = panel.monthly.set_index(["country", "month"])
    for country in countries:
        rows = shares.loc[country]
        for month, row in rows.iterrows():
            days = month.days_in_month
            delays = []
            reported = 0
            for _ in range(int(row["true_seizures"])):
                day = month + dt.timedelta(days=rng.randrange(days))
                if rng.random() < row["share_reported"]:
                    reported += 1
                    delay = round(35.0 * math.exp(0.7 * rng.gauss(0, 1)))
                    delays.append((day, day + dt.timedelta(days=delay)))
            monthly[(country, month)] = (reported, sorted(d[1] - d[0] for d in delays))
    return monthly


def child() -> None:
    """Run in a fresh process so that peak memory is the generator's own."""
    from cenlab.quality import event_study
    from cenlab.synth import make_reporting_panel

    make_reporting_panel(10, years=2, seed=0)  # warm imports
    times = []
    for seed in range(1, RUNS + 1):
        t0 = time.perf_counter()
        panel, truth = make_reporting_panel(seed=seed, return_truth=True)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    event_study(panel.monthly)
    t_es = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(len(panel.seizures), len(panel.monthly), statistics.median(times), t_es, peak_mb)


def main() -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True
    )
    rows, cells, seconds, t_es, peak_mb = out.stdout.split()
    rows, cells, seconds, t_es, peak_mb = (
        int(rows),
        int(cells),
        *map(float, [seconds, t_es, peak_mb]),
    )

    from cenlab.synth import make_reporting_panel

    panel = make_reporting_panel(seed=1)
    countries = [str(c) for c in panel.countries["country"][:: 180 // LOOP_COUNTRIES]]
    sample = int(panel.monthly.loc[panel.monthly["country"].isin(countries), "true_seizures"].sum())
    t0 = time.perf_counter()
    per_seizure_loop(panel, countries)
    loop_seconds = (time.perf_counter() - t0) / max(sample, 1) * rows

    print(f"make_reporting_panel: 180 countries x 120 months ({cells:,} country-months)")
    print(
        f"  {rows:,} seizures in {seconds:.2f} s, median of {RUNS} ({rows / seconds:,.0f} rows/s)"
    )
    print(f"  peak memory (process max RSS): {peak_mb:,.0f} MB")
    print(f"  event study over the panel: {t_es:.2f} s")
    print(
        f"per-seizure Python loop, {LOOP_COUNTRIES} countries ({sample:,} seizures) scaled to "
        f"{rows:,}: {loop_seconds:.0f} s; speed-up {loop_seconds / seconds:,.0f}x"
    )
    met = "met" if seconds <= TARGET_S else "NOT met"
    print(f"time vs {TARGET_S:.0f} s target: {seconds / TARGET_S:.2f} of budget ({met})")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
