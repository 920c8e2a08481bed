"""A targeting hit written up as a structured alert, in the style of a CENcomm message.

CENcomm is the WCO's closed messaging system for operations: officers along a route exchange short
structured messages about suspect passengers and consignments and the results of controls. An
`Alert` says what (found, or only suspected), the route, the conveyance, the indicators that fired
and the recommended action. It carries a reference number but no name: nominal data stay in nCEN.
`ALERT_SCHEMA` is the contract; `validate_alert` checks an alert (or a dict read from JSON) against
it and raises a ValueError that names the bad field.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

import pandas as pd
import pycountry

from cenlab.reference import operations as ops
from cenlab.reference.alerts import (
    DEFAULT_ACTIONS,
    NOT_FROM_A_CONTROL,
    PRIORITIES,
    RECOMMENDED_ACTIONS,
    STATUSES,
    SUBJECTS,
    UNKNOWN_SECTION,
)
from cenlab.reference.traffic import COMMODITIES, ENTRY_POINTS
from cenlab.risk.profiles import Profile, Scorecard
from cenlab.schema import UNKNOWN_COUNTRY

# The record's code lists, as far as an alert written from a targeting hit can use them.
SECTIONS = (*ops.SECTIONS, UNKNOWN_SECTION)
CONVEYANCES = tuple(ops.CONVEYANCES)
CONCEALMENTS = tuple(c for c in ops.CONCEALMENTS if c not in NOT_FROM_A_CONTROL)
UNITS = tuple(ops.UNITS)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALERT_ID = re.compile(r"^CEN-[A-Z]{2}-\d{4}-[PC]\d{7}$")


def _country(v, missing_ok=False) -> bool:
    if v is None:
        return missing_ok
    return isinstance(v, str) and (
        v == UNKNOWN_COUNTRY or pycountry.countries.get(alpha_2=v) is not None
    )


def _text(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _matches(pattern: re.Pattern):
    return lambda v: isinstance(v, str) and bool(pattern.match(v))


def _is_str(v) -> bool:
    return isinstance(v, str)


# field -> (what it must be, in words; test). Nested groups use "group.field".
ALERT_SCHEMA = {
    "alert_id": ("an id like CEN-NL-2025-P0000123", _matches(_ALERT_ID)),
    "issued": ("a date written YYYY-MM-DD", _matches(_DATE)),
    "status": (f"one of {', '.join(STATUSES)}", lambda v: v in STATUSES),
    "priority": (f"one of {', '.join(PRIORITIES)}", lambda v: v in PRIORITIES),
    "subject": (f"one of {', '.join(SUBJECTS)}", lambda v: v in SUBJECTS),
    "reference": ("a non-empty reference number", _text),
    "reporting_country": ("an ISO 3166-1 alpha-2 country code", _country),
    "office": ("a non-empty office code", _text),
    "what.section": (f"one of {', '.join(SECTIONS)}", lambda v: v in SECTIONS),
    "what.commodity": ("a commodity name, or Unknown", _text),
    "what.quantity": (
        "a positive number, or None when nothing was found",
        lambda v: v is None or (isinstance(v, (int, float)) and v > 0),
    ),
    "what.unit": (f"one of {', '.join(UNITS)}, or None", lambda v: v is None or v in UNITS),
    "what.concealment": (f"one of {', '.join(CONCEALMENTS)}", lambda v: v in CONCEALMENTS),
    "what.declared": ("a text describing what was declared or carried", _is_str),
    "route.departure_country": ("an ISO 3166-1 alpha-2 country code", _country),
    "route.transit_country": (
        "an ISO 3166-1 alpha-2 country code, or None",
        lambda v: _country(v, missing_ok=True),
    ),
    "route.destination_country": ("an ISO 3166-1 alpha-2 country code", _country),
    "route.itinerary": ("a non-empty itinerary such as BOG-MAD-AMS", _text),
    "conveyance.type": (f"one of {', '.join(CONVEYANCES)}", lambda v: v in CONVEYANCES),
    "conveyance.identifier": ("a non-empty flight, vessel or transport number", _text),
    "conveyance.date": ("a date written YYYY-MM-DD", _matches(_DATE)),
    "indicators": (
        "a non-empty list of indicator names",
        lambda v: isinstance(v, list) and bool(v) and all(_text(x) for x in v),
    ),
    "profile": ("the name of the profile that selected the row", _text),
    "recommended_action": (
        f"one of: {'; '.join(RECOMMENDED_ACTIONS)}",
        lambda v: v in RECOMMENDED_ACTIONS,
    ),
    "remarks": ("a text (may be empty)", _is_str),
}


@dataclass
class Alert:
    """One CENcomm-style alert; groups ``what``, ``route`` and ``conveyance`` are small dicts."""

    alert_id: str
    issued: str
    status: str
    priority: str
    subject: str
    reference: str
    reporting_country: str
    office: str
    what: dict
    route: dict
    conveyance: dict
    indicators: list
    profile: str
    recommended_action: str
    remarks: str = field(default="")

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def __str__(self) -> str:
        w, r, c = self.what, self.route, self.conveyance
        found = "nothing confirmed yet"
        if self.status == "Seizure":
            found = f"{w['commodity']} ({w['section']}), {w['quantity']:g} {w['unit']}, "
            found += w["concealment"]
        lines = [
            f"CENcomm ALERT {self.alert_id}    priority {self.priority}    {self.status}",
            f"Issued {self.issued} by {self.reporting_country}, office {self.office}",
            f"SUBJECT     {self.subject} {self.reference}",
            f"WHAT        {found}; declared: {w['declared']}",
            f"ROUTE       {r['itinerary']} ({r['departure_country']} to {r['destination_country']}"
            + (f" via {r['transit_country']})" if r["transit_country"] else ")"),
            f"CONVEYANCE  {c['type']} {c['identifier']} on {c['date']}",
            f'INDICATORS  (profile "{self.profile}")',
            *[f"  - {i}" for i in self.indicators],
            f"ACTION      {self.recommended_action}",
        ]
        return "\n".join(lines + ([f"REMARKS     {self.remarks}"] if self.remarks else []))


def validate_alert(alert) -> Alert | dict:
    """Check an Alert (or its dict) against `ALERT_SCHEMA`; a ValueError names the bad field."""
    d = alert.to_dict() if isinstance(alert, Alert) else alert
    if not isinstance(d, dict):
        raise ValueError(f"An alert must be an Alert or a dict, got {type(d).__name__}")
    groups = {k.split(".")[0] for k in ALERT_SCHEMA if "." in k}
    flat = {}
    for key, value in d.items():
        if key in groups and isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    for key in flat:
        if key not in ALERT_SCHEMA:
            raise ValueError(f"alert field {key!r} is not part of the alert schema")
    for key, (words, ok) in ALERT_SCHEMA.items():
        if key not in flat and key != "remarks":
            raise ValueError(f"alert field {key!r} is missing; it must be {words}")
        if key in flat and not ok(flat[key]):
            raise ValueError(f"alert field {key!r} must be {words}, got {flat[key]!r}")
    if flat["status"] == "Seizure" and (
        flat["what.quantity"] is None or flat["what.commodity"] == "Unknown"
    ):
        raise ValueError(
            "alert field 'what.quantity' must be given with the commodity for a Seizure"
        )
    if flat["status"] == "Suspicion" and flat["what.quantity"] is not None:
        raise ValueError(
            "alert field 'what.quantity' must be None for a Suspicion (nothing found yet)"
        )
    return alert


def _reporting_country(office: str) -> str:
    for country, points in ENTRY_POINTS.items():
        if office in points["airports"] or office in (points["seaport"], points["airport"]):
            return country
    raise ValueError(
        f"Cannot tell the reporting country of office {office!r}; pass reporting_country="
    )


def _frame(row) -> pd.DataFrame:
    """The row as a one-row frame (keeping its column types when it already is one)."""
    if isinstance(row, pd.DataFrame):
        if len(row) != 1:
            raise ValueError(
                f"make_alert needs one row, got {len(row)}; use df.loc[[i]] or df.loc[i]"
            )
        return row
    return pd.DataFrame([row if isinstance(row, pd.Series) else pd.Series(row)]).infer_objects()


def _value(v):
    return None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)


def _fired(frame: pd.DataFrame, profile) -> list[str]:
    """The profile's indicators that fired on the row (not exclusions, not negative points)."""
    if isinstance(profile, Profile):
        names = [c.label for c in profile.indicators]
    elif isinstance(profile, Scorecard):
        weights = profile.current_weights()
        names = [c.label for c in profile.criteria if weights[c.label] > 0]
    else:
        raise ValueError(f"profile must be a Profile or a Scorecard, got {type(profile).__name__}")
    fired = profile.fired(frame).iloc[0]
    return [n for n in names if fired[n]] or ["none: selected by a random check"]


