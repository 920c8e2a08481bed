"""Data files of the risk-profiling assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/risk-profiling/source/<assignment>``.
Passenger names are left out: a profile never needs them. The truth kept for grading is whether
the passenger carried illicit goods, and which.
"""

from cenlab.output import write_tables
from cenlab.traffic import make_passengers

KEEP_TRUTH = ["illicit", "true_commodity"]
ASSIGNMENTS = {
    # Six months without a route shift: indicators and a first profile.
    "01-indicators-and-profiles": {
        "n": 12_000, "seed": 7, "start": "2025-01-01", "end": "2025-06-30", "route_shift": False,
    },
}  # fmt: skip


def build(assignment: str, out) -> list:
    """Write ``passengers.csv`` for ``assignment`` into ``out``."""
    spec = dict(ASSIGNMENTS[assignment])
    passengers, truth = make_passengers(spec.pop("n"), return_truth=True, **spec)
    table = passengers.drop(columns=["passenger_name"]).join(truth[KEEP_TRUTH])
    return write_tables({"passengers": table}, out)
