"""The CEN record as code: every field, its dtype, meaning, code list and flags.

One source of truth, many uses: ``datasets/DATA_DICTIONARY.md`` is generated from it, the quality
rules read the mandatory flags and code lists from it, the transfer to CEN drops every field marked
personal, and the tests check generator output against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry

from cenlab.reference import operations as ops
from cenlab.reference.commodities import FLOW_UNITS
from cenlab.reference.flows import FLOWS
from cenlab.reference.nominal import COMPANY_ROLES, PERSON_ROLES

SCHEMA_VERSION = "1.1"  # 1.1: reported_date
UNKNOWN_COUNTRY = "XX"


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code (from pycountry) plus ``XX`` for unknown."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | {UNKNOWN_COUNTRY}


def country_name(code, *, unknown=None) -> str:
    """The plain name of an ISO alpha-2 code ("Bolivia", not "Bolivia, Plurinational State of");
    ``unknown`` (default: the code itself) when pycountry does not know the code."""
    c = pycountry.countries.get(alpha_2=str(code))
    if c is None:
        return str(code) if unknown is None else unknown
    return getattr(c, "common_name", None) or c.name


@dataclass(frozen=True)
class Field:
    """One column: ``codes`` is a list of accepted values, "country" for ISO codes, or None."""

    name: str
    dtype: str
    description: str
    mandatory: bool = False
    codes: object = None
    personal: bool = False

    def accepted(self) -> frozenset[str] | None:
        """The accepted values of a coded field, or None for free fields."""
        if self.codes == "country":
            return country_codes()
        if self.codes is None:
            return None
        return frozenset(self.codes)


F = Field
SEIZURE_FIELDS = [
    F("case_id", "string", "Case identifier; one case groups the seizures of one event.", True),
    F("seizure_id", "string", "Seizure identifier, unique across the dataset.", True),
    F("seizure_date", "datetime64[ns]", "Date of the seizure.", True),
    F(
        "reporting_country",
        "category",
        "Country that made the seizure (ISO 3166-1 alpha-2).",
        True,
        "country",
    ),
    F("office", "category", "Customs office that made the seizure.", True),
    F(
        "location_type",
        "category",
        "Kind of place where the seizure was made.",
        True,
        ops.LOCATION_TYPES,
    ),
    F(
        "direction",
        "category",
        "Direction of the goods relative to the reporting country.",
        True,
        ops.DIRECTIONS,
    ),
    F("section", "category", "ITR section of the commodity.", True, ops.SECTIONS),
    F(
        "commodity",
        "category",
        "Commodity flow within the section (ITR sub-flow).",
        True,
        list(FLOWS),
    ),
    F("commodity_detail", "category", "Sub-commodity, such as Herbal cannabis or Cigarettes."),
    F("hs_code", "category", "Harmonized System code of the goods (HS 6 digits, dotted)."),
    F("quantity", "float64", "Quantity seized, in the unit of the next field.", True),
    F(
        "unit",
        "category",
        "Unit of the quantity; one canonical unit per commodity.",
        True,
        ops.UNITS,
    ),
    F("value_usd", "float64", "Estimated value in US dollars."),
    F("detection_method", "category", "How the seizure was detected.", True, ops.DETECTION_METHODS),
    F("concealment", "category", "How the goods were concealed.", True, ops.CONCEALMENTS),
    F("conveyance", "category", "Means of transport of the goods.", True, ops.CONVEYANCES),
    F(
        "departure_country",
        "category",
        "Country the goods left from (ISO alpha-2, XX unknown).",
        True,
        "country",
    ),
    F(
        "destination_country",
        "category",
        "Country the goods were going to (ISO alpha-2, XX unknown).",
        True,
        "country",
    ),
    F("ecommerce", "bool", "True when the goods were bought or sold online.", True),
    F(
        "reported_date",
        "datetime64[ns]",
        "Date the seizure reached CEN; empty in nCEN until it is reported. Its delay after "
        "seizure_date is the record's timeliness.",
    ),
]

PERSON_FIELDS = [
    F("person_id", "string", "Person identifier in nCEN.", True, personal=True),
    F("case_id", "string", "Case the person is linked to.", True, personal=True),
    F("family_name", "string", "Family name.", True, personal=True),
    F("given_names", "string", "Given names.", True, personal=True),
    F("date_of_birth", "datetime64[ns]", "Date of birth.", True, personal=True),
    F(
        "gender",
        "category",
        "Gender as on the travel document.",
        True,
        ["F", "M", "X"],
        personal=True,
    ),
    F("nationality", "string", "Nationality (ISO alpha-2).", True, "country", personal=True),
    F("passport_number", "string", "Travel document number.", True, personal=True),
    F(
        "role",
        "category",
        "Role of the person in the case.",
        True,
        list(PERSON_ROLES),
        personal=True,
    ),
]

COMPANY_FIELDS = [
    F("company_id", "string", "Company identifier in nCEN.", True, personal=True),
    F("case_id", "string", "Case the company is linked to.", True, personal=True),
    F("name", "string", "Company name.", True, personal=True),
    F(
        "country",
        "string",
        "Country of registration (ISO alpha-2).",
        True,
        "country",
        personal=True,
    ),
    F("address", "string", "Registered address.", True, personal=True),
    F("registration_number", "string", "Company registration number.", True, personal=True),
    F(
        "role",
        "category",
        "Role of the company in the case.",
        True,
        list(COMPANY_ROLES),
        personal=True,
    ),
]

CONVEYANCE_FIELDS = [
    F("conveyance_id", "string", "Conveyance identifier in nCEN.", True, personal=True),
    F("case_id", "string", "Case the conveyance is linked to.", True, personal=True),
    F("kind", "category", "Kind of conveyance.", True, ops.CONVEYANCES, personal=True),
    F(
        "identifier",
        "string",
        "Flight number, vessel IMO number or vehicle plate.",
        True,
        personal=True,
    ),
    F("name", "string", "Carrier or vessel name.", personal=True),
]

TABLES = {
    "seizures": SEIZURE_FIELDS,
    "persons": PERSON_FIELDS,
    "companies": COMPANY_FIELDS,
    "conveyances": CONVEYANCE_FIELDS,
}


def fields(table: str = "seizures") -> list[Field]:
    """The fields of ``table``; an unknown table name raises and lists the accepted ones."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; accepted: {', '.join(TABLES)}")
    return TABLES[table]


