"""Data files of the cen-coordination assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/cen-coordination/source/<assignment>``.
Both assignments share one synthetic world: 180 administrations reporting to CEN, month by month,
from January 2016 to December 2025 (``make_reporting_panel``), about 50 of them adopting nCEN and
switching on the automated transfer at different times.

- ``countries.csv``: one row per administration: region, RILO, how it reported before nCEN, when
  it adopted nCEN and when it switched on the automated transfer (empty: never in the panel).
- ``monthly.csv``: one row per country and month: seizures held nationally (``true_seizures``),
  those that reached CEN, those that came late, the month's median reporting delay and whether
  the automated transfer was on. ``share_reported`` is left out: the notebooks compute it on
  reading (reported over true), which keeps the file small.
- ``seizures.csv`` (assignment 1 only): the seizures of 2025, one row each, with the day each
  reached CEN (empty if it never did).
- ``truth.csv`` (assignment 2 only): the true effect of the automated transfer by month since the
  switch, which only a synthetic world can give. It holds no autograded answer: the answers are
  estimates from ``monthly.csv``, and the hidden tests recompute them from it.
"""

from functools import lru_cache

from cenlab.files import write_tables
from cenlab.synth import make_reporting_panel

# Fewer seizures per country-month than the default (92) keep the files to a few MB; the
# event-study estimate still lands within a point of the truth on this seed.
WORLD = {"n_countries": 180, "years": 10, "start": "2016-01", "seed": 7, "seizures_per_month": 30.0}
ASSIGNMENTS = {
    # The last three years of the panel, and the seizure rows of 2025 for delays and the quarter.
    "01-how-much-reaches-cen": {"from_month": "2023-01-01", "seizures_year": 2025},
    # The whole panel, and the truth for the last section.
    "02-did-automation-help": {"from_month": "2016-01-01", "seizures_year": None},
}


@lru_cache(maxsize=1)
def world():
    """The panel and its truth (one call, about a second)."""
    return make_reporting_panel(WORLD["n_countries"], return_truth=True,
                                **{k: v for k, v in WORLD.items() if k != "n_countries"})  # fmt: skip


def build(assignment: str, out) -> list:
    """Write the data files of ``assignment`` into ``out``."""
    spec = ASSIGNMENTS[assignment]
    panel, truth = world()
    monthly = panel.monthly.drop(columns=["share_reported"])
    tables = {
        "countries": panel.countries,
        "monthly": monthly[monthly["month"] >= spec["from_month"]],
    }
    if spec["seizures_year"] is not None:
        s = panel.seizures
        tables["seizures"] = s[s["seizure_date"].dt.year == spec["seizures_year"]]
    else:
        tables["truth"] = truth.by_event_time
    return write_tables(tables, out)
