"""CENcomm-style alerts: written from a hit, validated against the schema, free of names."""

from __future__ import annotations

import copy
import json

import pytest

from cenlab import risk
from cenlab.reference import operations as ops
from cenlab.reference import traffic as ref
from cenlab.reference.alerts import DEFAULT_ACTIONS
from cenlab.risk import Profile, Scorecard
from cenlab.risk.alert import (
    ALERT_SCHEMA,
    CONCEALMENTS,
    CONVEYANCES,
    RECOMMENDED_ACTIONS,
    SECTIONS,
    UNITS,
    Alert,
    make_alert,
    validate_alert,
)
from cenlab.synth.traffic import make_consignments, make_passengers

COURIER = Profile(
    "courier",
    any_of=[
        ("payment", "in", ["cash", "third_party"], "paid in cash or by a third party"),
        ("booking_lead_days", "<=", 3, "booked late"),
        ("trip_days", "<=", 4, "short stay"),
        ("age", "<", 30, "under 30"),
    ],
    at_least=3,
    none_of=[("payment", "==", "corporate", "corporate booking")],
)


@pytest.fixture(scope="module")
def passengers():
    df = make_passengers(30_000, seed=4)
    return df, risk.select(COURIER.matches(df))


@pytest.fixture(scope="module")
def consignments():
    df = make_consignments(30_000, seed=4)
    card = Scorecard(ref.CONSIGNMENT_INDICATORS, weights=ref.CONSIGNMENT_WEIGHTS, name="manual")
    return df, card, risk.select(card.risk_score(df))


@pytest.fixture()
def seizure(passengers):
    df, sel = passengers
    return make_alert(df[sel & df["illicit"] & COURIER.matches(df)].iloc[[0]], profile=COURIER)


def test_a_passenger_hit_becomes_a_valid_seizure_alert(passengers, seizure):
    df, _ = passengers
    row = df.loc[int(seizure.reference.split("-")[1]) - 1]
    assert seizure.status == "Seizure" and seizure.subject == "Passenger"
    assert seizure.what["commodity"] == row["true_commodity"]
    assert seizure.what["quantity"] == pytest.approx(row["true_quantity"])
    assert seizure.route["departure_country"] == row["departure_country"]
    assert seizure.route["destination_country"] == "NL" and seizure.reporting_country == "NL"
    assert seizure.conveyance == {
        "type": "Air",
        "identifier": row["flight"],
        "date": seizure.issued,
    }
    fired = COURIER.fired(df.loc[[row.name]]).iloc[0]
    assert seizure.indicators == [c.label for c in COURIER.indicators if fired[c.label]]
    assert len(seizure.indicators) >= 3 and seizure.profile == "courier"
    assert seizure.recommended_action == RECOMMENDED_ACTIONS[0]
    assert validate_alert(seizure) is seizure


def test_an_alert_carries_no_name(passengers, seizure):
    df, _ = passengers
    name = df.loc[int(seizure.reference.split("-")[1]) - 1, "passenger_name"]
    assert name not in seizure.to_json()


def test_a_legitimate_selected_row_becomes_a_suspicion_without_quantity(passengers):
    df, sel = passengers
    alert = make_alert(df[sel & ~df["illicit"]].iloc[0], profile=COURIER)
    assert alert.status == "Suspicion" and alert.what["quantity"] is None
    assert alert.what["commodity"] == "Unknown"
    assert alert.recommended_action == "Search the baggage and interview the passenger"


def test_a_consignment_alert_names_the_conveyance_and_the_scorecard_indicators(consignments):
    df, card, sel = consignments
    hit = df[sel & (df["offence"] == "smuggling")].iloc[[0]]
    alert = make_alert(hit, profile=card)
    row = hit.iloc[0]
    assert alert.subject == "Consignment" and alert.conveyance["type"] == row["transport_mode"]
    assert alert.conveyance["identifier"] == row["conveyance_ref"] and alert.office == row["office"]
    assert alert.what["concealment"] == row["true_concealment"]
    fired = card.fired(hit).iloc[0]
    assert alert.indicators == [
        c.label for c in card.criteria if fired[c.label] and ref.CONSIGNMENT_WEIGHTS[c.label] > 0
    ]
    assert alert.profile == "manual"


