"""Data files of the data-quality assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/data-quality/source/<assignment>``.

Assignment 02 hands out a damaged file; its answer key (which mistake went where) is never
written into the assignment folder: an instructor gets it with ``answer_key(assignment)``, and a
trainee's with ``answer_key(assignment, variant)``.
Assignment 03 hands out an nCEN extract: seizures with two national columns, and the synthetic
persons, companies and conveyances linked to them by case. The files of 02 and 03 have not
reached CEN yet, so their ``reported_date`` is empty; 01 is CEN data, reported.

Every trainee has data of their own: ``build(assignment, out, variant=k)`` makes the same design
from the seed ``k`` (``variant=None`` gives the course's committed files). Each case a question
or a plausible wrong answer turns on is placed on purpose in every variant, not left to the seed:
see ``_record_variant``, ``_received_variant`` and ``_extract_variant``.
"""

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from cenlab import files, schema
from cenlab.files import write_tables
from cenlab.reference import defects as defect_ref
from cenlab.reference import nominal as nominal_ref
from cenlab.reference import operations as ops
from cenlab.reference.commodities import COMPANY_CONCEALMENTS
from cenlab.reference.locales import DEFAULT_LOCALE
from cenlab.reference.regions import COUNTRY_REGION
from cenlab.seeding import make_rng
from cenlab.synth import identifiers as ids
from cenlab.synth import inject_defects, make_seizures, nominal
from cenlab.synth.nominal import locale_for

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
COUNTRIES = ["reporting_country", "departure_country", "destination_country"]
# What assignment 02 lets the coordinator correct at the desk: its notebook's COUNTRY_FIXES and
# COMMODITY_FIXES, word for word. A trainee's file holds only these wrong codes and names, and
# codes whose meaning nobody can tell (UNCERTAIN_CODES), so that the lists fit every file.
COUNTRY_FIXES = {"SVN": "SI", "ATG": "AG", "at": "AT", "cn": "CN", "DEU": "DE", "KSA": "SA",
                 "USA": "US", "uz": "UZ", "us": "US", "kg": "KG", "tm": "TM", "GUY": "GY",
                 "HOL": "NL"}  # fmt: skip
COMMODITY_FIXES = {
    "Banknotes": "Cash", "cash": "Cash", "Cigarettes": "Tobacco products",
    "Cigs": "Tobacco products", "Tabacco": "Tobacco products", "Tobacco product": "Tobacco products",
    "tobacco": "Tobacco products", "Counterfeit goods": "IPR products", "Fake goods": "IPR products",
    "IPR": "IPR products", "ipr products": "IPR products", "Hashish": "Cannabis",
    "Medicines": "Medical products", "Pharmaceuticals": "Medical products",
    "Methamphetamine": "Psychotropic substances", "Psychotropics": "Psychotropic substances",
    "Vodka": "Alcohol products", "Currency": "Cash", "Marihuana": "Cannabis", "weed": "Cannabis",
    "Canabis": "Cannabis", "New psycoactive substances": "New Psychoactive Substances",
    "Psycotropic substances": "Psychotropic substances", "Opioids": "Opioids and Opiates",
    "drones (uas)": "Drones (UAS)", "Weapon and ammunitions": "Weapons and ammunition",
}  # fmt: skip
UNCERTAIN_CODES = ["XK", "EU", "00", "ZZ"]


def _received(variant=None):
    if variant is not None:
        return _received_variant(variant)
    # The office's file reaches the coordinator before CEN: no report date yet.
    seizures = make_seizures(**RECEIVED).assign(reported_date=pd.NaT)
    return _teaching_cases(*inject_defects(seizures, **RECEIVED_DEFECTS))


