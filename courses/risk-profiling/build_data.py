"""Data files of the risk-profiling assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/risk-profiling/source/<assignment>``.
Passenger and company names are left out: a profile never needs them. The truth kept for grading is whether
the passenger carried illicit goods, and which (and, where an alert is written, how much, in
which unit and how it was hidden).
"""

from cenlab.files import write_tables
from cenlab.synth.traffic import make_consignments, make_passengers

KEEP_TRUTH = ["illicit", "true_commodity"]
ALERT_TRUTH = ["illicit", "true_commodity", "true_quantity", "true_unit", "true_concealment"]
ASSIGNMENTS = {
    # Six months without a route shift: indicators and a first profile.
    "01-indicators-and-profiles": {
        "n": 12_000, "seed": 7, "start": "2025-01-01", "end": "2025-06-30", "route_shift": False,
    },
    # A year in which cocaine couriers move from South American to West African routes on 1 July:
    # build on the first half, judge on the second, adapt, and write an alert.
    "02-evaluating-and-adapting": {
        "n": 12_000, "seed": 21, "start": "2025-01-01", "end": "2025-12-31",
        "route_shift_date": "2025-07-01", "illicit_rate": 0.03,
    },
}  # fmt: skip
# Columns no question needs, dropped to keep the file small.
DROP = {"02-evaluating-and-adapting": ["origin_airport", "transit_airport"]}
TRUTH = {"02-evaluating-and-adapting": ALERT_TRUTH}

# Cargo targeting: a year of declarations with revenue fraud; offences are commoner than in the
# default traffic so that 1% of the judged months still holds enough of them to measure.
CARGO = {
    "03-cargo-targeting": {
        "n": 20_000, "seed": 2031, "start": "2025-01-01", "end": "2025-12-31",
        "route_shift_date": "2025-07-01", "illicit_rate": 0.05,
    },
}  # fmt: skip
ASSIGNMENTS.update(CARGO)
# What an inspection of a past declaration established; quantities and concealment stay out.
CARGO_TRUTH = ["illicit", "offence", "true_commodity", "true_hs_code", "true_value_usd",
               "revenue_at_risk_usd"]  # fmt: skip
# Company names, vessel or flight numbers and routes: no question needs them.
CARGO_DROP = ["importer_name", "conveyance_ref", "route", "goods_description"]


def build(assignment: str, out) -> list:
    """Write ``passengers.csv`` (``consignments.csv`` for cargo) for ``assignment`` into ``out``."""
    spec = dict(ASSIGNMENTS[assignment])
    if assignment in CARGO:
        consignments, truth = make_consignments(spec.pop("n"), return_truth=True, **spec)
        table = consignments.drop(columns=CARGO_DROP).join(truth[CARGO_TRUTH])
        return write_tables({"consignments": table}, out)
    passengers, truth = make_passengers(spec.pop("n"), return_truth=True, **spec)
    drop = ["passenger_name", *DROP.get(assignment, [])]
    table = passengers.drop(columns=drop).join(truth[TRUTH.get(assignment, KEEP_TRUTH)])
    return write_tables({"passengers": table}, out)
