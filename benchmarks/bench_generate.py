"""Benchmark: 1,000,000 seizure rows, against a plain per-row Faker loop measured in the same run.

Targets (2-core machine): 1,000,000 seizures in 5 s or less, at least 200 times the per-row loop,
peak memory under 1.5 GB. The loop builds the same columns one row at a time with Faker's
``random_element`` on a sample of rows, and its time is scaled to one million.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections import OrderedDict

ROWS = 1_000_000
CASES = 733_000  # about 1,000,000 seizures at the calibrated seizures-per-case ratio
LOOP_SAMPLE = 5_000
RUNS = 3  # the generator's time is the median of three runs; the loop is timed once


def per_row_loop(n: int) -> list[dict]:
    """The naive way: one dict per row, each field drawn by Faker from the same tables."""
    from faker import Faker

    from cenlab.reference import operations as ops
    from cenlab.reference.flows import FLOWS
    from cenlab.synth import calibration as cal

    fake = Faker()
    fake.seed_instance(0)
    flows = OrderedDict((f, FLOWS[f]["cases"]) for f in cal.FLOW_NAMES)
    world, p = cal.world_pool()
    countries = OrderedDict(zip(world, p))
    rows = []
    for i in range(n):
        flow = fake.random_element(flows)
        spec = FLOWS[flow]
        rows.append(
            {
                "case_id": f"C{i:07d}",
                "seizure_id": f"C{i:07d}-1",
                "seizure_date": fake.date_between("-2y", "today"),
                "reporting_country": fake.random_element(countries),
                "office": fake.bothify("??-AIR-#"),
                "location_type": fake.random_element(OrderedDict(cal.flow_mix(flow, "location"))),
                "direction": fake.random_element(OrderedDict(cal.flow_mix(flow, "direction"))),
                "section": spec["section"],
                "commodity": flow,
                "commodity_detail": fake.random_element(OrderedDict(cal.details(flow))),
                "hs_code": "0000.00",
                "quantity": fake.pyfloat(min_value=0.1, max_value=1000),
                "unit": "kg",
                "value_usd": fake.pyfloat(min_value=1, max_value=1e6),
                "detection_method": fake.random_element(ops.DETECTION_METHODS),
                "concealment": fake.random_element(OrderedDict(cal.flow_mix(flow, "concealment"))),
                "conveyance": fake.random_element(ops.CONVEYANCES),
                "departure_country": fake.random_element(countries),
                "destination_country": fake.random_element(countries),
                "ecommerce": fake.pybool(),
            }
        )
    return rows


def child() -> None:
    """Run in a fresh process so that peak memory is the generator's own."""
    from cenlab.synth import make_seizures

    make_seizures(1_000, seed=0)  # warm imports and caches
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        df = make_seizures(CASES, seed=1)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(df)} {seconds} {peak_mb}")


def main() -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True
    )
    rows, seconds, peak_mb = out.stdout.split()
    rows, seconds, peak_mb = int(rows), float(seconds), float(peak_mb)
    t0 = time.perf_counter()
    per_row_loop(LOOP_SAMPLE)
    loop_seconds = (time.perf_counter() - t0) / LOOP_SAMPLE * rows
    print(
        f"make_seizures: {rows:,} rows in {seconds:.2f} s, median of {RUNS} "
        f"({rows / seconds:,.0f} rows/s)"
    )
    print(f"peak memory (process max RSS): {peak_mb:,.0f} MB (target < 1,500 MB)")
    print(f"per-row Faker loop, {LOOP_SAMPLE:,} rows scaled to {rows:,}: {loop_seconds:.0f} s")
    print(f"speed-up over the per-row loop: {loop_seconds / seconds:.0f}x (target >= 200x)")
    print(f"time vs 5 s target: {seconds / 5:.2f} of budget")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