def _teaching_cases(df: pd.DataFrame, key: pd.DataFrame, *, plain=None):
    """Records that tell a right method from a plausible wrong one, on records no defect touched
    (each listed here with the mistake it catches); damaged ones are added to the answer key.
    ``plain`` (a mask of records) narrows the choice of the record with two findings.

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
    damaged = set(key["row"])
    clean = [i for i in range(len(df)) if i not in damaged]

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
               and df.at[i, "section"] != "Revenue" and (plain is None or plain[i]))  # fmt: skip
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


def answer_key(assignment: str = "02-finding-and-fixing-errors", variant=None):
    """The answer key of the damaged file (of the trainee whose data are ``variant``): one row
    per damaged cell (for instructors only)."""
    if assignment != "02-finding-and-fixing-errors":
        raise ValueError(f"only 02-finding-and-fixing-errors has an answer key, not {assignment!r}")
    return _received(variant)[1]


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


def build(assignment: str, out, *, variant=None) -> list:
    """Write the data files of ``assignment`` into ``out``: the course's own, or with
    ``variant`` (a seed) one trainee's."""
    if assignment == "02-finding-and-fixing-errors":
        return write_tables({"received": _received(variant)[0]}, out)
    if assignment == "03-sharing-with-cen":
        return write_tables(_extract() if variant is None else _extract_variant(variant), out)
    if variant is not None:
        return write_tables({"seizures": _record_variant(variant)}, out)
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    return write_tables({"seizures": seizures}, out)


# --- one trainee's data -------------------------------------------------------------------


def _record_variant(variant: int) -> pd.DataFrame:
    """01: a year of CEN seizures from the seed ``variant``, with Namibia in every country
    column. Namibia is a small country the generator seldom draws, so cases picked at random
    are made Namibian: one to five imports into Namibia (reporting and destination "NA": two
    cells for one seizure), one to five shipments from Namibia seized abroad (departure only:
    not in the reporting column) and up to three exports from Namibia."""
    spec = dict(RECORD, seed=variant)
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    rng = make_rng(variant, stream="data-quality.namibia")
    df = seizures.astype({c: object for c in [*COUNTRIES, "office"]})
    direction = df["direction"].astype(str).to_numpy()
    first = ~df["case_id"].duplicated().to_numpy()
    free = first & (df[COUNTRIES] != "NA").all(axis=1).to_numpy()
    imports = rng.permutation(np.flatnonzero(free & (direction == "Import")))
    exports = rng.permutation(np.flatnonzero(free & (direction == "Export")))
    into, out = rng.integers(1, 6), rng.integers(1, 6)
    changes = [
        (imports[:into], ["reporting_country", "destination_country"]),
        (imports[into : into + out], ["departure_country"]),
        (exports[: rng.integers(0, 4)], ["reporting_country", "departure_country"]),
    ]
    case = df["case_id"].to_numpy(object)
    for picked, fields in changes:
        rows = np.isin(case, case[picked])
        df.loc[rows, fields] = "NA"
        if "reporting_country" in fields:  # the office is named after its country: NA-AIR-1
            df.loc[rows, "office"] = "NA" + df.loc[rows, "office"].str.slice(2)
    return df


