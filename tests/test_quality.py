"""The validator: each rule on a hand-made record with its exact message, scores worked out by
hand, and the quality targets (recall per defect type, false positives on clean data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cenlab.quality import QualityReport, compare, rules_table, validate
from cenlab.quality.rules import DIMENSIONS, RULES
from cenlab.reference import operations as ops
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.synth import false_positive_rate, inject_defects, make_seizures, recall

AS_OF = "2026-06-30"
# A correct seizure: 2.4 kg of cocaine at USD 35,000 a kg (the reference price), Namibia reporting.
GOOD = {
    "case_id": "C1",
    "seizure_id": "C1-1",
    "seizure_date": pd.Timestamp("2025-03-04"),
    "reporting_country": "NA",
    "office": "NA-AIR-1",
    "location_type": "Airport",
    "direction": "Import",
    "section": "Drugs",
    "commodity": "Cocaine",
    "commodity_detail": "Cocaine",
    "hs_code": "2939.72",
    "quantity": 2.4,
    "unit": "kg",
    "value_usd": 84_000.0,
    "detection_method": "Risk profiling",
    "concealment": "In baggage",
    "conveyance": "Air",
    "departure_country": "BR",
    "destination_country": "NA",
    "ecommerce": False,
}


def records(*changes: dict) -> pd.DataFrame:
    """One row per dict: the good record with those fields changed (ids numbered)."""
    rows = [GOOD | {"case_id": f"C{i}", "seizure_id": f"C{i}-1"} | c for i, c in enumerate(changes)]
    return pd.DataFrame(rows)


def only_finding(df: pd.DataFrame, **kwargs) -> pd.Series:
    """The single finding of ``validate(df)``; fails if there is not exactly one."""
    found = validate(df, as_of=AS_OF, **kwargs).findings
    assert len(found) == 1, found[["row", "rule", "message"]].to_string()
    return found.iloc[0]


def test_a_correct_record_has_no_findings_and_scores_100():
    report = validate(records({}), as_of=AS_OF, cutoff="2025-12-31")
    assert report.findings.empty
    assert report.score == 100.0
    assert not report.has_errors


@pytest.mark.parametrize(
    ("change", "rule", "field", "message"),
    [
        (
            {"unit": None},
            "mandatory_missing",
            "unit",
            "unit is empty. It is mandatory in CEN: fill it in.",
        ),
        (
            {"concealment": " "},
            "mandatory_missing",
            "concealment",
            "concealment is empty. It is mandatory in CEN: fill it in (choose Unknown if it was not "
            "recorded).",
        ),
        (
            {"reporting_country": None},
            "country_missing",
            "reporting_country",
            "reporting_country is empty. Enter the two-letter country code, or XX if the country is "
            "not known (in a file, an empty code is often Namibia's NA read as 'missing').",
        ),
        (
            {"commodity": "Cocain"},
            "code_list",
            "commodity",
            "'Cocain' is not on the commodity code list: did you mean 'Cocaine'?",
        ),
        (
            {"commodity": "COKE"},
            "code_list",
            "commodity",
            "'COKE' is not on the commodity code list: did you mean 'Cocaine'?",
        ),
        (
            {"direction": "Inbound"},
            "code_list",
            "direction",
            "'Inbound' is not on the direction code list: choose a value from the list.",
        ),
        (
            {"departure_country": "UK"},
            "country_code",
            "departure_country",
            "'UK' is not an ISO 3166-1 two-letter country code: did you mean GB (United Kingdom)?",
        ),
        (
            {"departure_country": "BRA"},
            "country_code",
            "departure_country",
            "'BRA' is not an ISO 3166-1 two-letter country code: BRA is a three-letter code; CEN uses "
            "BR (Brazil).",
        ),
        (
            {"departure_country": "br"},
            "country_code",
            "departure_country",
            "'br' is not an ISO 3166-1 two-letter country code: write it in capitals, BR.",
        ),
        (
            {"departure_country": "YU"},
            "country_code",
            "departure_country",
            "'YU' is not an ISO 3166-1 two-letter country code: it was the code of Yugoslavia; enter "
            "the country's code today, or XX.",
        ),
        (
            {"departure_country": "EU"},
            "country_code",
            "departure_country",
            "'EU' is not an ISO 3166-1 two-letter country code: it is not an ISO code; use XX if the "
            "country is not known.",
        ),
        (
            {"quantity": -2.4},
            "quantity_positive",
            "quantity",
            "quantity -2.4 must be above zero: a seizure always has something in it.",
        ),
        (
            {"unit": "g"},
            "unit_for_commodity",
            "unit",
            "Cocaine is recorded in kg in CEN, not in g: convert the quantity to kg.",
        ),
        (
            {"section": "Revenue"},
            "section_commodity",
            "section",
            "Cocaine belongs to the section 'Drugs', not 'Revenue'.",
        ),
        (
            {"conveyance": "Vessel"},
            "conveyance_location",
            "conveyance",
            "conveyance Vessel does not fit location type Airport: check which of the two is wrong.",
        ),
        (
            {"departure_country": "NA"},
            "route_loop",
            "destination_country",
            "departure and destination are both NA: goods that cross a border go from one country "
            "to another. Check both, use XX for an end that is not known, and record a seizure made "
            "inside one country as direction Internal.",
        ),
        (
            {"quantity": 2400.0},
            "value_per_unit",
            "quantity",
            "2400.0 kg worth USD 84,000 makes USD 35 per kg, 1,000 times lower than the usual USD "
            "35,000 per kg for Cocaine. Check the quantity: a slipped decimal point, or a unit mix-up "
            "such as grams entered as kg or cartons counted as pieces?",
        ),
        (
            {"seizure_date": pd.Timestamp("2035-03-04")},
            "future_date",
            "seizure_date",
            "seizure_date 2035-03-04 is in the future (the data is checked as of 2026-06-30): check "
            "the year.",
        ),
    ],
)
def test_each_mistake_gives_one_finding_with_a_plain_message(change, rule, field, message):
    found = only_finding(records(change))
    assert (found["rule"], found["field"], found["message"]) == (rule, field, message)
    assert found["dimension"] == next(r.dimension for r in RULES if r.name == rule)


def test_route_loop_spares_internal_seizures_and_flags_the_others():
    """A seizure inside one country (direction Internal) starts and ends there: no finding. The
    same route on an Import, Export or Transit record is a mistake; XX at both ends is not."""
    df = records(
        {"direction": "Internal", "departure_country": "NA", "destination_country": "NA"},
        {"direction": "Import", "departure_country": "NA", "destination_country": "NA"},
        {"direction": "Internal", "departure_country": "XX", "destination_country": "NA"},
        {"direction": "Transit", "departure_country": "BR", "destination_country": "BR"},
        {"direction": "Export", "departure_country": "XX", "destination_country": "XX"},
        {"direction": "Internal", "departure_country": "BR", "destination_country": "BR"},
    )
    found = validate(df, as_of=AS_OF).findings
    assert found[["row", "rule", "field", "value"]].values.tolist() == [
        [1, "route_loop", "destination_country", "NA"],
        [3, "route_loop", "destination_country", "BR"],
    ]


def test_the_value_per_unit_message_names_one_of_the_unit():
    """Every CEN unit has its singular word, so a price reads "per litre", "per piece"."""
    assert set(ops.UNIT_SINGULAR) == set(ops.UNITS)
    alcohol = {
        "section": "Revenue",
        "commodity": "Alcohol products",
        "unit": "litres",
        "commodity_detail": "Beer",
        "hs_code": "2203.00",
        "quantity": 20_000.0,
        "value_usd": 240.0,
    }
    ipr = {
        "section": "IPR, Health and Safety",
        "commodity": "IPR products",
        "unit": "pieces",
        "commodity_detail": "Clothing",
        "hs_code": "6204.62",
        "quantity": 1.0,
        "value_usd": 2_500.0,
    }
    litres = only_finding(records(alcohol))["message"]
    assert litres.startswith("20000.0 litres worth USD 240 makes USD 0.012 per litre, 1,000 times")
    assert "the usual USD 12 per litre for Alcohol products" in litres
    pieces = only_finding(records(ipr))["message"]
    assert pieces.startswith("1.0 pieces worth USD 2,500 makes USD 2,500 per piece, 100 times")


def test_dates_written_another_way_are_flagged_with_how_they_read():
    df = records({}, {}, {}, {}).astype({"seizure_date": object})
    df["seizure_date"] = ["2025-03-04", "04/03/2025", "15 December 2025", "next Tuesday"]
    found = validate(df, as_of=AS_OF).findings
    assert list(found["rule"]) == ["date_format"] * 3
    assert list(found["message"]) == [
        "'04/03/2025' is not a date written as YYYY-MM-DD: is it 4 March 2025 or 3 April 2025? "
        "Check, then write it as YYYY-MM-DD.",
        "'15 December 2025' is not a date written as YYYY-MM-DD: it reads as 15 December 2025, so "
        "write 2025-12-15.",
        "'next Tuesday' is not a date written as YYYY-MM-DD: write it as YYYY-MM-DD, for example "
        "2025-03-04.",
    ]


def test_a_quantity_that_is_not_a_number_is_named():
    df = records({}, {}).astype({"quantity": object})
    df.loc[1, "quantity"] = "2,5"
    found = only_finding(df)
    assert (found["rule"], found["row"], found["value"]) == ("quantity_number", 1, "2,5")


def test_after_cutoff_is_only_checked_with_a_cutoff_and_future_dates_win():
    df = records(
        {"seizure_date": pd.Timestamp("2026-01-15")}, {"seizure_date": pd.Timestamp("2027-01-15")}
    )
    assert list(validate(df, as_of=AS_OF).findings["rule"]) == ["future_date"]
    found = validate(df, as_of=AS_OF, cutoff="2025-12-31").findings
    assert list(zip(found["row"], found["rule"])) == [(0, "after_cutoff"), (1, "future_date")]
    assert found["message"].iloc[0] == (
        "seizure_date 2026-01-15 is after the reporting cut-off 2025-12-31: the seizure belongs "
        "to the next reporting period."
    )


def test_duplicates_point_at_the_first_copy():
    df = records({"quantity": 2.5}, {"quantity": 3.0}, {}, {}, {"quantity": 3.0})
    df.loc[3, ["case_id", "seizure_id"]] = ["C2", "C2-1"]  # row 2 entered twice
    found = validate(df, as_of=AS_OF).findings  # row 4 is row 1 again under a new case
    assert list(zip(found["row"], found["rule"])) == [
        (3, "seizure_id_unique"),
        (4, "duplicate_record"),
    ]
    assert found["message"].iloc[0].startswith("seizure_id C2-1 is also used on row 2:")
    assert found["message"].iloc[1].startswith("This record repeats row 1 in every field")


# --- the report date ----------------------------------------------------------------------


def reported(*days: int) -> pd.DataFrame:
    """Good records reported ``days`` after the seizure (2025-03-04), each its own seizure (a
    record that differs from another in its report date only would be a repeat)."""
    seized = GOOD["seizure_date"]
    return records(
        *({"reported_date": seized + pd.Timedelta(days=d), "quantity": 2.4 + i / 100}
          for i, d in enumerate(days))
    )  # fmt: skip


def test_a_report_more_than_the_limit_after_the_seizure_is_late_and_the_limit_itself_is_not():
    found = only_finding(reported(0, LATE_AFTER_DAYS - 1, LATE_AFTER_DAYS, LATE_AFTER_DAYS + 1))
    assert (found["row"], found["field"], found["rule"]) == (3, "reported_date", "reported_late")
    assert (found["dimension"], found["severity"]) == ("timeliness", "warning")
    assert found["message"] == (
        "reported_date 2025-06-03 is 91 days after the seizure (2025-03-04): a seizure that reaches "
        "CEN more than 90 days after it was made is late. Report seizures sooner."
    )


def test_a_report_before_the_seizure_is_an_error():
    found = only_finding(reported(-1, 0))
    assert (found["row"], found["rule"], found["severity"]) == (
        0,
        "reported_before_seizure",
        "error",
    )
    assert found["message"] == (
        "reported_date 2025-03-03 is before the seizure date 2025-03-04: a seizure reaches CEN "
        "after it is made. Check which of the two dates is wrong."
    )


def test_a_report_after_the_day_of_the_check_is_a_validity_error_and_not_also_late():
    df = reported(0, 0).assign(reported_date=[pd.Timestamp("2026-07-01"), pd.Timestamp(AS_OF)])
    found = validate(df, as_of=AS_OF).findings
    assert list(zip(found["row"], found["rule"])) == [
        (0, "reported_in_future"),
        (1, "reported_late"),  # reported on the day of the check: late, not in the future
    ]
    assert (found["dimension"].iloc[0], found["severity"].iloc[0]) == ("validity", "error")
    assert found["message"].iloc[0] == (
        "reported_date 2026-07-01 is after the day of the check (2026-06-30): a seizure cannot "
        "reach CEN in the future. Check the year."
    )


def test_a_seizure_date_in_the_future_is_one_finding_whatever_the_report_date():
    df = reported(0, 200).assign(seizure_date=pd.Timestamp("2027-03-04"))
    assert list(validate(df, as_of=AS_OF).findings["rule"]) == ["future_date"] * 2


def test_report_dates_written_another_way_are_flagged_like_seizure_dates():
    df = reported(6, 6, 6).astype({"reported_date": object})
    df["reported_date"] = ["2025-03-10", "10/03/2025", None]
    found = only_finding(df)
    assert (found["row"], found["field"], found["rule"]) == (1, "reported_date", "date_format")
    assert found["message"] == (
        "'10/03/2025' is not a date written as YYYY-MM-DD: is it 10 March 2025 or 3 October 2025? "
        "Check, then write it as YYYY-MM-DD."
    )


def test_a_frame_without_the_report_date_or_with_it_empty_validates_as_before():
    df = records({}, {"unit": "g"}, {"conveyance": "Vessel"})
    assert "reported_date" not in df
    before = validate(df, as_of=AS_OF, cutoff="2025-12-31")
    for empty in (pd.NaT, None, ""):
        after = validate(df.assign(reported_date=empty), as_of=AS_OF, cutoff="2025-12-31")
        cols = ["row", "rule", "severity", "message"]
        assert after.findings[cols].equals(before.findings[cols]) and after.score == before.score


def test_a_case_entered_again_later_is_a_repeat_whatever_its_report_date():
    df = reported(10, 20, 30)
    df.loc[2, "quantity"] = df.loc[0, "quantity"]  # row 0 again, reached CEN on another day
    found = validate(df, as_of=AS_OF).findings
    assert list(zip(found["row"], found["rule"])) == [(2, "duplicate_record")]
    assert (
        found["message"]
        .iloc[0]
        .startswith(
            "This record repeats row 0 in every field except the case and seizure ids and the report "
            "date"
        )
    )


def test_rows_are_reported_by_index_label():
    df = records({}, {"unit": "g"}).set_axis([10, 20])
    assert only_finding(df)["row"] == 20


def test_scores_are_the_share_of_records_without_findings():
    df = records({}, {"unit": None}, {"unit": None, "conveyance": "Vessel"}, {"section": "Revenue"})
    report = validate(df, as_of=AS_OF)
    assert report.score == 25.0  # one record of four has nothing to fix
    dims = report.scores.loc["dimension", "score"]
    assert dims.to_dict() == {
        "completeness": 50.0,
        "validity": 100.0,
        "consistency": 50.0,
        "plausibility": 100.0,
        "uniqueness": 100.0,
        "timeliness": 100.0,
    }
    fields = report.scores.loc["field"]
    assert fields.loc["unit", "score"] == 50.0 and fields.loc["unit", "errors"] == 2
    assert fields.loc["section", "score"] == 75.0
    assert (report.errors, report.warnings) == (4, 0)


def test_report_renders_and_converts():
    report = validate(records({}, {"unit": "g"}), as_of=AS_OF)
    frame = report.to_frame()
    assert list(frame.columns) == [
        "row",
        "field",
        "rule",
        "dimension",
        "severity",
        "value",
        "message",
    ]
    assert report.summary().loc["unit_for_commodity", "findings"] == 1
    html = report._repr_html_()
    assert "score 50.0 out of 100" in html and "unit_for_commodity" in html
    assert report.to_dict()["dimensions"]["consistency"] == 50.0
    assert "row 1  unit  error: Cocaine is recorded in kg" in repr(report)
    assert list(report.for_row(1)["rule"]) == ["unit_for_commodity"]


def test_scores_before_and_after_fixing_compare_side_by_side():
    df = records(
        {},
        {"unit": None, "quantity": 2.5},
        {"unit": "g", "quantity": 2.6},
        {"departure_country": "UK"},
    )
    before = validate(df, as_of=AS_OF)
    fixed = df.assign(unit="kg", departure_country=df["departure_country"].replace({"UK": "GB"}))
    table = compare(before, validate(fixed, as_of=AS_OF))
    assert table.loc["overall"].to_dict() == {"before": 25.0, "after": 100.0, "change": 75.0}
    assert table.loc["completeness"].to_dict() == {"before": 75.0, "after": 100.0, "change": 25.0}
    assert list(table.index) == [*DIMENSIONS, "overall"]


def test_rules_can_be_chosen_by_name_or_dimension():
    df = records({"unit": None}, {"conveyance": "Vessel"})
    assert list(validate(df, as_of=AS_OF, rules="completeness").findings["rule"]) == [
        "mandatory_missing"
    ]
    assert list(validate(df, as_of=AS_OF, rules=["conveyance_location"]).findings["row"]) == [1]
    with pytest.raises(ValueError, match=r"unknown rules \['spelling'\]; accepted: after_cutoff"):
        validate(df, rules=["spelling"])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="lack the mandatory CEN columns seizure_date, unit"):
        validate(records({}).drop(columns=["seizure_date", "unit"]))
    with pytest.raises(ValueError, match="as_of must be a date like 2025-12-31, got 'soon'"):
        validate(records({}), as_of="soon")


def test_every_rule_is_listed_with_what_it_checks():
    table = rules_table()
    assert list(table.index) == [r.name for r in RULES]
    assert set(table["dimension"]) == set(DIMENSIONS)
    assert table["checks"].str.len().min() > 20


def test_an_empty_frame_scores_100():
    report = validate(records({}).iloc[:0], as_of=AS_OF)
    assert isinstance(report, QualityReport) and report.score == 100.0 and report.findings.empty


# --- quality targets -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clean_generated_data_flags_at_most_one_percent_of_rows_besides_its_late_reports(seed):
    """Checked once every seizure has reached CEN, the only findings of any number are the late
    reports, and they are exactly the generated delays above the limit, each named in days."""
    df = make_seizures(100_000, seed=seed)
    report = validate(df, as_of=df["reported_date"].max(), cutoff="2025-12-31")
    found = report.findings
    entry = found[found["rule"] != "reported_late"]
    flagged = entry["row"].nunique() / len(df)
    assert flagged <= 0.01, report.summary()
    assert flagged < 0.0001  # in fact almost none: the generator makes coherent records
    delay = (df["reported_date"] - df["seizure_date"]).dt.days
    late = found[found["rule"] == "reported_late"]
    assert late["row"].tolist() == df.index[delay > LATE_AFTER_DAYS].tolist()
    assert 0.05 < len(late) / len(df) < 0.6  # many countries report by hand
    named = late["message"].str.extract(r" is (\d+) days after the seizure")[0].astype(int)
    assert (named.to_numpy() == delay.loc[late["row"]].to_numpy()).all()


def test_checked_before_every_report_arrived_later_reports_are_errors_not_late():
    df = make_seizures(20_000, seed=4)
    as_of = pd.Timestamp("2026-03-31")
    found = validate(df, as_of=as_of, cutoff="2025-12-31").findings
    delay = (df["reported_date"] - df["seizure_date"]).dt.days
    in_future = df["reported_date"] > as_of
    rows = {r: set(found.loc[found["rule"] == r, "row"]) for r in found["rule"].astype(str)}
    assert rows.keys() == {"reported_late", "reported_in_future"}
    assert rows["reported_in_future"] == set(df.index[in_future]) != set()
    assert rows["reported_late"] == set(df.index[(delay > LATE_AFTER_DAYS) & ~in_future])
    as_text = df.astype({"seizure_date": object, "reported_date": str})  # as typed in a file
    again = validate(as_text, as_of=as_of, cutoff="2025-12-31").findings
    assert again[["row", "rule", "message"]].equals(found[["row", "rule", "message"]])


@pytest.fixture(scope="module")
def damaged():
    # An office's file before it goes to CEN: no report date yet (the tests above check it).
    clean = make_seizures(60_000, seed=11).assign(reported_date=pd.NaT)
    bad, key = inject_defects(clean, seed=5, cutoff="2025-12-31")
    return bad, key, validate(bad, as_of=AS_OF, cutoff="2025-12-31")


def test_recall_is_at_least_95_percent_for_every_defect_type(damaged):
    _, key, report = damaged
    table = recall(report, key)
    assert (table["injected"] >= 50).all()  # enough of each type to measure
    assert (table["recall"] >= 0.95).all(), table


def test_undamaged_rows_of_damaged_data_are_rarely_flagged(damaged):
    _, key, report = damaged
    assert false_positive_rate(report, key) <= 0.01


def test_the_validator_sees_the_same_on_typed_frames_and_files(damaged, tmp_path):
    from cenlab.files import read_seizures

    part = damaged[0].iloc[:20_000]
    part.to_csv(tmp_path / "bad.csv", index=False)
    typed = validate(part, as_of=AS_OF, cutoff="2025-12-31")
    again = validate(read_seizures(tmp_path / "bad.csv"), as_of=AS_OF, cutoff="2025-12-31")
    assert len(typed.findings) > 2000
    pd.testing.assert_frame_equal(again.findings, typed.findings)


def test_object_columns_give_the_same_findings_as_categoricals(damaged):
    bad, _, report = damaged
    sample = bad.iloc[:3000]
    typed = validate(sample, as_of=AS_OF).findings
    plain = validate(
        sample.astype({c: object for c in sample.columns if c != "quantity"}), as_of=AS_OF
    )
    assert np.array_equal(
        typed[["row", "rule"]].to_numpy(), plain.findings[["row", "rule"]].to_numpy()
    )
