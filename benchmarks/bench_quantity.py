"""How long does the dashboard's quantity view take to redraw after a filter change, on the
default reporting panel (180 countries x 10 years of monthly reporting, about 2 million seizures)?

Target: under 1 s from the change to the chart and the table redrawn. Each scenario changes the
filters from the previous state, as a user clicking through would. Printed per scenario: the
median time, its ratio to the target (below 1 is good), and its ratio to the reference measured
in the same run: computing the same numbers with ``cenlab.ui.reporting`` without drawing (what
the view adds on top of the figures: the chart as SVG and the table as HTML).
"""

from __future__ import annotations

import statistics
import time

from cenlab.synth import make_reporting_panel
from cenlab.ui import reporting as rp
from cenlab.ui.quantity import FILTERS, MAX_LINES, QuantityDashboard

TARGET_S = 1.0
REPEATS = 5
# (label, change) applied in turn, each on top of the ones before.
SCENARIOS = [
    ("area Europe", {"area": "EUR"}),
    ("+ RILO Western Europe", {"area": "RILO Western Europe"}),
    ("+ three countries", {"countries": "first three"}),
    ("show delay", {"measure": "delay"}),
    ("by month", {"freq": "M"}),
    ("period 2019-2022", {"start": "2019-01-01", "end": "2022-12-31"}),
    ("clear all filters", dict.fromkeys(FILTERS)),
    ("world by month, delay", {"freq": "M", "measure": "delay"}),  # every switch-on marked
]


def numbers_only(panel, f: dict) -> None:
    """The reference: the figures the view shows, without drawing them."""
    period = {"area": f["area"], "start": f["start"], "end": f["end"]}
    drawn = f["countries"][:MAX_LINES]
    wide = rp.trend(panel.monthly, f["measure"], countries=drawn, freq=f["freq"], **period)
    marks = rp.adoption_marks(panel.countries, chosen=drawn, **period)
    rp.country_table(panel.monthly, panel.countries, f["measure"], **period)
    rp.describe(wide, marks, f["measure"], f["freq"])


def timed(func, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    t0 = time.perf_counter()
    panel = make_reporting_panel(180, years=10, seed=0)
    t1 = time.perf_counter()
    dash = QuantityDashboard(panel)
    t2 = time.perf_counter()
    print(f"panel: {len(panel.countries)} countries, {len(panel.monthly):,} country-months, "
          f"{len(panel.seizures):,} seizures")  # fmt: skip
    print(f"generate: {t1 - t0:.2f} s   build view (first draw): {t2 - t1:.2f} s")
    print(f"target per filter change: {TARGET_S:.2f} s")
    state, worst = dict.fromkeys(FILTERS), 0.0
    for label, change in SCENARIOS:
        if change.get("countries") == "first three":
            change = {"countries": [code for _, code in dash.chosen.options[:3]]}
        times = []
        for _ in range(REPEATS):
            dash.set_filters(**state)  # back to the state before this change
            before = dict(dash.redraws)
            start = time.perf_counter()
            dash.set_filters(**change)
            times.append(time.perf_counter() - start)
        redrawn = {k: dash.redraws[k] - before[k] for k in before}
        state.update(change)
        reference = statistics.median(timed(lambda: numbers_only(panel, dash.filters), REPEATS))
        med = statistics.median(times)
        worst = max(worst, med)
        print(
            f"{label:24s} median {med:.3f} s  best {min(times):.3f} s  ratio to target "
            f"{med / TARGET_S:.2f}  numbers alone {reference:.3f} s (x{med / reference:.1f})  "
            f"redrawn: chart {redrawn['chart']}, table {redrawn['table']}"
        )
    print(f"worst median {worst:.3f} s  ratio to target {worst / TARGET_S:.2f}")


if __name__ == "__main__":
    main()
