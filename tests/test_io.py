"""Reading seizure files: the same types as generated data, Namibia kept, text kept where
converting would guess, and one clear message for each kind of unreadable file."""

from __future__ import annotations

import pandas as pd
import pytest

from cenlab.files import date_readings, iso_dates, parse_dates, read_seizures
from cenlab.reference import cen_mapping as cm
from cenlab.synth import make_seizures


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    df = make_seizures(3000, seed=4)
    df.loc[0, ["reporting_country", "destination_country"]] = "NA"  # make sure Namibia is there
    return df


def test_a_csv_reads_back_with_the_generators_types_and_values(clean, tmp_path):
    clean.to_csv(tmp_path / "s.csv", index=False)
    back = read_seizures(tmp_path / "s.csv")
    assert dict(back.dtypes.astype(str)) == dict(clean.dtypes.astype(str))
    assert back["reporting_country"].iloc[0] == "NA" and back["reporting_country"].notna().all()
    for c in clean.columns:
        assert back[c].astype(str).tolist() == clean[c].astype(str).tolist(), c


def test_parquet_reads_back_the_same(clean, tmp_path):
    clean.to_parquet(tmp_path / "s.parquet")
    back = read_seizures(tmp_path / "s.parquet")
    assert dict(back.dtypes.astype(str)) == dict(clean.dtypes.astype(str))
    assert back["quantity"].tolist() == clean["quantity"].tolist()


def test_semicolons_a_byte_order_mark_and_yes_no_are_understood(clean, tmp_path):
    part = clean.head(5).assign(ecommerce=["yes", "no", "No", "TRUE", "0"])
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + part.to_csv(index=False, sep=";").encode())
    back = read_seizures(path)
    assert back["ecommerce"].tolist() == [True, False, False, True, False]
    assert back["case_id"].tolist() == part["case_id"].tolist()


def test_a_file_reads_the_fewest_true_false_words_and_means_what_the_transfer_means(
    clean, tmp_path
):
    """One table of spellings: a file, a drill answer and a national extract agree on each word;
    a file is read strictly, so a single letter stays text for the validator to name."""
    assert cm.FILE_BOOLEANS.items() <= cm.TYPED_BOOLEANS.items() <= cm.BOOLEANS.items()
    clean.head(2).assign(ecommerce=["y", "no"]).to_csv(tmp_path / "y.csv", index=False)
    assert read_seizures(tmp_path / "y.csv")["ecommerce"].astype(str).tolist() == ["y", "no"]


def test_text_that_cannot_be_converted_stays_text(clean, tmp_path):
    part = clean.head(4).astype({"seizure_date": object, "quantity": object, "ecommerce": object})
    part["seizure_date"] = ["2025-03-04", "04/03/2025", "", "2025-01-02"]
    part["quantity"] = ["2.5", "2,5", "", "7"]
    part["ecommerce"] = ["True", "maybe", "False", ""]
    part.to_csv(tmp_path / "messy.csv", index=False)
    back = read_seizures(tmp_path / "messy.csv")
    assert back["seizure_date"].tolist()[:2] == ["2025-03-04", "04/03/2025"]
    assert pd.isna(back["seizure_date"].iloc[2])
    assert back["quantity"].dtype == "string" and back["quantity"].iloc[1] == "2,5"
    assert back["ecommerce"].astype(str).tolist()[:2] == ["True", "maybe"]


def test_the_report_date_is_typed_like_the_seizure_date_or_kept_as_text(clean, tmp_path):
    part = clean.head(4)
    part.to_csv(tmp_path / "r.csv", index=False)
    assert read_seizures(tmp_path / "r.csv")["reported_date"].equals(part["reported_date"])
    part.assign(reported_date=["2025-03-04", "04/03/2025", "", "2025-01-02"]).to_csv(
        tmp_path / "t.csv", index=False
    )
    back = read_seizures(tmp_path / "t.csv")["reported_date"]
    assert back.tolist()[:2] == ["2025-03-04", "04/03/2025"] and pd.isna(back.iloc[2])
    for frame, name in [(part.assign(reported_date=pd.NaT), "empty.csv"),
                        (part.assign(reported_date=None), "empty.parquet")]:  # fmt: skip
        path = tmp_path / name
        frame.to_csv(path, index=False) if name.endswith("csv") else frame.to_parquet(path)
        back = read_seizures(path)["reported_date"]
        assert str(back.dtype) == "datetime64[ns]" and back.isna().all(), name