def _received_variant(variant: int):
    """02: the office's file from the seed ``variant``, damaged at the same rates, with the
    teaching cases of ``_teaching_cases`` and these guarantees:

    - the first record is clean (no defect lands on it), to carry the first date, 08/11/2025-style;
    - wrong country codes and commodity names are those of the notebook's lists (COUNTRY_FIXES,
      COMMODITY_FIXES) or codes nobody can read (UNCERTAIN_CODES), and a listed code sits in the
      reporting or destination column, not only in the departure one;
    - an XX or Unknown on a complete record (a value chosen, not an empty field);
    - the records of the period are not exactly 1,000 (a count is then not a percentage).
    """
    rng = make_rng(variant, stream="data-quality.received")
    seizures = make_seizures(**(RECEIVED | {"seed": variant})).assign(reported_date=pd.NaT)
    damaged, key = inject_defects(seizures.iloc[1:], **(RECEIVED_DEFECTS | {"seed": variant}))
    head = seizures.iloc[:1].copy()
    if not pd.api.types.is_datetime64_any_dtype(damaged["seizure_date"]):
        head["seizure_date"] = head["seizure_date"].dt.strftime("%Y-%m-%d")
    df = pd.concat([head, damaged], ignore_index=True)
    df = df.astype({c: object for c in [*COUNTRIES, "commodity"]})
    df, key = _fixable_at_desk(df, key.assign(row=key["row"] + 1), rng)
    clean = np.setdiff1d(np.arange(1, len(df)), key["row"])
    late = clean[120:]  # past the records _teaching_cases takes, which are among the first 111
    listed = df[["reporting_country", "destination_country"]].isin(list(COUNTRY_FIXES))
    if not listed.to_numpy().any():
        key = pd.concat([key, pd.DataFrame([_listed_code(df, late, rng)])], ignore_index=True)
    complete = df[schema.mandatory()].notna().all(axis=1)
    if not (df.isin(["XX", "Unknown"]).any(axis=1) & complete).any():
        df.at[late[-1], "departure_country"] = "XX"  # a correct value: not in the key
    # The record with two findings is one that the plausible wrong checks pass too: in kg, no
    # XX or Unknown, every mandatory field filled. Its findings are not records anywhere.
    complete = df[schema.mandatory()].notna().all(axis=1)
    plain = (complete & ~df.isin(["XX", "Unknown"]).any(axis=1) & (df["unit"] == "kg")).to_numpy()
    key = key.sort_values(["row", "field"], ignore_index=True)
    df, key = _teaching_cases(df, key, plain=plain)
    dates = files.parse_dates(df["seizure_date"])
    if int((dates <= pd.Timestamp(RECEIVED_DEFECTS["cutoff"])).sum()) == 1000:
        i = int(np.setdiff1d(np.arange(len(df)), key["row"])[-1])
        day = f"2026-02-{rng.integers(1, 29):02d}"
        row = _entry(df, i, "seizure_date", df.at[i, "seizure_date"], day, "after_cutoff",
                     "after_cutoff", "timeliness")  # fmt: skip
        df.at[i, "seizure_date"] = day
        key = pd.concat([key, pd.DataFrame([row])], ignore_index=True)
    return df, key.sort_values(["row", "field"], kind="stable", ignore_index=True)


def _entry(df, i, field, before, after, defect, rule, dimension) -> dict:
    return {"row": i, "seizure_id": df.at[i, "seizure_id"], "field": field, "defect": defect,
            "rule": rule, "dimension": dimension, "original": before, "damaged": after}  # fmt: skip


def _fixable_at_desk(df: pd.DataFrame, key: pd.DataFrame, rng):
    """Each wrong country code and commodity name the defects typed becomes one of the
    notebook's lists for the same value; a country with none gets a code nobody can read, and
    a commodity with none is typed right again (its mistake leaves the key)."""
    keep, typed = np.ones(len(key), dtype=bool), key["damaged"].to_numpy(object).copy()
    rows, fields, originals = (key[c].to_numpy(object) for c in ("row", "field", "original"))
    for k in np.flatnonzero(key["defect"].isin(["invalid_country", "commodity_variant"])):
        fixes = COMMODITY_FIXES if fields[k] == "commodity" else COUNTRY_FIXES
        if typed[k] in fixes or typed[k] in UNCERTAIN_CODES:
            continue
        options = [wrong for wrong, right in fixes.items() if right == originals[k]]
        if not options and fields[k] == "commodity":
            df.at[rows[k], fields[k]], keep[k] = originals[k], False
            continue
        options = options or UNCERTAIN_CODES
        df.at[rows[k], fields[k]] = typed[k] = options[rng.integers(len(options))]
    return df, key.assign(damaged=typed)[keep].reset_index(drop=True)


