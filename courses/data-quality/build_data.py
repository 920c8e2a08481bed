"""Data files of the data-quality assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/data-quality/source/<assignment>``.
"""

from cenlab.generate import make_seizures
from cenlab.output import write_tables

# One year of seizures from 1,500 cases; seed 116 puts Namibia ("NA") in each country column.
RECORD = {"n_cases": 1_500, "seed": 116, "start": "2025-01-01", "end": "2025-12-31"}
ASSIGNMENTS = {
    "01-the-cen-record": RECORD,
}


def build(assignment: str, out) -> list:
    """Write the data files of ``assignment`` into ``out``."""
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    return write_tables({"seizures": seizures}, out)