def field(name: str, table: str = "seizures") -> Field:
    """One field of ``table`` by name."""
    for f in fields(table):
        if f.name == name:
            return f
    raise ValueError(f"unknown field {name!r} in table {table!r}")


def columns(table: str = "seizures") -> list[str]:
    """Column names of ``table`` in record order."""
    return [f.name for f in fields(table)]


def mandatory(table: str = "seizures") -> list[str]:
    return [f.name for f in fields(table) if f.mandatory]


def personal_fields() -> dict[str, list[str]]:
    """Table -> names of its personal fields: what must never leave the country."""
    return {t: [f.name for f in fs if f.personal] for t, fs in TABLES.items()}


def canonical_unit(commodity: str) -> str:
    """The one unit in which ``commodity`` is recorded."""
    try:
        return FLOW_UNITS[commodity][0]
    except KeyError:
        raise ValueError(f"unknown commodity {commodity!r}; accepted: {', '.join(FLOWS)}") from None


def data_dictionary() -> str:
    """The data dictionary as Markdown, generated from the tables above."""
    out = [
        "# CEN data dictionary",
        "",
        "Generated from `cenlab/schema.py` by `cenlab datasets build`; do not edit by hand.",
        f"Schema version {SCHEMA_VERSION}. Countries are ISO 3166-1 alpha-2 codes (`NA` is Namibia),",
        "`XX` means unknown. Personal fields stay in nCEN and never go to CEN.",
    ]
    for table, fs in TABLES.items():
        out += ["", f"## {table}", "", "| field | type | mandatory | personal | codes | meaning |"]
        out.append("|---|---|---|---|---|---|")
        for f in fs:
            if f.codes == "country":
                codes = "ISO 3166-1 alpha-2, XX"
            elif f.codes is None:
                codes = ""
            else:
                codes = ", ".join(str(c) for c in f.codes)
            yes = {True: "yes", False: ""}
            out.append(
                f"| `{f.name}` | {f.dtype} | {yes[f.mandatory]} | {yes[f.personal]} | {codes} "
                f"| {f.description} |"
            )
    return "\n".join(out) + "\n"