def _listed_code(df: pd.DataFrame, rows: np.ndarray, rng) -> dict:
    """A listed wrong code typed in the reporting or destination column of one of ``rows``,
    for a country the list knows when one of them has it."""
    right = {v: [k for k, w in COUNTRY_FIXES.items() if w == v] for v in COUNTRY_FIXES.values()}
    places = [(i, f) for f in ["reporting_country", "destination_country"]
              for i in rows[df.loc[rows, f].isin(list(right)).to_numpy()]]  # fmt: skip
    i, field = places[rng.integers(len(places))] if places else (rows[0], "destination_country")
    options = right.get(df.at[i, field], list(COUNTRY_FIXES))
    new = options[rng.integers(len(options))]
    entry = _entry(df, i, field, df.at[i, field], new, "invalid_country", "country_code",
                   "validity")  # fmt: skip
    df.at[i, field] = new
    return entry


# 03: the rules that hold records back in a trainee's extract, each on records of its own
HELD_BACK = ["date_format", "country_code", "seizure_id_unique", "section_commodity",
             "mandatory_missing"]  # fmt: skip
# 03's wrong country codes: codes the transfer cannot map to CEN's (it reads ZZ as XX, UK as GB).
UNMAPPED_CODES = ["XK", "EU", "00", "AN", "YU"]
# Mandatory fields left empty in 03: those whose only finding is mandatory_missing.
LEFT_EMPTY = ["seizure_date", "office", "location_type", "direction", "detection_method",
              "concealment", "conveyance", "ecommerce"]  # fmt: skip
AGE_BINS = [0, 18, 25, 35, 45, 55, 65, 130]  # 03's age bands on its AS_OF, as in its notebook
AS_OF = np.datetime64("2026-01-15")


def _extract_variant(variant: int) -> dict:
    """03: a quarter's nCEN extract from the seed ``variant``, made without Faker (names,
    companies and addresses come from the course's own extract, see ``_pools``), with:

    - records held back by five rules, each on records of its own, the most for one rule drawn
      at random (2 or more below it for the others): the top reason differs between trainees;
    - one more record held back for two reasons (a code the transfer cannot map, a section
      that does not match the commodity);
    - a case of exactly one person whose seizures all go: counts of 1 leave the country;
    - a courier travelling with a companion of the same nationality, gender and age band: two
      persons of one case in one cell, and one nationality counted twice in a case;
    - cells of exactly one and of exactly three persons (MIN_CELL is 3);
    - remarks in the templates of the course's extract, where the number of records that leak a
      passport number differs from the number of remarks that say "passport", from the number
      that say it in any case, and from the number of persons.
    """
    rng = make_rng(variant, stream="data-quality.extract")
    seizures = make_seizures(**(EXTRACT | {"seed": variant})).assign(reported_date=pd.NaT)
    persons, companies, conveyances = _nominal(seizures, rng)
    per_case = persons["case_id"].value_counts()
    alone = per_case.index[per_case == 1].to_numpy(object)
    lone = alone[rng.integers(len(alone))] if len(alone) else None
    seizures = _hold_back(seizures, rng, seizures["case_id"].to_numpy(object) == lone)
    seizures = seizures.assign(
        national_ref=[f"NCEN-2025-{i:06d}" for i in range(1, len(seizures) + 1)],
        remarks=_remarks(seizures, persons, rng),
    )
    first = ["national_ref", "seizure_id", "case_id", "seizure_date", "remarks"]
    seizures = seizures[first + [c for c in seizures.columns if c not in first]]
    return {"seizures": seizures, "persons": persons, "companies": companies,
            "conveyances": conveyances}  # fmt: skip


