"""The data quality rules, one per mistake, grouped by the Charter dimension they check.

Each rule has a name, the fields it reads, a dimension, a severity (``error``: the record is wrong;
``warning``: someone should look at it) and a message template a trainee can act on. Its check
takes a :class:`cenlab.quality.columns.Columns` view of the frame and yields the rows it flags,
whole columns at a time. Rules whose inputs are missing or invalid skip those rows: another rule
already reports them, and one mistake should give one finding.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from cenlab import schema
from cenlab.files.read import DATE_FIELDS
from cenlab.reference import operations as ops
from cenlab.reference.commodities import FLOW_UNITS
from cenlab.reference.defects import COMMODITY_VARIANTS, COUNTRY_CONFUSIONS
from cenlab.reference.flows import FLOWS
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.schema import country_name

DIMENSIONS = {
    "completeness": "every mandatory field is filled in",
    "validity": "every value is on its code list and in the right format",
    "consistency": "the fields of a record agree with each other",
    "plausibility": "the figures are believable",
    "uniqueness": "each seizure is recorded once",
    "timeliness": "the record reached CEN soon after the seizure, in the period being reported",
}
SEVERITIES = ("error", "warning")
COUNTRY_FIELDS = [f.name for f in schema.SEIZURE_FIELDS if f.codes == "country"]
CODED_FIELDS = [f.name for f in schema.SEIZURE_FIELDS if f.codes not in (None, "country")]
# A value per unit this many times above or below the reference price is implausible (cenlab
# assumption, tuned to the generator's spread of about +-35%; real data needs a wider band).
PRICE_FACTOR = 5.0


@dataclass(frozen=True)
class Hit:
    """Rows flagged by a rule on one field, with the values its message template needs."""

    field: str
    pos: np.ndarray
    params: dict


@dataclass(frozen=True)
class Rule:
    name: str
    dimension: str
    severity: str
    fields: tuple[str, ...]
    message: str
    check: Callable[..., Iterator[Hit]]
    doc: str = ""


RULES: list[Rule] = []


def rule(name, dimension, severity, fields, message):
    """Register the decorated check as a rule; its docstring says what it checks."""
    if dimension not in DIMENSIONS or severity not in SEVERITIES:
        raise ValueError(f"rule {name}: unknown dimension {dimension!r} or severity {severity!r}")

    def register(check):
        RULES.append(Rule(name, dimension, severity, tuple(fields), message, check, check.__doc__))
        return check

    return register


def _hit(field, mask, **params) -> Iterator[Hit]:
    """A hit for the rows where ``mask`` is True (params given per row are cut to those rows)."""
    pos = np.flatnonzero(mask)
    if len(pos):
        yield Hit(
            field, pos, {k: v[pos] if isinstance(v, np.ndarray) else v for k, v in params.items()}
        )


# --- completeness ---------------------------------------------------------------------------

_UNKNOWN_HINT = " (choose Unknown if it was not recorded)"


@rule("mandatory_missing", "completeness", "error", [f for f in schema.mandatory() if f not in COUNTRY_FIELDS],
      "{field} is empty. It is mandatory in CEN: fill it in{hint}.")  # fmt: skip
def _mandatory_missing(cols):
    """A mandatory field is empty."""
    for name in schema.mandatory():
        if name not in COUNTRY_FIELDS:
            codes = schema.field(name).codes
            hint = _UNKNOWN_HINT if isinstance(codes, list) and "Unknown" in codes else ""
            yield from _hit(name, cols.missing(name), hint=hint)


@rule("country_missing", "completeness", "error", COUNTRY_FIELDS,
      "{field} is empty. Enter the two-letter country code, or XX if the country is not known "
      "(in a file, an empty code is often Namibia's NA read as 'missing').")  # fmt: skip
def _country_missing(cols):
    """A country code is empty (often Namibia's "NA" read as missing)."""
    for name in COUNTRY_FIELDS:
        yield from _hit(name, cols.missing(name))


# --- validity -------------------------------------------------------------------------------


@rule("code_list", "validity", "error", CODED_FIELDS + ["ecommerce"],
      "'{value}' is not on the {field} code list{suggestion}")  # fmt: skip
def _code_list(cols):
    """A coded field holds a value that is not on its code list (typos, free text)."""
    for name in CODED_FIELDS + ["ecommerce"]:
        accepted = cols.accepted(name)
        if accepted is None:  # a true/false column needs no code list
            continue
        bad = cols.not_in(name, accepted)
        yield from _hit(name, bad, suggestion=cols.per_value(name, _code_suggester(name, accepted)))


@rule("country_code", "validity", "error", COUNTRY_FIELDS,
      "'{value}' is not an ISO 3166-1 two-letter country code{suggestion}")  # fmt: skip
def _country_code(cols):
    """A country field holds something other than an ISO alpha-2 code or XX."""
    accepted = schema.country_codes()
    for name in COUNTRY_FIELDS:
        bad = cols.not_in(name, accepted)
        yield from _hit(name, bad, suggestion=cols.per_value(name, _country_suggestion))


@rule("date_format", "validity", "error", DATE_FIELDS,
      "'{value}' is not a date written as YYYY-MM-DD{reading}")  # fmt: skip
def _date_format(cols):
    """A date (of the seizure, or of its report to CEN) is text in another format (04/03/2025),
    or not a real date."""
    for name in DATE_FIELDS:
        if cols.has(name):
            bad, reading = cols.bad_dates(name)
            yield from _hit(name, bad, reading=reading)


@rule("reported_in_future", "validity", "error", ["reported_date"],
      "reported_date {value} is after the day of the check ({as_of}): a seizure cannot reach CEN "
      "in the future. Check the year.")  # fmt: skip
def _reported_in_future(cols):
    """The day the seizure reached CEN lies after the day the data is checked."""
    if cols.has("reported_date"):
        yield from _hit(
            "reported_date",
            cols.dates("reported_date") > cols.as_of,
            as_of=f"{cols.as_of:%Y-%m-%d}",
        )


@rule("quantity_number", "validity", "error", ["quantity"],
      "quantity '{value}' is not a number: type digits only, with a point for decimals "
      "(2.5, not 2,5 or 2.5 kg).")  # fmt: skip
def _quantity_number(cols):
    """The quantity is text that is not a number."""
    yield from _hit("quantity", cols.numbers("quantity")[1])


@rule("quantity_positive", "validity", "error", ["quantity"],
      "quantity {value} must be above zero: a seizure always has something in it.")  # fmt: skip
def _quantity_positive(cols):
    """The quantity is zero or negative."""
    yield from _hit("quantity", cols.numbers("quantity")[0] <= 0)


# --- consistency ----------------------------------------------------------------------------


def _expected_unit(cols):
    """Per row: index in UNITS of the commodity's canonical unit and of the unit entered."""
    canon = [ops.UNITS.index(FLOW_UNITS[c][0]) for c in FLOWS]
    return cols.lookup("commodity", list(FLOWS), canon), cols.lookup("unit", ops.UNITS)


@rule("unit_for_commodity", "consistency", "error", ["unit", "commodity"],
      "{commodity} is recorded in {expected} in CEN, not in {value}: "
      "convert the quantity to {expected}.")  # fmt: skip
def _unit_for_commodity(cols):
    """The unit is not the commodity's CEN unit (cash in kg, litres for kilograms)."""
    expected, unit = _expected_unit(cols)
    bad = (expected >= 0) & (unit >= 0) & (expected != unit)
    yield from _hit(
        "unit", bad, commodity=cols.text("commodity"), expected=_names(ops.UNITS, expected)
    )


@rule("section_commodity", "consistency", "error", ["section", "commodity"],
      "{commodity} belongs to the section '{expected}', not '{value}'.")  # fmt: skip
def _section_commodity(cols):
    """The section does not match the commodity (Cocaine under Revenue)."""
    expected = cols.lookup(
        "commodity", list(FLOWS), [ops.SECTIONS.index(s["section"]) for s in FLOWS.values()]
    )
    section = cols.lookup("section", ops.SECTIONS)
    bad = (expected >= 0) & (section >= 0) & (expected != section)
    yield from _hit(
        "section", bad, commodity=cols.text("commodity"), expected=_names(ops.SECTIONS, expected)
    )


@rule("conveyance_location", "consistency", "error", ["conveyance", "location_type"],
      "conveyance {value} does not fit location type {location}: check which of the two is wrong.")  # fmt: skip
def _conveyance_location(cols):
    """The conveyance contradicts the location (a Vessel at an Airport)."""
    forbidden = np.zeros((len(ops.LOCATION_TYPES) + 1, len(ops.CONVEYANCES) + 1), dtype=bool)
    for loc, convs in ops.CONVEYANCE_FORBIDDEN_AT.items():
        forbidden[ops.LOCATION_TYPES.index(loc), [ops.CONVEYANCES.index(c) for c in convs]] = True
    bad = forbidden[
        cols.lookup("location_type", ops.LOCATION_TYPES), cols.lookup("conveyance", ops.CONVEYANCES)
    ]
    yield from _hit("conveyance", bad, location=cols.text("location_type"))


@rule("reported_before_seizure", "consistency", "error", ["reported_date", "seizure_date"],
      "reported_date {value} is before the seizure date {seized}: a seizure reaches CEN after it "
      "is made. Check which of the two dates is wrong.")  # fmt: skip
def _reported_before_seizure(cols):
    """The seizure reached CEN before it was made (a seizure date in the future is already an
    error of its own)."""
    if cols.has("reported_date"):
        seized, reported = cols.dates(), cols.dates("reported_date")
        bad = np.asarray((reported < seized) & (seized <= cols.as_of))
        yield from _hit("reported_date", bad, seized=_days(seized, bad))


@rule("route_loop", "consistency", "error", ["departure_country", "destination_country", "direction"],
      "departure and destination are both {value}: goods that cross a border go from one country "
      "to another. Check both, use XX for an end that is not known, and record a seizure made "
      "inside one country as direction Internal.")  # fmt: skip
def _route_loop(cols):
    """Departure and destination are the same known country, on a seizure that is not Internal
    (a seizure inside one country legitimately starts and ends there)."""
    codes = sorted(schema.country_codes() - {schema.UNKNOWN_COUNTRY})
    dep, dest = cols.lookup("departure_country", codes), cols.lookup("destination_country", codes)
    internal = np.zeros(len(dep), dtype=bool)
    if cols.has("direction"):
        internal = cols.lookup("direction", ["Internal"]) == 0
    yield from _hit("destination_country", (dep >= 0) & (dep == dest) & ~internal)


# --- plausibility ---------------------------------------------------------------------------


@rule("value_per_unit", "plausibility", "warning", ["quantity", "unit", "value_usd", "commodity"],
      "{value} {unit} worth USD {usd} makes USD {per_unit} per {one}, {times} times {way} than "
      "the usual USD {typical} per {one} for {commodity}. Check the quantity: a slipped decimal "
      "point, or a unit mix-up such as grams entered as kg or cartons counted as pieces?")  # fmt: skip
def _value_per_unit(cols):
    """The value per unit is far from the commodity's usual price: the quantity is probably off
    by a power of ten or counted in the wrong unit."""
    if "value_usd" not in cols.df.columns:
        return
    price = np.array([FLOW_UNITS[c][3] for c in FLOWS] + [np.nan])
    expected, unit = _expected_unit(cols)
    qty, value = cols.numbers("quantity")[0], cols.numbers("value_usd")[0]
    typical = price[cols.lookup("commodity", list(FLOWS))]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / (qty * typical)
    ok = (expected >= 0) & (expected == unit) & (qty > 0) & (value >= 1)
    bad = ok & ((ratio > PRICE_FACTOR) | (ratio < 1 / PRICE_FACTOR))
    pos = np.flatnonzero(bad)
    if len(pos):
        r, singular = ratio[pos], [ops.UNIT_SINGULAR[u] for u in ops.UNITS]
        yield Hit("quantity", pos, {
            "unit": cols.text("unit")[pos], "one": _names(singular, unit[pos]),
            "usd": _fmt(value[pos]), "commodity": cols.text("commodity")[pos],
            "per_unit": _fmt(value[pos] / qty[pos]), "typical": _fmt(typical[pos]),
            "times": _fmt(np.maximum(r, 1 / r)), "way": np.where(r > 1, "higher", "lower"),
        })  # fmt: skip


# --- uniqueness -----------------------------------------------------------------------------


@rule("seizure_id_unique", "uniqueness", "error", ["seizure_id"],
      "seizure_id {value} is also used on row {first}: if it is the same seizure entered twice, "
      "delete this copy; if not, give it its own id.")  # fmt: skip
def _seizure_id_unique(cols):
    """The same seizure id appears on more than one row."""
    dup, first = cols.id_duplicates()
    yield from _hit("seizure_id", dup, first=first)


@rule("duplicate_record", "uniqueness", "warning", [c for c in schema.columns() if c not in ("case_id", "seizure_id", "reported_date")],
      "This record repeats row {first} in every field except the case and seizure ids and the "
      "report date: the same seizure counted twice, under two cases?")  # fmt: skip
def _duplicate_record(cols):
    """A record repeats another in everything but its ids (a case counted twice)."""
    dup, first = cols.record_duplicates()
    yield from _hit("seizure_id", dup & ~cols.id_duplicates()[0], first=first)


# --- timeliness -----------------------------------------------------------------------------


@rule("future_date", "timeliness", "error", ["seizure_date"],
      "seizure_date {value} is in the future (the data is checked as of {as_of}): check the year.")  # fmt: skip
def _future_date(cols):
    """The seizure date lies after the day the data is checked."""
    yield from _hit("seizure_date", cols.dates() > cols.as_of, as_of=f"{cols.as_of:%Y-%m-%d}")


@rule("after_cutoff", "timeliness", "warning", ["seizure_date"],
      "seizure_date {value} is after the reporting cut-off {cutoff}: the seizure belongs to the "
      "next reporting period.")  # fmt: skip
def _after_cutoff(cols):
    """The seizure date lies after the reporting cut-off (only checked when a cut-off is given)."""
    if cols.cutoff is not None:
        d = cols.dates()
        yield from _hit(
            "seizure_date", (d > cols.cutoff) & (d <= cols.as_of), cutoff=f"{cols.cutoff:%Y-%m-%d}"
        )


@rule("reported_late", "timeliness", "warning", ["reported_date", "seizure_date"],
      "reported_date {value} is {delay} days after the seizure ({seized}): a seizure that reaches "
      "CEN more than {limit} days after it was made is late. Report seizures sooner.")  # fmt: skip
def _reported_late(cols):
    """The seizure reached CEN more than ``LATE_AFTER_DAYS`` days after it was made (dates after
    the day of the check are errors of their own)."""
    if cols.has("reported_date"):
        seized, reported = cols.dates(), cols.dates("reported_date")
        delay = (reported.to_numpy() - seized.to_numpy()) / np.timedelta64(1, "D")
        ok = np.asarray((seized <= cols.as_of) & (reported <= cols.as_of))
        bad = ok & (delay > LATE_AFTER_DAYS)
        days = np.where(bad, delay, 0).astype(np.int64)
        yield from _hit(
            "reported_date", bad, delay=days, seized=_days(seized, bad), limit=LATE_AFTER_DAYS
        )


# --- helpers --------------------------------------------------------------------------------


def _names(values: list[str], idx: np.ndarray) -> np.ndarray:
    """Names for indices into ``values``; -1 gives an empty string."""
    return np.array(list(values) + [""], dtype=object)[idx]


def _days(dates: pd.DatetimeIndex, mask: np.ndarray) -> np.ndarray:
    """The dates as YYYY-MM-DD text where ``mask`` is True (formatting only those rows)."""
    out = np.full(len(dates), "", dtype=object)
    out[mask] = dates[mask].strftime("%Y-%m-%d").to_numpy(dtype=object)
    return out


def _fmt(x: np.ndarray) -> np.ndarray:
    """Numbers as a trainee reads them: 35,000 / 2.4 / 0.012 (formatting only the flagged rows)."""
    return np.array([f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" for v in x], dtype=object)


def _code_suggester(field: str, accepted: frozenset) -> Callable[[str], str]:
    """What to tell the trainee about a value that is not on ``field``'s code list."""
    folded = {a.casefold(): a for a in accepted}
    if field == "commodity":
        folded |= {v.casefold(): c for c, vs in COMMODITY_VARIANTS.items() for v in vs}

    def suggest(value: str) -> str:
        close = difflib.get_close_matches(value, sorted(accepted), n=1, cutoff=0.75)
        hit = folded.get(value.strip().casefold()) or (close[0] if close else None)
        return f": did you mean '{hit}'?" if hit else ": choose a value from the list."

    return suggest


def _country_suggestion(value: str) -> str:
    """What to tell the trainee about a country code that is not ISO alpha-2."""
    v = value.strip().upper()
    right = COUNTRY_CONFUSIONS.get(value.strip())
    if right:
        return f": did you mean {right} ({country_name(right)})?"
    if v in schema.country_codes():
        return f": write it in capitals, {v}."
    alpha3 = pycountry.countries.get(alpha_3=v)
    if alpha3:
        code = alpha3.alpha_2
        return f": {v} is a three-letter code; CEN uses {code} ({country_name(code)})."
    old = pycountry.historic_countries.get(alpha_2=v)
    if old:
        return (
            f": it was the code of {old.name.split(',')[0]}; enter the country's code today, or XX."
        )
    return ": it is not an ISO code; use XX if the country is not known."
