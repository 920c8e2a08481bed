"""How long does the CEN dashboard take to redraw after a filter change, over 1,000,000 seizures?

Target: under 1 s from the change to every chart redrawn (filtering, headline figures, seven
charts rendered to SVG). Each scenario changes the filters from the previous state, as a user
clicking through the dashboard would; the printed ratio is time / target (below 1 is good).
"""

from __future__ import annotations

import statistics
import time

from cenlab.synth import make_seizures
from cenlab.ui.dashboard import FILTERS, CENDashboard

N_SEIZURES = 1_000_000
TARGET_S = 1.0
REPEATS = 3
# (label, change) applied in turn, each on top of the ones before, as a user clicks through.
SCENARIOS = [
    ("section Drugs", {"sections": ["Drugs"]}),
    ("+ region Europe", {"regions": ["EUR"]}),
    ("+ direction Import", {"directions": ["Import"]}),
    ("period Mar 2024-Jun 2025", {"start": "2024-03-01", "end": "2025-06-30"}),
    ("count cases", {"measure": "cases"}),
    ("clear all filters", {**dict.fromkeys(FILTERS), "measure": "seizures"}),
    ("count cases, no filter", {"measure": "cases"}),  # the heaviest: distinct cases of 1M
]


def main() -> None:
    t0 = time.perf_counter()
    # about 1.38 seizures per case: generate a little more, keep the first million rows
    df = make_seizures(int(N_SEIZURES / 1.3), seed=0).iloc[:N_SEIZURES]
    t1 = time.perf_counter()
    dash = CENDashboard(df)
    t2 = time.perf_counter()
    print(f"seizures: {len(df):,} ({df['case_id'].nunique():,} cases)")
    print(f"generate: {t1 - t0:.2f} s   build dashboard (prepare + first draw): {t2 - t1:.2f} s")
    print(f"target per filter change: {TARGET_S:.2f} s")
    cleared = {**dict.fromkeys(FILTERS), "measure": "seizures"}
    state, worst = dict(cleared), 0.0
    for label, change in SCENARIOS:
        times = []
        for _ in range(REPEATS):
            dash.set_filters(**state)  # back to the state before this change
            before = dict(dash.redraws)
            start = time.perf_counter()
            dash.set_filters(**change)
            times.append(time.perf_counter() - start)
        redrawn = sum(dash.redraws[k] - before[k] for k in before)
        state.update(change)
        best, med = min(times), statistics.median(times)
        worst = max(worst, med)
        print(
            f"{label:26s} median {med:.3f} s  best {best:.3f} s  ratio {med / TARGET_S:.2f}  "
            f"charts redrawn {redrawn}/{len(before)}  seizures shown {dash.headline['seizures']:,}"
        )
    print(f"worst median {worst:.3f} s  ratio to target {worst / TARGET_S:.2f}")


if __name__ == "__main__":
    main()