def test_an_alert_round_trips_through_json_and_validates(seizure):
    d = json.loads(seizure.to_json())
    assert validate_alert(d) is d
    assert Alert(**d) == seizure


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("route", "departure_country"), "Colombia", "'route.departure_country' must be an ISO"),
        (("route", "transit_country"), "XY", "'route.transit_country'"),
        (("recommended_action",), "Shoot first", "'recommended_action' must be one of"),
        (("indicators",), [], "'indicators' must be a non-empty list"),
        (("issued",), "14/03/2025", "'issued' must be a date written YYYY-MM-DD"),
        (("what", "unit"), "tonnes", "'what.unit'"),
        (("what", "quantity"), None, "'what.quantity' must be given"),
        (("status",), "Maybe", "'status' must be one of Seizure, Suspicion"),
    ],
)
def test_validate_alert_names_the_bad_field(seizure, path, value, message):
    d = copy.deepcopy(seizure.to_dict())
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=message):
        validate_alert(d)


def test_the_alert_uses_the_records_code_lists(seizure):
    """Sections, conveyances, concealments and units are the CEN record's; a suspicion's section
    is Unknown, and finds made away from a control (on a beach, on a market) are not alerts."""
    assert SECTIONS == (*ops.SECTIONS, "Unknown")
    assert CONVEYANCES == tuple(ops.CONVEYANCES) and UNITS == tuple(ops.UNITS)
    away = {"Recovered from sea/beach", "On market places"}
    assert set(CONCEALMENTS) == set(ops.CONCEALMENTS) - away
    assert set(DEFAULT_ACTIONS.values()) <= set(RECOMMENDED_ACTIONS)
    d = copy.deepcopy(seizure.to_dict())
    d["what"]["concealment"] = "On market places"
    with pytest.raises(ValueError, match="'what.concealment' must be one of In mail, In baggage"):
        validate_alert(d)


def test_validate_alert_rejects_missing_and_unknown_fields(seizure):
    d = seizure.to_dict()
    del d["profile"]
    with pytest.raises(ValueError, match="'profile' is missing"):
        validate_alert(d)
    d = seizure.to_dict()
    d["route"]["vessel_name"] = "x"
    with pytest.raises(ValueError, match="'route.vessel_name' is not part of the alert schema"):
        validate_alert(d)
    assert {"what.commodity", "route.itinerary", "conveyance.identifier"} <= set(ALERT_SCHEMA)


def test_make_alert_asks_why_the_row_was_selected(passengers):
    df, _ = passengers
    with pytest.raises(ValueError, match="profile="):
        make_alert(df.iloc[0])
    alert = make_alert(df.iloc[0], indicators=["tip-off from the airline"], remarks="manual pick")
    assert alert.indicators == ["tip-off from the airline"] and alert.profile == "manual selection"


def test_the_alert_reads_as_a_message(seizure):
    text = str(seizure)
    for part in (
        "CENcomm ALERT CEN-NL-2025-P",
        "WHAT",
        "ROUTE",
        "CONVEYANCE",
        "INDICATORS",
        "ACTION",
    ):
        assert part in text
    assert seizure.what["commodity"] in text


def test_a_revenue_offence_alert_reports_the_duty_evaded(consignments):
    df, card, sel = consignments
    hit = df[sel & (df["offence"] == "undervaluation")].iloc[[0]]
    alert = make_alert(hit, profile=card)
    assert alert.status == "Seizure" and alert.what["section"] == "Revenue"
    assert alert.what["quantity"] == pytest.approx(hit["revenue_at_risk_usd"].iloc[0])
    assert alert.what["unit"] == "USD"


def test_a_missing_baggage_weight_is_said_in_words_not_as_nan(passengers):
    df, sel = passengers
    row = df[sel & df["illicit"] & (df["bags"] > 0)].iloc[[0]].copy()
    row["baggage_kg"] = float("nan")  # the scale reading was not recorded
    alert = make_alert(row, profile=COURIER)
    assert (
        alert.what["declared"] == f"{int(row['bags'].iloc[0])} checked bag(s), weight not recorded"
    )
    assert validate_alert(alert) is alert  # raises, naming the field, if the alert is invalid
