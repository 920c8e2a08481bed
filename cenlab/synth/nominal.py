"""The nCEN nominal layer: persons, companies and conveyances linked to cases by ``case_id``.

Everything here is personal data in the schema: it stays in the national database and never
goes to CEN. Names, companies and addresses come from the Faker locale of each person's or
company's country, drawn once into small pools that numpy then samples; no per-row Faker calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from faker.config import AVAILABLE_LOCALES

from cenlab.reference import nominal as ref
from cenlab.reference import operations as ops
from cenlab.reference.commodities import COMPANY_CONCEALMENTS, PERSONS_PER_CASE
from cenlab.reference.locales import (
    DEFAULT_LOCALE,
    LOCALE_FALLBACK,
    PREFERRED_LOCALE,
    REGION_LOCALE,
)
from cenlab.reference.regions import COUNTRY_REGION
from cenlab.seeding import make_rng
from cenlab.synth import identifiers as ids
from cenlab.synth.identifiers import random_code
from cenlab.synth.pools import locale_pools
from cenlab.synth.sampling import draw

POOL = 60  # names per pool; family x given names give thousands of combinations


@dataclass
class NCENExtract:
    """An nCEN extract: seizures plus the nominal layer, linked by ``case_id``."""

    seizures: pd.DataFrame
    persons: pd.DataFrame
    companies: pd.DataFrame
    conveyances: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "seizures": self.seizures,
            "persons": self.persons,
            "companies": self.companies,
            "conveyances": self.conveyances,
        }


@cache
def _own_locales() -> dict[str, str]:
    own: dict[str, str] = {}
    for loc in AVAILABLE_LOCALES:
        if "_" in loc:
            own.setdefault(loc.split("_")[1], loc)
    own.update(PREFERRED_LOCALE)
    return own


def locale_for(country: str) -> str:
    """The Faker locale that names people of ``country`` (own locale, fallback, region)."""
    own = _own_locales()
    if country in own:
        return own[country]
    if country in LOCALE_FALLBACK:
        return LOCALE_FALLBACK[country]
    return REGION_LOCALE.get(COUNTRY_REGION.get(country, ""), DEFAULT_LOCALE)


def _by_locale(countries: np.ndarray, seed: int, field: str, rng) -> np.ndarray:
    """One value of pool ``field`` per row, from the locale of each row's country."""
    out = np.empty(len(countries), dtype=object)
    uniq, inverse = np.unique(countries, return_inverse=True)
    locales = np.array([locale_for(c) for c in uniq], dtype=object)
    row_loc = locales[inverse]  # one locale look-up per country, not per row
    for loc in sorted(set(locales)):
        rows = np.flatnonzero(row_loc == loc)
        pool = locale_pools(loc, seed, POOL)
        out[rows] = pool[field][rng.integers(0, POOL, len(rows))]
    return out


# case field -> seizure column, read once per case (from its first seizure)
_CASE_FIELDS = {
    "home": "reporting_country",
    "dep": "departure_country",
    "conc": "concealment",
    "conv": "conveyance",
}


def make_nominal(seizures: pd.DataFrame, cases: dict, *, seed: int) -> NCENExtract:
    """Persons, companies and conveyances for the cases behind ``seizures``."""
    rng = make_rng(seed, stream="nominal")
    first = seizures.drop_duplicates("case_id")
    case = {
        "id": first["case_id"].astype(str).to_numpy(),
        "date": first["seizure_date"].to_numpy(),
        **{k: first[c].astype(str).to_numpy() for k, c in _CASE_FIELDS.items()},
    }
    # One stream for the three tables, in this order, so that the bytes of a seed stay as they
    # were when the layer was one function.
    persons = _persons(case, rng, seed)
    companies = _companies(case, rng, seed)
    conveyances = _conveyances(case, rng, seed)
    return NCENExtract(seizures, persons, companies, conveyances)


def labels(table: dict, rng, n: int) -> np.ndarray:
    """``n`` keys of a {label: weight} table, drawn by weight."""
    return np.array(list(table), dtype=object)[draw(rng, list(table.values()), n)]


def document_numbers(rng, n: int, field: str):
    """``n`` numbers in the format of ``field`` of ``DOCUMENT_NUMBERS`` (passport, registration)."""
    fmt = ref.DOCUMENT_NUMBERS[field]
    return random_code(rng, n, letters=fmt["letters"], width=fmt["digits"])