def _what(r: pd.Series, seized: bool) -> dict:
    """What was found (a seizure) or nothing yet (a suspicion), and what was declared."""
    commodity = _value(r.get("true_commodity")) if seized else None
    what = {
        "section": COMMODITIES[commodity][0] if commodity else UNKNOWN_SECTION,
        "commodity": commodity or "Unknown",
        "quantity": float(r["true_quantity"]) if seized else None,
        "unit": _value(r.get("true_unit")) if seized else None,
        "concealment": (_value(r.get("true_concealment")) or "Unknown") if seized else "Unknown",
    }
    revenue = _value(r.get("revenue_at_risk_usd")) or 0.0
    if seized and not commodity and revenue > 0:  # duty evaded (a consignment): no goods seized
        what.update(section="Revenue", quantity=float(revenue), unit="USD",
                    commodity=f"{str(r['offence']).capitalize()}, true HS {r['true_hs_code']}",
                    concealment="Not concealed")  # fmt: skip
    if "passenger_id" in r.index:
        weight = _value(r.get("baggage_kg"))  # missing when the scale reading was not recorded
        kg = "weight not recorded" if weight is None else f"{float(weight):g} kg"
        what["declared"] = f"{int(r['bags'])} checked bag(s), {kg}"
    else:
        what["declared"] = (
            f"HS {r['hs_code']} {r['goods_description']}, {float(r['gross_weight_kg']):g} kg, "
            f"USD {float(r['declared_value_usd']):,.2f}"
        )
    return what


