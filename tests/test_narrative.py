"""Officer reports: seeded, varied, and saying every field a trainee must enter."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cenlab.synth import make_seizures
from cenlab.synth.narrative import CONCEALED, CONVEYED, DETECTED, narrate


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return make_seizures(300, seed=12)


@pytest.fixture(scope="module")
def reports(records) -> pd.Series:
    return narrate(records, seed=3)


def test_one_report_per_record_same_seed_same_words(records, reports):
    assert reports.index.equals(records.index) and reports.str.len().min() > 100
    assert reports.equals(narrate(records, seed=3))
    assert (reports != narrate(records, seed=4)).mean() > 0.5


def test_the_wording_varies(reports):
    on, form = reports.str.startswith("On "), reports.str.startswith("Seizure report, customs of ")
    seized = reports.str.contains(" were seized by the customs of ")
    assert on.sum() > 50 and form.sum() > 50 and (seized & ~on & ~form).sum() > 50
    assert reports.str.contains(r"\d{2}/\d{2}/\d{4}").any()
    assert reports.str.contains(r"\d{4}-\d{2}-\d{2}").any()
    assert reports.str.contains(r"the \d+(?:st|nd|rd|th) of").any()
    assert reports.str.contains(" grams| tonnes").any() and reports.str.contains("kilograms").any()


def test_every_report_names_the_reporting_country_date_and_detection(records, reports):
    for (_, r), text in zip(records.iterrows(), reports):
        d = r["seizure_date"]
        forms = [
            f"{d.day} {d:%B %Y}",
            f"{d:%d/%m/%Y}",
            f"{d:%d.%m.%Y}",
            f"{d:%Y-%m-%d}",
            f"of {d:%B %Y}",
        ]
        assert any(f in text for f in forms), text
        assert any(p in text for p in DETECTED[r["detection_method"]]), text
        assert ("online" in text) == bool(r["ecommerce"]), text


def test_a_concealment_or_conveyance_not_recorded_is_not_mentioned(records, reports):
    phrases = [p.strip() for k, ps in CONCEALED.items() for p in ps if k != "Unknown"]
    unknown = records["concealment"] == "Unknown"
    assert unknown.any()
    assert not reports[unknown].apply(lambda t: any(p in t for p in phrases)).any()
    for conveyance in ("Vessel", "Air"):
        rows = records["conveyance"] == conveyance
        said = reports[rows].apply(lambda t, c=conveyance: any(p.strip() in t for p in CONVEYED[c]))
        assert said.all()


def test_a_courier_is_described_like_an_officer_would():
    record = make_seizures(1, seed=0).assign(
        reporting_country="PT",
        location_type="Airport",
        direction="Import",
        commodity="Cocaine",
        commodity_detail="Cocaine",
        quantity=2.4,
        unit="kg",
        concealment="On the person",
        conveyance="Air",
        departure_country="BR",
        destination_country="PT",
        ecommerce=False,
        detection_method="Risk profiling",
        value_usd=84_000.0,
    )
    texts = pd.concat([narrate(record, seed=s) for s in range(12)])
    assert texts.str.contains(r"a \d\d-year-old Brazilian national arriving on a flight from").all()
    assert texts.str.contains("São Paulo \\(Brazil\\)").any()
    assert texts.str.contains(r"Lisbon (?:International )?[Aa]irport").all()
    assert texts.str.contains("USD 84,000").all()
    assert texts.str.contains("2.4 kg|2.4 kilograms|2,400 grams").all()


def test_quantities_in_words_and_cash_in_dollars():
    record = make_seizures(1, seed=0)
    five = narrate(
        pd.concat([record.assign(quantity=5.0, unit="kg")] * 40, ignore_index=True), seed=1
    )
    assert five.str.contains("five kilograms").any()
    cash = record.assign(commodity="Cash", commodity_detail="Euro", quantity=39_525.0, unit="USD")
    text = narrate(pd.concat([cash] * 10, ignore_index=True), seed=2)
    assert text.str.contains("USD 39,525|39,525 US dollars").all()
    assert text.str.contains(re.escape("cash (euro banknotes)")).all()
