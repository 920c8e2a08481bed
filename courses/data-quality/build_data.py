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
    return _teaching_cases(*inject_defects(seizures, **RECEIVED_DEFECTS))


def _teaching_cases(df: pd.DataFrame, key: pd.DataFrame):
    """Records that tell a right method from a plausible wrong one, on records no defect touched
    (each listed here with the mistake it catches); damaged ones are added to the answer key.

    - optional fields left empty (correct), so that "any empty field" is not "a mandatory one";
    - the first date written 08/11/2025, so that pandas cannot guess every format from it;
    - dates on the boundaries: 2025-12-31 (the cut-off, in this period), 2026-01-01 (next
      period), 2026-03-31 (the day of the check: next period, not future), and 2026-07-14 (in
      2026 but in the future: the year alone does not tell late from future);
    - a seizure entered twice, the second copy with a corrected quantity: the same seizure id
      on rows that are not identical;
    - a record with two findings (section and route) that none of the trainee's checks covers.
    """
    df, rows = df.copy(), []
    clean = [i for i in range(len(df)) if i not in set(key["row"])]

    def damage(i, field, value, defect, rule, dimension):
        rows.append({"row": i, "seizure_id": df.at[i, "seizure_id"], "field": field,
                     "defect": defect, "rule": rule, "dimension": dimension,
                     "original": df.at[i, field], "damaged": value})  # fmt: skip
        df.at[i, field] = value

    assert clean[0] == 0, "the first record must be clean to carry the first date"
    first = pd.Timestamp(df.at[0, "seizure_date"])
    damage(0, "seizure_date", f"{first:%d/%m/%Y}", "mixed_date_format", "date_format", "validity")
    for i in clean[40:46]:  # optional fields, empty and correct
        df.at[i, "commodity_detail" if i % 2 else "hs_code"] = None
    df.at[clean[50], "value_usd"] = np.nan
    df.at[clean[60], "seizure_date"] = "2025-12-31"  # a correct record on the cut-off day
    damage(clean[70], "seizure_date", "2026-01-01", "after_cutoff", "after_cutoff", "timeliness")
    damage(clean[80], "seizure_date", "2026-03-31", "after_cutoff", "after_cutoff", "timeliness")
    damage(clean[90], "seizure_date", "2026-07-14", "future_date", "future_date", "timeliness")
    # Two findings on one record that no check of the trainee's covers: records are not findings.
    two = next(i for i in clean[110:] if df.at[i, "direction"] != "Internal"
               and df.at[i, "destination_country"] not in ("XX", None)
               and df.at[i, "section"] != "Revenue")  # fmt: skip
    df = df.astype({"section": object, "departure_country": object})
    damage(two, "section", "Revenue", "section_mismatch", "section_commodity", "consistency")
    damage(two, "departure_country", df.at[two, "destination_country"],
           "same_departure_destination", "route_loop", "consistency")  # fmt: skip
    copy = df.loc[[clean[100]]].assign(quantity=lambda d: d["quantity"] * 1.1)
    df = pd.concat([df, copy], ignore_index=True)
    rows.append({"row": len(df) - 1, "seizure_id": copy["seizure_id"].iloc[0],
                 "field": "seizure_id", "defect": "duplicate_seizure",
                 "rule": "seizure_id_unique", "dimension": "uniqueness", "original": None,
                 "damaged": copy["seizure_id"].iloc[0]})  # fmt: skip
    key = pd.concat([key, pd.DataFrame(rows)], ignore_index=True)
    return df, key.sort_values(["row", "field"], kind="stable", ignore_index=True)


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
    who = seizures[["case_id"]].merge(couriers, on="case_id", how="left").fillna("")
    name = who["given_names"] + " " + who["family_name"]
    number = who["passport_number"]
    # Officers write remarks their own way: the word "passport" in any case, or another word for
    # it, or none, and sometimes the word without a number. Only the number is the leak.
    named_templates = [
        "Courier " + name + ", passport " + number + ", detained.",
        "Passenger " + name + " arrested; Passport no. " + number + " retained.",
        "Travel document " + number + " of the courier copied to the file.",
        "PASSPORT " + number + " SEEN AT CHECK-IN; " + name.str.upper() + " ESCORTED.",
        "Courier fled before the control; no passport found.",
    ]
    unnamed_templates = [
        "Goods found; nobody detained.",
        "Goods abandoned at the counter; no passport to check.",
    ]
    pick = np.random.default_rng(EXTRACT["seed"]).integers(0, 5, len(who))
    texts = [np.broadcast_to(np.asarray(t, dtype=object), len(who)) for t in named_templates]
    named = np.select([pick == k for k in range(5)], texts)
    unnamed = np.where(pick % 2 == 0, *unnamed_templates)
    remarks = np.where(who["family_name"].to_numpy() != "", named, unnamed)
    seizures = seizures.assign(
        national_ref=[f"NCEN-2025-{i:06d}" for i in range(1, len(seizures) + 1)],
        remarks=remarks,
    )
    # One record held back for two reasons (an invalid country and a section that does not
    # match the commodity): records held back are not reasons for holding back.
    i = _first_clean_record(seizures)
    seizures = seizures.astype({"departure_country": object, "section": object})
    seizures.loc[i, ["departure_country", "section"]] = ["EU", _other_section(seizures, i)]
    # nCEN orders its columns its own way: the national reference first, the remarks beside the
    # seizure date, the CEN fields not in CEN's order.
    first = ["national_ref", "seizure_id", "case_id", "seizure_date", "remarks"]
    seizures = seizures[first + [c for c in seizures.columns if c not in first]]
    return {"seizures": seizures, "persons": x.persons, "companies": x.companies,
            "conveyances": x.conveyances}  # fmt: skip


def _first_clean_record(seizures: pd.DataFrame) -> int:
    """The first record the validator finds nothing wrong with."""
    from cenlab.quality import validate

    flagged = set(validate(seizures, as_of="2026-01-15").findings["row"])
    return next(i for i in range(len(seizures)) if i not in flagged)


def _other_section(seizures: pd.DataFrame, i: int) -> str:
    return "Revenue" if seizures.at[i, "section"] != "Revenue" else "Drugs"


def build(assignment: str, out) -> list:
    """Write the data files of ``assignment`` into ``out``."""
    if assignment == "02-finding-and-fixing-errors":
        return write_tables({"received": _received()[0]}, out)
    if assignment == "03-sharing-with-cen":
        return write_tables(_extract(), out)
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    return write_tables({"seizures": seizures}, out)
