"""Error injection: seeded, counted as asked, one mistake per record, and an answer key that
matches the damage cell by cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cenlab import schema
from cenlab.quality.rules import RULES
from cenlab.reference import defects as ref
from cenlab.synth import describe, false_positive_rate, inject_defects, make_seizures, recall

OFF = dict.fromkeys(ref.DEFECT_TYPES, 0.0)


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return make_seizures(20_000, seed=3)


@pytest.fixture(scope="module")
def damaged(clean):
    return inject_defects(clean, seed=7)


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal values, dtypes and categories (much faster than assert_frame_equal on categoricals)."""
    return a.equals(b) and list(a.dtypes) == list(b.dtypes) and list(a.columns) == list(b.columns)


def _cell_text(df: pd.DataFrame, rows, field: str) -> list:
    s = df[field].iloc[rows]
    if pd.api.types.is_datetime64_any_dtype(s):
        s = s.dt.strftime("%Y-%m-%d")
    return [None if pd.isna(v) else str(v) for v in s]


def test_same_seed_same_damage_and_another_seed_other_damage(clean, damaged):
    bad, key = damaged
    again_bad, again_key = inject_defects(clean, seed=7)
    assert same(bad, again_bad)
    pd.testing.assert_frame_equal(key, again_key)
    other = inject_defects(clean, seed=8)[1]
    assert not set(zip(other["row"], other["field"])) == set(zip(key["row"], key["field"]))


def test_the_input_frame_is_left_alone(clean):
    before = clean.copy()
    inject_defects(clean, seed=1)
    assert same(clean, before)


def test_every_defect_type_is_injected_at_its_rate(clean, damaged):
    key = damaged[1]
    events = key.drop_duplicates(["row", "defect"]).groupby("defect").size()
    assert list(events.index.sort_values()) == sorted(ref.DEFECT_TYPES)
    n = len(clean)
    # Types open to every record: exactly round(rate * n) records.
    for name in (
        "missing_mandatory",
        "invalid_country",
        "mixed_date_format",
        "commodity_variant",
        "future_date",
        "after_cutoff",
        "section_mismatch",
        "duplicate_seizure",
    ):
        assert events[name] == round(ref.DEFAULT_RATES[name] * n), name
    # Every Namibian code is lost at the default rate of 1.
    namibia = sum(
        (clean[f] == "NA").sum()
        for f in ("reporting_country", "departure_country", "destination_country")
    )
    assert (key["defect"] == "namibia_as_missing").sum() == namibia
    cash = (clean["commodity"] == "Cash").sum()
    assert events["cash_in_kg"] == round(0.05 * cash)


def test_each_damaged_record_has_one_mistake(damaged):
    key = damaged[1]
    assert key.groupby("row")["defect"].nunique().max() == 1


def test_the_key_matches_the_damage_cell_by_cell(clean, damaged):
    bad, key = damaged
    copies = key["defect"].isin(["duplicate_seizure", "double_counted_case"])
    for field, part in key[~copies].groupby("field"):
        assert _cell_text(bad, part["row"], field) == list(part["damaged"]), field
        originals = clean.set_index("seizure_id").loc[part["seizure_id"]].reset_index()
        assert _cell_text(originals, range(len(part)), field) == list(part["original"]), field
    assert len(bad) == len(clean) + copies.sum()


def test_copies_follow_their_original(damaged):
    bad, key = damaged
    dup = key.loc[key["defect"] == "duplicate_seizure", "row"].to_numpy()
    left, right = bad.iloc[dup - 1].reset_index(drop=True), bad.iloc[dup].reset_index(drop=True)
    assert same(left, right)
    double = key[key["defect"] == "double_counted_case"]
    copy = bad.iloc[double["row"]]
    assert copy["case_id"].str.match(r"^C\d{7}$").all()
    assert not copy["case_id"].isin(bad.drop(index=double["row"])["case_id"]).any()
    assert (
        copy["seizure_id"]
        == copy["case_id"] + "-" + copy.groupby("case_id").cumcount().add(1).astype(str)
    ).all()


