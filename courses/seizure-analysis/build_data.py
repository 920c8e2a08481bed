"""Data files of the seizure-analysis assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/seizure-analysis/source/<assignment>``.
Both assignments use the same synthetic extract: two years of seizures from about 3,000 cases.
"""

from cenlab.files import write_tables
from cenlab.synth import make_seizures

EXTRACT = {"n_cases": 3_000, "seed": 2025, "start": "2024-01-01", "end": "2025-12-31"}
ASSIGNMENTS = {
    "01-exploring-seizures": EXTRACT,
    "02-visualising-and-dashboards": EXTRACT,
}


def build(assignment: str, out) -> list:
    """Write ``seizures.csv`` for ``assignment`` into ``out``."""
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    return write_tables({"seizures": seizures}, out)