def _hold_back(seizures: pd.DataFrame, rng, spared: np.ndarray):
    """Entry mistakes on records of their own, none on ``spared``; duplicates follow their
    original. The first record stays as it was: pandas guesses a column's date format from its
    first date."""
    spared = spared | (np.arange(len(seizures)) == 0)
    df = seizures.astype({c: object for c in [*COUNTRIES, "section", *LEFT_EMPTY]})
    df["seizure_date"] = seizures["seizure_date"].dt.strftime("%Y-%m-%d").astype(object)
    top = int(rng.integers(9, 14))
    counts = rng.integers(2, top - 2, len(HELD_BACK))
    counts[rng.integers(len(HELD_BACK))] = top
    pool = rng.permutation(np.flatnonzero(~spared))
    ends = np.cumsum([*counts, 1])
    rows = dict(zip([*HELD_BACK, "both"], np.split(pool[: ends[-1]], ends[:-1]), strict=False))
    dates = seizures["seizure_date"]
    for i in rows["date_format"]:
        fmt = defect_ref.DATE_FORMATS[rng.integers(len(defect_ref.DATE_FORMATS))]
        df.at[i, "seizure_date"] = f"{dates.iat[i]:{fmt}}"
    for i in rows["country_code"]:
        df.at[i, COUNTRIES[rng.integers(3)]] = UNMAPPED_CODES[rng.integers(len(UNMAPPED_CODES))]
    for i in [*rows["section_commodity"], *rows["both"]]:
        now = ops.SECTIONS.index(df.at[i, "section"])
        shift = rng.integers(1, len(ops.SECTIONS))
        df.at[i, "section"] = ops.SECTIONS[(now + shift) % len(ops.SECTIONS)]
    for i in rows["mandatory_missing"]:
        df.at[i, LEFT_EMPTY[rng.integers(len(LEFT_EMPTY))]] = None
    i = rows["both"][0]  # held back for two reasons
    df.at[i, "departure_country"] = UNMAPPED_CODES[rng.integers(len(UNMAPPED_CODES))]
    twice = np.sort(rows["seizure_id_unique"])
    order = np.argsort(np.concatenate([np.arange(len(df)), twice + 0.5]), kind="stable")
    df = pd.concat([df, df.iloc[twice]], ignore_index=True).take(order)
    return df.reset_index(drop=True)


def _remarks(seizures: pd.DataFrame, persons: pd.DataFrame, rng) -> np.ndarray:
    """The officer's remarks, as in ``_extract``: a template per record, those that name the
    courier for cases with one, each template at least once. Then, while the count of leaking
    records equals the count of remarks that say "passport" (or say it in any case), one more
    remark calls the passport a travel document; while it equals the number of persons (or no
    remark is left to change), one more courier fled."""
    couriers = persons[persons["role"] == "Courier"].drop_duplicates("case_id")
    who = seizures[["case_id"]].merge(couriers, on="case_id", how="left").fillna("")
    named = who["family_name"].to_numpy() != ""
    pick = rng.integers(0, 5, len(who))
    every = rng.permutation(np.flatnonzero(named))[:5]  # every template at least once
    pick[every] = np.arange(len(every))
    for _ in range(len(who)):
        leaks = int((named & (pick < 4)).sum())
        lower = int((named & np.isin(pick, [0, 4])).sum() + (~named & (pick % 2 == 1)).sum())
        any_case = lower + int((named & np.isin(pick, [1, 3])).sum())
        if leaks not in (lower, any_case, len(persons)):
            break
        said = np.flatnonzero(named & (pick == 0))
        if leaks == len(persons) or not len(said):  # one leak less: the courier fled
            pick[np.flatnonzero(named & (pick < 4))[0]] = 4
        else:
            pick[said[0]] = 2
    name = who["given_names"] + " " + who["family_name"]
    number = who["passport_number"]
    texts = [
        "Courier " + name + ", passport " + number + ", detained.",
        "Passenger " + name + " arrested; Passport no. " + number + " retained.",
        "Travel document " + number + " of the courier copied to the file.",
        "PASSPORT " + number + " SEEN AT CHECK-IN; " + name.str.upper() + " ESCORTED.",
        "Courier fled before the control; no passport found.",
    ]
    texts = [np.broadcast_to(np.asarray(t, dtype=object), len(who)) for t in texts]
    unnamed = np.where(pick % 2 == 0, "Goods found; nobody detained.",
                       "Goods abandoned at the counter; no passport to check.")  # fmt: skip
    return np.where(named, np.select([pick == k for k in range(5)], texts), unnamed)