def test_made_up_values_are_never_valid_codes(damaged):
    bad, key = damaged
    countries = key[key["defect"] == "invalid_country"]["damaged"]
    assert not countries.isin(schema.country_codes()).any()
    assert countries.isin(["UK", "USA", "GER"]).any()
    variants = [v for vs in ref.COMMODITY_VARIANTS.values() for v in vs]
    assert not set(variants) & set(schema.field("commodity").accepted())
    assert (
        not key[key["defect"] == "commodity_variant"]["damaged"]
        .isin(schema.field("commodity").accepted())
        .any()
    )


def test_mixed_dates_turn_the_date_column_into_text(damaged):
    bad, key = damaged
    assert bad["seizure_date"].dtype == "string"
    mixed = key[key["defect"] == "mixed_date_format"]
    assert not mixed["damaged"].str.match(r"^\d{4}-\d{2}-\d{2}$").any()
    assert set(bad["seizure_date"].drop(index=mixed["row"]).dropna().str.len()) == {10}


def test_switched_off_defects_leave_the_frame_as_it_was(clean):
    bad, key = inject_defects(clean, seed=1, rates=OFF)
    assert key.empty and list(key.columns) == [
        "row",
        "seizure_id",
        "field",
        "defect",
        "rule",
        "dimension",
        "original",
        "damaged",
    ]
    assert same(bad, clean)


def test_one_defect_type_alone(clean):
    bad, key = inject_defects(clean, seed=2, rates=OFF | {"unit_mixup": 0.1})
    assert set(key["defect"]) == {"unit_mixup"}
    assert set(key["rule"]) == {"unit_for_commodity", "value_per_unit"}
    changed_unit = key[key["field"] == "unit"]
    assert (changed_unit["rule"] == "unit_for_commodity").all()


def test_bad_rates_are_named():
    with pytest.raises(
        ValueError, match=r"unknown defect types \['typos'\]; accepted: namibia_as_missing"
    ):
        inject_defects(make_seizures(5), rates={"typos": 0.1})
    with pytest.raises(ValueError, match="rates must be between 0 and 1, got {'unit_mixup': 2}"):
        inject_defects(make_seizures(5), rates={"unit_mixup": 2})


def test_describe_pairs_every_defect_with_a_registered_rule():
    table = describe()
    assert list(table.index) == list(ref.DEFECT_TYPES)
    assert set(table["rule"]) <= {r.name for r in RULES}
    assert all(
        r in {x.name for x in RULES} for _, rules in ref.DEFECT_TYPES.values() for r in rules
    )


def test_recall_counts_a_mistake_caught_by_one_of_its_rules():
    key = pd.DataFrame(
        {
            "row": [1, 1, 4, 7],
            "field": ["quantity", "unit", "unit", "seizure_date"],
            "defect": ["unit_mixup", "unit_mixup", "cash_in_kg", "future_date"],
        }
    )
    findings = pd.DataFrame(
        {"row": [1, 4, 9], "rule": ["unit_for_commodity", "value_per_unit", "code_list"]}
    )
    table = recall(findings, key)
    assert table.to_dict("index") == {
        "unit_mixup": {"injected": 1, "caught": 1, "recall": 1.0},
        "future_date": {"injected": 1, "caught": 0, "recall": 0.0},
        "cash_in_kg": {"injected": 1, "caught": 0, "recall": 0.0},  # wrong rule for it
    }

    class Report:
        n_rows = 12

    Report.findings = findings
    assert false_positive_rate(Report, key) == pytest.approx(1 / 9)  # row 9 of 9 clean rows


def test_seeds_must_be_whole_numbers(clean):
    with pytest.raises(ValueError, match="seed must be a whole number"):
        inject_defects(clean, seed=1.5)


def test_quantity_slips_change_quantity_by_a_power_of_ten_or_sign(damaged):
    key = damaged[1]
    slips = key[key["defect"] == "quantity_slip"]
    ratio = slips["damaged"].astype(float) / slips["original"].astype(float)
    powers = np.log10(np.abs(ratio))
    assert np.allclose(powers, np.round(powers), atol=0.35)  # whole pieces round a little
    assert (ratio < 0).any() and (ratio > 5).any() and (ratio < 0.2).any()