def draw_persons(case: dict, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who the persons of the cases are, before their names: for each person the case it
    belongs to (a row of ``case``), a nationality and a gender ("M" or "F").

    Couriers come with the goods, recipients with mail and freight; a nationality is the
    departure country's, the reporting country's, or one from anywhere."""
    factor = ref.PERSONS_FACTOR
    with_goods = np.isin(case["conc"], ref.PERSON_CONCEALMENTS)
    lam = np.where(with_goods, factor["with_goods"], factor["other"])
    lam = lam * PERSONS_PER_CASE / factor["mean"]
    pi = np.repeat(np.arange(len(case["id"])), rng.poisson(lam))
    n = len(pi)
    source = list(ref.NATIONALITY_SOURCE)
    choice = draw(rng, list(ref.NATIONALITY_SOURCE.values()), n)
    world = np.array(sorted(COUNTRY_REGION), dtype=object)
    nat = np.where(choice == source.index("departure"), case["dep"][pi], case["home"][pi])
    # An unknown departure country ("XX") names no nationality: such persons come from anywhere.
    anywhere = (choice == source.index("elsewhere")) | (nat == "XX")
    nat = np.where(anywhere, world[rng.integers(0, len(world), n)], nat)
    gender = np.where(rng.random(n) < ref.MALE_SHARE, "M", "F")
    return pi, nat, gender


def conveyance_identifiers(kind: np.ndarray, rng) -> pd.Series:
    """A registration, flight number or plate for each conveyance of ``kind``.

    Every kind draws a code for every row, in the table's order, and each row keeps its own
    kind's: the draws then do not depend on how the kinds mix."""
    ident = None
    for name, f in ref.CONVEYANCE_IDENTIFIERS.items():
        code = random_code(rng, len(kind), letters=f["letters"], width=f["digits"],
                           prefix=f["prefix"])  # fmt: skip
        ident = code if ident is None else ident.where(kind != name, code)
    return ident


def _persons(case: dict, rng, seed: int) -> pd.DataFrame:
    """Persons with names in the locale of their nationality, dates of birth and roles."""
    pi, nat, gender = draw_persons(case, rng)
    n = len(pi)
    given_f = _by_locale(nat, seed, "given_F", rng)
    given_m = _by_locale(nat, seed, "given_M", rng)
    age = ref.PERSON_AGE_YEARS
    age_days = rng.integers(age["min"] * 365, age["max"] * 365, n)
    born = pd.to_datetime(case["date"][pi]) - pd.to_timedelta(age_days, unit="D")
    return pd.DataFrame(
        {
            "person_id": ids.serial("P", n),
            "case_id": case["id"][pi],
            "family_name": _by_locale(nat, seed, "family", rng),
            "given_names": np.where(gender == "F", given_f, given_m),
            "date_of_birth": born.normalize(),
            "gender": gender,
            "nationality": nat,
            "passport_number": document_numbers(rng, n, "passport_number"),
            "role": labels(ref.PERSON_ROLES, rng, n),
        }
    )


def _companies(case: dict, rng, seed: int) -> pd.DataFrame:
    """Companies: freight, courier and premises cases name a company in the departure country
    (in the reporting country when the departure is unknown)."""
    ci = np.flatnonzero(np.isin(case["conc"], COMPANY_CONCEALMENTS))
    dep, home = case["dep"][ci], case["home"][ci]
    country = np.where(dep == "XX", home, dep)
    m = len(ci)
    return pd.DataFrame(
        {
            "company_id": ids.serial("K", m),
            "case_id": case["id"][ci],
            "name": _by_locale(country, seed, "company", rng),
            "country": country,
            "address": _by_locale(country, seed, "address", rng),
            "registration_number": document_numbers(rng, m, "registration_number"),
            "role": labels(ref.COMPANY_ROLES, rng, m),
        }
    )


def _conveyances(case: dict, rng, seed: int) -> pd.DataFrame:
    """Conveyances: the flights, vessels, vehicles and trains that carried the goods."""
    vi = np.flatnonzero(np.isin(case["conv"], list(ref.CONVEYANCE_IDENTIFIERS)))
    kind, v = case["conv"][vi], len(vi)
    ident = conveyance_identifiers(kind, rng)
    return pd.DataFrame(
        {
            "conveyance_id": ids.serial("V", v),
            "case_id": case["id"][vi],
            "kind": pd.Categorical(kind, categories=ops.CONVEYANCES),
            "identifier": ident,
            "name": _by_locale(case["home"][vi], seed, "family", rng),
        }
    )