def make_alert(
    row,
    *,
    profile=None,
    indicators=None,
    action: str | None = None,
    priority: str | None = None,
    reporting_country: str | None = None,
    remarks: str = "",
) -> Alert:
    """Write up one passenger or consignment row as a validated `Alert`.

    ``profile`` (a Profile or Scorecard) names the selection and gives the indicators that fired;
    or pass ``indicators`` (a list of names) yourself. An illicit row becomes a Seizure with what
    was found; a legitimate or unchecked row a Suspicion. ``row`` is ``df.loc[i]`` or
    ``df.loc[[i]]``.
    """
    frame = _frame(row)
    r = frame.iloc[0]
    if "passenger_id" in r.index:
        subject, number, date_col = "Passenger", int(r["passenger_id"]), "arrival_date"
        office, origin, mode, ref = str(r["arrival_airport"]), "departure_country", "Air", "flight"
    elif "consignment_id" in r.index:
        subject, number, date_col = "Consignment", int(r["consignment_id"]), "declaration_date"
        office, origin, ref = str(r["office"]), "origin_country", "conveyance_ref"
        mode = str(r["transport_mode"])
    else:
        raise ValueError(
            "make_alert needs a passenger or consignment row (passenger_id or consignment_id)"
        )
    if profile is None and indicators is None:
        raise ValueError(
            "Say why this row was selected: make_alert(row, profile=...) or indicators=[...]"
        )
    country = reporting_country or _reporting_country(office)
    date = pd.Timestamp(r[date_col]).strftime("%Y-%m-%d")
    seized = bool(r.get("illicit", False))
    what = _what(r, seized)
    fired = list(indicators) if indicators is not None else _fired(frame, profile)
    if priority is None:
        drugs = what["section"] == "Drugs"
        priority = (
            ("High" if drugs else "Medium") if seized else ("Medium" if len(fired) >= 3 else "Low")
        )
    key = "Seizure" if seized else subject if subject == "Passenger" else mode
    alert = Alert(
        alert_id=f"CEN-{country}-{date[:4]}-{subject[0]}{number:07d}",
        issued=date,
        status="Seizure" if seized else "Suspicion",
        priority=priority,
        subject=subject,
        reference=f"{'PAX' if subject == 'Passenger' else 'CONS'}-{number:07d}",
        reporting_country=country,
        office=office,
        what=what,
        route={
            "departure_country": str(r[origin]),
            "transit_country": _value(r["transit_country"]),
            "destination_country": country,
            "itinerary": str(r["route"]),
        },
        conveyance={"type": mode, "identifier": str(r[ref]), "date": date},
        indicators=fired,
        profile=getattr(profile, "name", None) or "manual selection",
        recommended_action=action or DEFAULT_ACTIONS[key],
        remarks=remarks,
    )
    return validate_alert(alert)
