"""Data files of the data-quality assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/data-quality/source/<assignment>``.

Assignment 02 hands out a damaged file; its answer key (which mistake went where) is never
written into the assignment folder: an instructor gets it with ``answer_key(assignment)``.
Assignment 03 hands out an nCEN extract: seizures with two national columns, and the synthetic
persons, companies and conveyances linked to them by case. The files of 02 and 03 have not
reached CEN yet, so their ``reported_date`` is empty; 01 is CEN data, reported.
"""

import numpy as np
import pandas as pd

from cenlab.files import write_tables
from cenlab.synth import inject_defects, make_seizures

# One year of seizures from 1,500 cases; seed 116 puts Namibia ("NA") in each country column.
RECORD = {"n_cases": 1_500, "seed": 116, "start": "2025-01-01", "end": "2025-12-31"}
# A year's file from one reporting office, with more mistakes than usual so that each kind shows.
RECEIVED = {"n_cases": 700, "seed": 305, "start": "2025-01-01", "end": "2025-12-31"}
RECEIVED_DEFECTS = {
    "seed": 305, "cutoff": "2025-12-31",
    "rates": {
        "missing_mandatory": 0.03, "invalid_country": 0.02, "unit_mixup": 0.02,
        "quantity_slip": 0.02, "future_date": 0.01, "after_cutoff": 0.015,
        "mixed_date_format": 0.03, "commodity_variant": 0.03, "duplicate_seizure": 0.015,
        "double_counted_case": 0.01, "conveyance_location": 0.01,
        "same_departure_destination": 0.01, "cash_in_kg": 0.2, "section_mismatch": 0.01,
    },
}  # fmt: skip
# A quarter of an nCEN database, with a few entry mistakes that the transfer must hold back.
EXTRACT = {"n_cases": 400, "seed": 412, "start": "2025-10-01", "end": "2025-12-31"}
EXTRACT_DEFECTS = {
    "seed": 412, "cutoff": "2025-12-31",
    "rates": {k: 0.0 for k in RECEIVED_DEFECTS["rates"]}
    | {"mixed_date_format": 0.02, "invalid_country": 0.01, "duplicate_seizure": 0.01,
       "section_mismatch": 0.01, "missing_mandatory": 0.01},
}  # fmt: skip
ASSIGNMENTS = {
    "01-the-cen-record": RECORD,
    "02-finding-and-fixing-errors": RECEIVED,
    "03-sharing-with-cen": EXTRACT,
}


def _received():
    # The office's file reaches the coordinator before CEN: no report date yet.
    seizures = make_seizures(**RECEIVED).assign(reported_date=pd.NaT)
    return inject_defects(seizures, **RECEIVED_DEFECTS)


def answer_key(assignment: str = "02-finding-and-fixing-errors"):
    """The answer key of the damaged file: one row per damaged cell (for instructors only)."""
    if assignment != "02-finding-and-fixing-errors":
        raise ValueError(f"only 02-finding-and-fixing-errors has an answer key, not {assignment!r}")
    return _received()[1]


def _extract() -> dict:
    """The nCEN tables. The national seizure table adds a national reference and the officer's
    free-text remarks, which name the courier: personal data in a column CEN does not define."""
    x = make_seizures(**EXTRACT, nominal=True)
    seizures, _ = inject_defects(x.seizures, **EXTRACT_DEFECTS)
    couriers = x.persons[x.persons["role"] == "Courier"].drop_duplicates("case_id")
    who = seizures[["case_id"]].merge(couriers, on="case_id", how="left")
    named = who["family_name"].notna().to_numpy()
    remarks = np.where(
        named,
        "Courier " + who["given_names"].fillna("") + " " + who["family_name"].fillna("")
        + ", passport " + who["passport_number"].fillna("") + ", detained.",
        "Goods found; nobody detained.",
    )  # fmt: skip
    seizures = seizures.assign(
        national_ref=[f"NCEN-2025-{i:06d}" for i in range(1, len(seizures) + 1)],
        remarks=remarks,
    )
    return {"seizures": seizures, "persons": x.persons, "companies": x.companies,
            "conveyances": x.conveyances}  # fmt: skip


def build(assignment: str, out) -> list:
    """Write the data files of ``assignment`` into ``out``."""
    if assignment == "02-finding-and-fixing-errors":
        return write_tables({"received": _received()[0]}, out)
    if assignment == "03-sharing-with-cen":
        return write_tables(_extract(), out)
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    return write_tables({"seizures": seizures}, out)
