"""Data-entry drills: feedback on an entry field by field, live messages, the entry form, and the
drill notebook running from top to bottom."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pycountry
import pytest

from cenlab.ui.entry import (
    ENTRY_FIELDS,
    Drill,
    EntryForm,
    check_entry,
    entry_messages,
    field_options,
    find_country,
    score,
    solution,
)

NOTEBOOK = Path(__file__).parents[1] / "exercises" / "data-entry-drill.ipynb"
TRUTH = {
    "case_id": "C1",
    "seizure_id": "C1-1",
    "seizure_date": pd.Timestamp("2025-03-04"),
    "reporting_country": "PT",
    "office": "PT-AIR-1",
    "location_type": "Airport",
    "direction": "Import",
    "section": "Drugs",
    "commodity": "Cocaine",
    "commodity_detail": "Cocaine",
    "hs_code": "2939.72",
    "quantity": 2.4,
    "unit": "kg",
    "value_usd": 84_012.5,
    "detection_method": "Risk profiling",
    "concealment": "Unknown",
    "conveyance": "Air",
    "departure_country": "BR",
    "destination_country": "PT",
    "ecommerce": False,
}
RIGHT = solution(TRUTH)


def feedback_on(**changes) -> pd.Series:
    """The feedback on each field when the right entry is changed as given."""
    return check_entry(RIGHT | changes, TRUTH)["feedback"]


def test_the_worked_answer_is_all_right():
    assert RIGHT == {
        "seizure_date": "2025-03-04",
        "reporting_country": "PT",
        "location_type": "Airport",
        "direction": "Import",
        "section": "Drugs",
        "commodity": "Cocaine",
        "quantity": 2.4,
        "unit": "kg",
        "value_usd": 84012.5,
        "detection_method": "Risk profiling",
        "concealment": "Unknown",
        "conveyance": "Air",
        "departure_country": "BR",
        "destination_country": "PT",
        "ecommerce": False,
    }
    result = check_entry(RIGHT, pd.Series(TRUTH))
    assert list(result.index) == ENTRY_FIELDS and result["correct"].all()
    assert score(result) == "All 15 fields are right. Well done!"


def test_hints_point_back_to_the_report_without_giving_the_answer():
    fb = feedback_on(
        seizure_date="2025-04-03",
        quantity=2400,
        unit="g",
        concealment="In baggage",
        departure_country="US",
        destination_country="BR",
        commodity="cocaine",
        ecommerce="yes",
        value_usd=84_000,
    )
    assert fb["seizure_date"] == "Not the date of the report. Read it again: day before month."
    assert fb["quantity"] == "Right amount, but Cocaine is recorded in kg: convert it."
    assert fb["unit"] == "Cocaine is always recorded in kg in CEN: convert the quantity."
    assert fb["concealment"] == "The report does not say what the concealment was: choose Unknown."
    assert (
        fb["departure_country"]
        == "Not the country of the report: look its code up with find_country(...)."
    )
    assert fb["destination_country"] == (
        "For an import, the destination is the reporting country unless the report names another."
    )
    assert fb["commodity"] == "Right, but write it exactly as on the code list (capitals count)."
    assert fb["section"] == "Right."
    assert fb["ecommerce"] == "Read again: does the report say the goods were bought online?"
    assert fb["value_usd"] == "Right."  # within 1%: reports round to whole dollars


def test_other_mistakes_get_their_own_hint():
    fb = feedback_on(
        quantity=24.0,
        seizure_date="04/03/2025",
        value_usd="a lot",
        section="Revenue",
        reporting_country=None,
    )
    assert fb["quantity"] == "Off by a factor of 10: check the decimal point and the unit."
    assert fb["seizure_date"] == "Right date; write it as YYYY-MM-DD."
    assert (
        fb["value_usd"] == "'a lot' is not a number: type digits only, with a point for decimals."
    )
    assert fb["section"] == "That is not the section of Cocaine: see the list of commodities."
    assert fb["reporting_country"] == "Empty: the report gives it, fill it in."
    result = check_entry(RIGHT | {"quantity": 24.0, "seizure_date": "04/03/2025"}, TRUTH)
    assert result.loc["seizure_date", "correct"] and not result.loc["quantity", "correct"]
    assert score(result) == "14 of 15 fields are right. Look at the feedback on the others."


def test_reveal_adds_the_answer():
    result = check_entry(RIGHT | {"quantity": 3.0, "unit": "g"}, TRUTH, reveal=True)
    assert result.loc["quantity", "feedback"].endswith("The answer is 2.4.")
    assert result.loc["unit", "feedback"].endswith("The answer is kg.")


def test_live_messages_come_from_the_quality_rules():
    messages = entry_messages(
        {"commodity": "Cocaine", "unit": "g", "quantity": "2,5", "departure_country": "UK"},
        as_of="2026-06-30",
    )
    assert messages["unit"] == [
        "Cocaine is recorded in kg in CEN, not in g: convert the quantity to kg."
    ]
    assert messages["quantity"] == [
        "quantity '2,5' is not a number: type digits only, with a point for decimals (2.5, not 2,5 or 2.5 kg)."
    ]
    assert messages["departure_country"] == [
        "'UK' is not an ISO 3166-1 two-letter country code: did you mean GB (United Kingdom)?"
    ]
    assert "case_id" not in messages and "office" not in messages  # not on the form
    assert entry_messages(RIGHT, as_of="2026-06-30") == {}


def test_drop_downs_and_country_lookup():
    countries = field_options("departure_country")
    assert countries[0] == ("XX (unknown)", "XX") and ("NA (Namibia)", "NA") in countries
    assert field_options("direction") == [
        (d, d) for d in ["Import", "Export", "Transit", "Internal"]
    ]
    assert find_country("Dominica")["code"].tolist()[0] == "DM"
    assert find_country("Brasil")["code"].tolist()[0] == "BR"


def test_the_form_shows_messages_for_filled_fields_and_checks_the_entry():
    form = EntryForm(report="A report.", truth=TRUTH, as_of="2026-06-30")
    form.fill(commodity="Cocaine", unit="g")
    assert set(form.current_messages()) == {"unit"}
    assert "Cocaine is recorded in kg" in form.messages.value
    form.fill(**RIGHT)
    assert form.value == RIGHT | {"quantity": "2.4", "value_usd": "84,012.5"}
    result = form.check()
    assert result["correct"].all() and "All 15 fields are right" in form.feedback.value
    assert form.messages.value == ""
    form.fill(quantity=None)
    assert "quantity is empty" in form.messages.value
    assert not form.check().loc["quantity", "correct"]
    assert "&#10008;" in form.feedback.value  # the cross next to the wrong field


def test_a_drill_hands_out_reports_and_checks_them():
    drill = Drill(3, seed=5)
    assert len(drill.records) == 3 and drill.records["case_id"].is_unique
    assert drill.report(0) == Drill(3, seed=5).report(0)
    assert drill.check(1, drill.solution(1))["correct"].all()
    with pytest.raises(ValueError, match="there are 3 reports, numbered 0 to 2"):
        drill.report(3)
    assert isinstance(drill.form(2), EntryForm)


# What the notebook's own choices were, read back from the kernel after the last cell has run.
PROBE = """
import json
print(json.dumps({
    "r3": r3, "r4": r4, "r5": r5, "report_3": drill.report(r3), "record_3": drill.solution(r3),
    "record_4": drill.solution(r4), "entry_4": entry_4, "fixed_4": fixed_4,
}))
"""


def test_the_drill_notebook_has_no_outputs_and_runs_to_the_end():
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    ran = [c for c in nb.cells if c.cell_type == "code"]
    assert "error" not in {o.output_type for c in ran for o in c.outputs}
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in code
        for o in c.outputs
    )
    seen = json.loads(ran[-1].outputs[0]["text"])
    r3, r4, r5 = seen["r3"], seen["r4"], seen["r5"]
    assert len({0, 1, r3, r4, r5}) == 5  # each exercise has a report of its own

    # The worked solutions of exercises 1, 3 and 4 get every field right.
    perfect = score(check_entry(RIGHT, TRUTH))
    assert text.count(perfect) == 3

    # Exercise 3: the report gives grams, the sum is shown, and the grams get the unit feedback.
    goods = seen["record_3"]["commodity"]
    grams = f"{round(seen['record_3']['quantity'] * 1000):,} grams"
    assert seen["record_3"]["unit"] == "kg" and grams in seen["report_3"]
    assert f"{grams} is " in text
    assert f"Right amount, but {goods} is recorded in kg: convert it." in text
    assert f"{goods} is always recorded in kg in CEN: convert the quantity." in text

    # Exercise 4: the colleague's entry is the right one with the four mistakes the notebook
    # names, and the rules give each mistake its own message, saying what to write instead.
    right, entry = seen["record_4"], seen["entry_4"]
    day = pd.Timestamp(right["seizure_date"])
    country = pycountry.countries.get(alpha_2=right["departure_country"])
    assert right["unit"] == "kg" and entry["quantity"] == pytest.approx(right["quantity"] * 1000)
    assert entry == right | {
        "seizure_date": f"{day:%d/%m/%Y}",
        "direction": right["direction"].lower(),
        "quantity": entry["quantity"],
        "unit": "g",
        "departure_country": country.alpha_3,
    }
    messages = entry_messages(entry)
    mistakes = ["seizure_date", "direction", "unit", "departure_country"]
    assert set(messages) == set(mistakes) and all(len(m) == 1 for m in messages.values())
    date, direction, unit, departure = (messages[f][0] for f in mistakes)
    assert date.startswith(f"'{day:%d/%m/%Y}' is not a date written as YYYY-MM-DD")
    assert f"{day.day} {day:%B %Y}" in date  # it names the right day
    assert direction.endswith(f"did you mean '{right['direction']}'?")
    assert unit == (
        f"{right['commodity']} is recorded in kg in CEN, not in g: convert the quantity to kg."
    )
    assert f"{country.alpha_3} is a three-letter code; CEN uses {country.alpha_2} (" in departure
    assert all(f"{f}: {m}" in text for f, ms in messages.items() for m in ms)  # shown as such

    # The corrected entry passes every rule and matches the record.
    assert entry_messages(seen["fixed_4"]) == {}
    assert "No messages: the entry passes every rule." in text
    assert check_entry(seen["fixed_4"], right)["correct"].all()