def test_a_file_written_before_the_report_date_reads_without_it(clean, tmp_path):
    clean.head(3).drop(columns="reported_date").to_csv(tmp_path / "old.csv", index=False)
    back = read_seizures(tmp_path / "old.csv")
    assert list(back.columns) == [c for c in clean.columns if c != "reported_date"]


def test_empty_ecommerce_cells_give_a_nullable_column(clean, tmp_path):
    part = clean.head(3).astype({"ecommerce": object})
    part["ecommerce"] = [True, None, False]
    part.to_csv(tmp_path / "e.csv", index=False)
    assert str(read_seizures(tmp_path / "e.csv")["ecommerce"].dtype) == "boolean"


def _message(path) -> str:
    with pytest.raises(ValueError) as err:
        read_seizures(path)
    return str(err.value)


def test_unreadable_files_are_named_with_the_reason(clean, tmp_path):
    p = tmp_path
    assert _message(p / "nope.csv") == f"cannot read {p / 'nope.csv'}: file not found"
    assert _message(p) == f"cannot read {p}: it is a folder, not a file"
    (p / "empty.csv").write_bytes(b"")
    assert _message(p / "empty.csv") == f"cannot read {p / 'empty.csv'}: the file is empty"
    clean.head(0).to_csv(p / "header.csv", index=False)
    assert _message(p / "header.csv") == (
        f"cannot read {p / 'header.csv'}: the file has column names but no seizure rows"
    )
    clean.head(3).assign(office="Zürich").to_csv(p / "latin.csv", index=False, encoding="latin-1")
    assert _message(p / "latin.csv") == (
        f"cannot read {p / 'latin.csv'}: the file is not UTF-8 text (in a spreadsheet, save it "
        "as 'CSV UTF-8')"
    )
    clean.head(3).to_csv(p / "s.txt", index=False)
    assert _message(p / "s.txt") == (
        f"cannot read {p / 's.txt'}: not a CSV or Parquet file (the name should end in .csv or "
        ".parquet)"
    )
    (p / "book.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert _message(p / "book.csv") == (
        f"cannot read {p / 'book.csv'}: it is a spreadsheet workbook; save it as 'CSV UTF-8' first"
    )
    (p / "broken.parquet").write_bytes(b"not parquet at all")
    assert (
        _message(p / "broken.parquet")
        == f"cannot read {p / 'broken.parquet'}: not a readable Parquet file"
    )


def test_missing_mandatory_columns_are_listed(clean, tmp_path):
    clean.head(3).drop(columns=["unit", "seizure_date", "value_usd"]).to_csv(
        tmp_path / "m.csv", index=False
    )
    assert _message(tmp_path / "m.csv") == (
        f"cannot read {tmp_path / 'm.csv'}: missing columns seizure_date, unit (a seizure file "
        "needs the CEN field names as column names)"
    )
    clean.head(3).drop(columns=["value_usd"]).to_parquet(tmp_path / "m.parquet")
    back = read_seizures(tmp_path / "m.parquet")  # optional columns may go
    assert back.shape == (3, clean.shape[1] - 1) and "value_usd" not in back


def test_dates_are_read_strictly_or_leniently():
    assert iso_dates(
        ["2025-03-04", "2025-03-04 00:00:00", "04/03/2025", "2025-02-30", None]
    ).strftime("%Y-%m-%d").tolist()[:2] == ["2025-03-04", "2025-03-04"]
    assert iso_dates(["04/03/2025", "2025-02-30"]).isna().all()
    readings = date_readings(["04/03/2025", "15 December 2025", "someday", "25/12/2025"])
    assert [[f"{d:%Y-%m-%d}" for d in r] for r in readings] == [
        ["2025-03-04", "2025-04-03"],
        ["2025-12-15"],
        [],
        ["2025-12-25"],
    ]
    text = pd.Series(
        ["04/03/2025", "2025-03-04", "March 4, 2025", "04-Mar-25", "?"], index=[5, 6, 7, 8, 9]
    )
    days = parse_dates(text)
    assert days.index.tolist() == [5, 6, 7, 8, 9]
    assert days.dt.strftime("%Y-%m-%d").tolist()[:4] == ["2025-03-04"] * 4 and pd.isna(days.iloc[4])
    assert f"{parse_dates(['04/03/2025'], dayfirst=False)[0]:%Y-%m-%d}" == "2025-04-03"