def _band(born: np.ndarray) -> np.ndarray:
    """Each person's age band on the day of the transfer, as the notebook's ``with_age_band``."""
    days = (AS_OF - born.astype("datetime64[D]")).astype(int)
    return np.searchsorted(AGE_BINS, days / 365.25, side="right") - 1


def _nominal(seizures: pd.DataFrame, rng):
    """Persons, companies and conveyances of the cases, drawn as ``cenlab.synth.nominal`` draws
    them (same reference tables), with names from ``_pools``, then the persons' teaching cases."""
    first = seizures.drop_duplicates("case_id")
    case = {k: first[c].astype(str).to_numpy(object) for k, c in [
        ("id", "case_id"), ("home", "reporting_country"), ("dep", "departure_country"),
        ("conc", "concealment"), ("conv", "conveyance")]}  # fmt: skip
    case["date"] = first["seizure_date"].to_numpy("datetime64[D]")
    with_goods = np.isin(case["conc"], nominal_ref.PERSON_CONCEALMENTS)
    pi, nat, gender = nominal.draw_persons(case, rng)
    n, gender = len(pi), gender.astype(object)
    age = nominal_ref.PERSON_AGE_YEARS
    age_days = rng.integers(age["min"] * 365, age["max"] * 365, n)
    born = case["date"][pi] - age_days.astype("timedelta64[D]")
    role = nominal.labels(nominal_ref.PERSON_ROLES, rng, n)
    people = {"case": pi, "nat": nat, "gender": gender, "born": born, "role": role}
    people = _person_cases(people, case, with_goods, rng)
    order = np.argsort(people["case"], kind="stable")
    people = {k: v[order] for k, v in people.items()}
    m = len(order)
    locales = np.array([locale_for(c) for c in people["nat"]], dtype=object)
    given = np.where(people["gender"] == "F", _names(locales, "given_F", rng),
                     _names(locales, "given_M", rng))  # fmt: skip
    persons = pd.DataFrame({
        "person_id": ids.serial("P", m),
        "case_id": case["id"][people["case"]],
        "family_name": _names(locales, "family", rng),
        "given_names": given,
        "date_of_birth": people["born"].astype("datetime64[ns]"),
        "gender": people["gender"],
        "nationality": people["nat"],
        "passport_number": nominal.document_numbers(rng, m, "passport_number"),
        "role": people["role"],
    })  # fmt: skip
    ci = np.flatnonzero(np.isin(case["conc"], COMPANY_CONCEALMENTS))
    country = np.where(case["dep"][ci] == "XX", case["home"][ci], case["dep"][ci])
    locales = np.array([locale_for(c) for c in country], dtype=object)
    which = _names(locales, "company", rng)
    pools = _pools()
    companies = pd.DataFrame({
        "company_id": ids.serial("K", len(ci)),
        "case_id": case["id"][ci],
        "name": [pools["companies"][k][0] for k in which],
        "country": country,
        "address": [pools["companies"][k][1] for k in which],
        "registration_number": nominal.document_numbers(rng, len(ci), "registration_number"),
        "role": nominal.labels(nominal_ref.COMPANY_ROLES, rng, len(ci)),
    })  # fmt: skip
    vi = np.flatnonzero(np.isin(case["conv"], list(nominal_ref.CONVEYANCE_IDENTIFIERS)))
    kind = case["conv"][vi]
    ident = nominal.conveyance_identifiers(kind, rng)
    locales = np.array([locale_for(c) for c in case["home"][vi]], dtype=object)
    conveyances = pd.DataFrame({
        "conveyance_id": ids.serial("V", len(vi)),
        "case_id": case["id"][vi],
        "kind": pd.Categorical(kind, categories=ops.CONVEYANCES),
        "identifier": ident,
        "name": _names(locales, "family", rng),
    })  # fmt: skip
    return persons, companies, conveyances


