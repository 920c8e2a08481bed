"""The nCEN nominal layer: linked to cases, plausible, and named from the right locale."""

import pandas as pd

from cenlab import schema
from cenlab.synth import locale_for


def test_tables_have_the_schema_columns(small_extract):
    for table, df in small_extract.tables().items():
        assert list(df.columns) == schema.columns(table), table


def test_every_nominal_row_links_to_a_case(small_extract):
    cases = set(small_extract.seizures["case_id"].astype(str))
    for table in ("persons", "companies", "conveyances"):
        df = getattr(small_extract, table)
        assert len(df) > 100, table
        assert set(df["case_id"]) <= cases, table
        assert df.iloc[:, 0].is_unique


def test_persons_are_adults_born_before_their_seizure(small_extract):
    p = small_extract.persons.merge(
        small_extract.seizures.drop_duplicates("case_id")[["case_id", "seizure_date"]].astype(
            {"case_id": str}
        ),
        on="case_id",
    )
    age = (p["seizure_date"] - p["date_of_birth"]).dt.days / 365.25
    assert age.between(17.9, 70.1).all()
    assert set(p["gender"]) <= {"F", "M", "X"}
    assert p["passport_number"].str.fullmatch(r"[A-Z]{2}\d{7}").all()


def test_names_come_from_the_locale_of_the_nationality():
    assert locale_for("DE") == "de_DE"
    assert locale_for("FR") == "fr_FR"
    assert locale_for("US") == "en_US"
    assert locale_for("MA") == "fr_FR"  # fallback table
    assert locale_for("NA") == "en_GB"  # Namibia is a country, not a missing value


def test_japanese_nationals_get_japanese_names(small_extract):
    jp = small_extract.persons[small_extract.persons["nationality"] == "JP"]
    assert len(jp) > 0, "the fixed extract (seed 5) includes Japanese nationals"
    assert jp["family_name"].str.contains(r"[\u3040-\u30ff\u4e00-\u9fff]").all()


def test_same_seed_same_nominal_layer():
    from cenlab.synth import make_seizures

    a = make_seizures(300, seed=9, nominal=True)
    b = make_seizures(300, seed=9, nominal=True)
    for table in ("persons", "companies", "conveyances"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
