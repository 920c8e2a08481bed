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

from cenlab.reference import operations as ops
from cenlab.reference.commodities import COMPANY_CONCEALMENTS, PERSONS_PER_CASE
from cenlab.reference.locales import DEFAULT_LOCALE, LOCALE_FALLBACK, REGION_LOCALE
from cenlab.reference.regions import COUNTRY_REGION
from cenlab.seeding import make_rng
from cenlab.synth import identifiers as ids
from cenlab.synth.identifiers import random_code
from cenlab.synth.pools import locale_pools
from cenlab.synth.sampling import draw

POOL = 60  # names per pool; family x given names give thousands of combinations
ROLES = ["Courier", "Owner", "Organiser", "Recipient", "Driver"]
COMPANY_ROLES = ["Importer", "Exporter", "Carrier", "Consignee"]


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
    own.update({"US": "en_US", "GB": "en_GB", "DK": "da_DK", "IN": "en_IN", "NG": "en_NG"})
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


def make_nominal(seizures: pd.DataFrame, cases: dict, *, seed: int) -> NCENExtract:
    """Persons, companies and conveyances for the cases behind ``seizures``."""
    rng = make_rng(seed, stream="nominal")
    first = seizures.drop_duplicates("case_id")
    case_id = first["case_id"].astype(str).to_numpy()
    date = first["seizure_date"].to_numpy()
    home = first["reporting_country"].astype(str).to_numpy()
    dep = first["departure_country"].astype(str).to_numpy()
    conc = first["concealment"].astype(str).to_numpy()
    conv = first["conveyance"].astype(str).to_numpy()
    # Persons: couriers in baggage and on the person, recipients of mail; nationality of the
    # departure country, the reporting country, or elsewhere.
    lam = np.where(np.isin(conc, ["In baggage", "On the person", "In transport"]), 1.4, 0.6)
    lam = lam * PERSONS_PER_CASE / 0.9
    k = rng.poisson(lam)
    pi = np.repeat(np.arange(len(case_id)), k)
    n = len(pi)
    choice = draw(rng, [0.5, 0.4, 0.1], n)
    world = np.array(sorted(COUNTRY_REGION), dtype=object)
    nat = np.where(choice == 0, dep[pi], home[pi])
    nat = np.where((choice == 2) | (nat == "XX"), world[rng.integers(0, len(world), n)], nat)
    gender = np.where(rng.random(n) < 0.72, "M", "F")
    given_f = _by_locale(nat, seed, "given_F", rng)
    given_m = _by_locale(nat, seed, "given_M", rng)
    age_days = rng.integers(18 * 365, 70 * 365, n)
    persons = pd.DataFrame(
        {
            "person_id": ids.serial("P", n),
            "case_id": case_id[pi],
            "family_name": _by_locale(nat, seed, "family", rng),
            "given_names": np.where(gender == "F", given_f, given_m),
            "date_of_birth": (
                pd.to_datetime(date[pi]) - pd.to_timedelta(age_days, unit="D")
            ).normalize(),
            "gender": gender,
            "nationality": nat,
            "passport_number": random_code(rng, n, letters=2, width=7),
            "role": np.array(ROLES, dtype=object)[draw(rng, [45, 20, 5, 25, 5], n)],
        }
    )
    # Companies: freight, courier and premises cases name a company in the departure country.
    ci = np.flatnonzero(np.isin(conc, COMPANY_CONCEALMENTS))
    ccountry = np.where(dep[ci] == "XX", home[ci], dep[ci])
    m = len(ci)
    companies = pd.DataFrame(
        {
            "company_id": ids.serial("K", m),
            "case_id": case_id[ci],
            "name": _by_locale(ccountry, seed, "company", rng),
            "country": ccountry,
            "address": _by_locale(ccountry, seed, "address", rng),
            "registration_number": random_code(rng, m, letters=3, width=8),
            "role": np.array(COMPANY_ROLES, dtype=object)[draw(rng, [50, 25, 15, 10], m)],
        }
    )
    # Conveyances: flights, vessels, vehicles and trains that carried the goods.
    vi = np.flatnonzero(np.isin(conv, ["Air", "Vessel", "Vehicle", "Rail"]))
    kind = conv[vi]
    v = len(vi)
    flight = random_code(rng, v, letters=0, width=4, prefix="FL")
    imo = random_code(rng, v, letters=0, width=6, prefix="IMO 9")
    train = random_code(rng, v, letters=0, width=5, prefix="TR")
    plate = random_code(rng, v, letters=3, width=4, prefix="PL-")
    ident = plate.where(kind != "Air", flight).where(kind != "Vessel", imo)
    ident = ident.where(kind != "Rail", train)
    conveyances = pd.DataFrame(
        {
            "conveyance_id": ids.serial("V", v),
            "case_id": case_id[vi],
            "kind": pd.Categorical(kind, categories=ops.CONVEYANCES),
            "identifier": ident,
            "name": _by_locale(home[vi], seed, "family", rng),
        }
    )
    return NCENExtract(seizures, persons, companies, conveyances)