def _person_cases(people: dict, case: dict, with_goods: np.ndarray, rng) -> dict:
    """The persons' teaching cases, added as persons: a companion for a courier (same case,
    nationality, gender and age band), a cell of exactly three and a cell of exactly one."""

    def add(at, nat, gender, band, role):
        lo, hi = AGE_BINS[band] * 365.25 + 1, min(AGE_BINS[band + 1], 70) * 365.25 - 1
        born = AS_OF - int(rng.uniform(lo, hi))
        new = {"case": at, "nat": nat, "gender": gender, "born": born, "role": role}
        return {k: np.append(v, np.array([new[k]], dtype=v.dtype)) for k, v in people.items()}

    def cells():
        frame = pd.DataFrame({"nat": people["nat"], "band": _band(people["born"]),
                              "gender": people["gender"]})  # fmt: skip
        return frame.groupby(["nat", "band", "gender"]).size()

    carried = np.flatnonzero(np.isin(people["case"], np.flatnonzero(with_goods)))
    p = carried[rng.integers(len(carried))] if len(carried) else rng.integers(len(people["case"]))
    band = int(_band(people["born"][[p]])[0])
    people = add(people["case"][p], people["nat"][p], people["gender"][p], band, "Courier")
    size = cells()
    for want, grow in ((3, [2, 1]), (1, [])):
        if (size == want).any():
            continue
        have = [s for s in grow if (size == s).any()]
        if have:  # a cell of ``have[0]`` persons grows to ``want``
            options = size.index[size == have[0]]
            nat, band, gender = options[rng.integers(len(options))]
        else:  # a nationality nobody has yet
            nat, band, gender = sorted(set(COUNTRY_REGION) - set(people["nat"]))[0], 3, "M"
        home = np.flatnonzero((case["dep"] == nat) | (case["home"] == nat))
        for _ in range(want - (have[0] if have else 0)):
            at = home[rng.integers(len(home))] if len(home) else rng.integers(len(case["id"]))
            role = nominal.labels(nominal_ref.PERSON_ROLES, rng, 1)[0]
            people = add(at, nat, gender, int(band), role)
        size = cells()
    return people


def _names(locales: np.ndarray, field: str, rng) -> np.ndarray:
    """One value of pool ``field`` per row, from the pool of each row's locale (the default
    locale's, or everybody's, when the course's extract has none of that locale)."""
    pools = _pools()[field]
    out = np.empty(len(locales), dtype=object)
    for loc in sorted(set(locales)):
        rows = np.flatnonzero(locales == loc)
        pool = pools.get(loc)
        pool = pool if pool is not None else pools.get(DEFAULT_LOCALE, pools["*"])
        out[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return out


@cache
def _pools() -> dict:
    """Names, companies and addresses by Faker locale, from the course's own extract (its
    committed files, else built): a trainee's extract needs no Faker, which is slow to start.
    For companies, the pools hold indices into ``companies``: (name, address) pairs."""
    folder = Path(__file__).resolve().parent / "source" / "03-sharing-with-cen"
    try:
        tables = {t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False,
                                 na_values=[""]) for t in ("persons", "companies")}  # fmt: skip
    except OSError:
        tables = {t: _extract()[t].astype(str) for t in ("persons", "companies")}
    persons, firms = tables["persons"], tables["companies"]
    pools: dict = {"companies": list(zip(firms["name"], firms["address"], strict=True))}

    def group(values, locales) -> dict:
        frame = pd.DataFrame({"v": values, "loc": locales})
        out = {loc: g["v"].to_numpy(object) for loc, g in frame.groupby("loc")}
        return out | {"*": frame["v"].to_numpy(object)}

    where = persons["nationality"].map(locale_for).to_numpy(object)
    pools["family"] = group(persons["family_name"], where)
    for g in ("F", "M"):
        mine = (persons["gender"] == g).to_numpy()
        pools[f"given_{g}"] = group(persons["given_names"][mine], where[mine])
    pools["company"] = group(np.arange(len(firms)), firms["country"].map(locale_for))
    return pools
