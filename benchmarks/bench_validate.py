"""Benchmark: every quality rule over 1,000,000 seizures (target: 3 s or less on 2 cores).

Times ``validate`` on generated data damaged with every defect type (median of 3 runs) and on the
clean data, and prints rows per second, the ratio to the target, the recall of each defect type
against the answer key (target: 95% or more) and the share of undamaged records flagged (target:
1% or less). Exits 1 when a quality target is missed; the time target is reported, not enforced.
Run: python benchmarks/bench_validate.py [rows]
"""

from __future__ import annotations

import statistics
import sys
import time

import pandas as pd

from cenlab.quality import validate
from cenlab.synth import false_positive_rate, inject_defects, make_seizures, recall

TARGET_S = 3.0
AS_OF, CUTOFF = "2026-06-30", "2025-12-31"  # fixed, so that the figures do not move with the date


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def main(n: int = 1_000_000) -> int:
    clean, t_gen = timed(make_seizures, int(n / 1.35), seed=1)  # about 1.37 seizures per case
    # An office's file before it goes to CEN: no report date yet, so that the targets measure
    # entry mistakes (the report date's rules are checked against the generated delays in tests).
    clean = clean.head(n).reset_index(drop=True).assign(reported_date=pd.NaT)
    (damaged, key), t_inject = timed(inject_defects, clean, seed=2, cutoff=CUTOFF)
    validate(clean.head(1_000), as_of=AS_OF)  # warm up: imports and cached code lists
    runs = [timed(validate, damaged, as_of=AS_OF, cutoff=CUTOFF) for _ in range(3)]
    report, t_damaged = runs[-1][0], statistics.median(t for _, t in runs)
    clean_report, t_clean = timed(validate, clean, as_of=AS_OF, cutoff=CUTOFF)

    print(f"rows: {len(damaged):,} seizures ({len(clean):,} generated in {t_gen:.1f} s, "
          f"{len(key):,} cells damaged in {t_inject:.1f} s)")  # fmt: skip
    print(f"  validate damaged data  {t_damaged:6.2f} s  {len(damaged) / t_damaged:>12,.0f} rows/s  "
          f"({t_damaged / TARGET_S:.2f} x the {TARGET_S:.0f} s target; median of 3)")  # fmt: skip
    print(f"  validate clean data    {t_clean:6.2f} s  {len(clean) / t_clean:>12,.0f} rows/s  "
          f"({t_clean / TARGET_S:.2f} x the target)")  # fmt: skip
    print(f"  findings: {len(report.findings):,}, quality score {report.score:.1f} "
          f"(clean data: {clean_report.score:.2f})")  # fmt: skip

    table = recall(report, key)
    print("recall per defect type (target: 95% or more)")
    for row in table.itertuples():
        print(f"  {row.Index:28s} {row.caught:>7,} of {row.injected:>7,}  {row.recall:7.2%}")
    fp_damaged = false_positive_rate(report, key)
    fp_clean = clean_report.findings["row"].nunique() / len(clean)
    print("false positives (target: 1% or less)")
    print(f"  undamaged records of the damaged data flagged  {fp_damaged:.4%}")
    print(f"  records of the clean data flagged              {fp_clean:.4%}")
    missed = (table["recall"] < 0.95).any() or max(fp_damaged, fp_clean) > 0.01
    time_verdict = "met" if t_damaged <= TARGET_S else "missed"
    print(f"time target {time_verdict}; quality targets {'missed' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
