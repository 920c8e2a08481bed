"""Reading seizure files, and reading dates written in the many ways officers write them.

``read_seizures`` gives the same column types as ``make_seizures``, so that the validator, the
analysis functions and the courses see one kind of frame whether the data was generated or
read from a file. It never guesses: "NA" stays Namibia (only an empty cell is missing), and a
column that cannot be converted without guessing (a date written 04/03/2025, a quantity written
"2,5") stays as the text in the file, so that the validator can point at each bad entry.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cenlab import schema
from cenlab.files.dates import iso_dates
from cenlab.reference.cen_mapping import FILE_BOOLEANS

# Ids stay text (many distinct values) and numbers become floats; every other field is coded.
ID_FIELDS = tuple(f.name for f in schema.SEIZURE_FIELDS if f.dtype == "string")
NUMBER_FIELDS = tuple(f.name for f in schema.SEIZURE_FIELDS if f.dtype == "float64")
DATE_FIELDS = tuple(f.name for f in schema.SEIZURE_FIELDS if f.dtype == "datetime64[ns]")
CSV_SUFFIXES = (".csv", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")


def read_seizures(path) -> pd.DataFrame:
    """Seizures from a CSV file (UTF-8, comma, semicolon or tab separated) or a Parquet file.

    Raises a ValueError naming the problem when the file is missing, empty, not UTF-8 text, not
    CSV or Parquet, or lacks a mandatory CEN column.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise ValueError(f"cannot read {name}: file not found")
    if path.is_dir():
        raise ValueError(f"cannot read {name}: it is a folder, not a file")
    with open(path, "rb") as f:
        head = f.read(65536)
    if not head:
        raise ValueError(f"cannot read {name}: the file is empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(
            f"cannot read {name}: it is a spreadsheet workbook; save it as 'CSV UTF-8' first"
        )
    if head.startswith(b"PAR1"):
        table = _read_parquet(path, name)
    elif name.lower().endswith(CSV_SUFFIXES):
        table = _read_csv(path, name, head)
    elif name.lower().endswith(PARQUET_SUFFIXES):
        raise ValueError(f"cannot read {name}: not a readable Parquet file")
    else:
        raise ValueError(
            f"cannot read {name}: not a CSV or Parquet file (the name should end in .csv or .parquet)"
        )
    if table.num_rows == 0:
        raise ValueError(f"cannot read {name}: the file has column names but no seizure rows")
    return pd.DataFrame({c: _column(c, table.column(c)) for c in table.column_names})


def _check_columns(names: list[str], name: str) -> None:
    missing = [c for c in schema.mandatory() if c not in names]
    if missing:
        raise ValueError(
            f"cannot read {name}: missing columns {', '.join(missing)} "
            "(a seizure file needs the CEN field names as column names)"
        )


def _read_csv(path: Path, name: str, head: bytes) -> pa.Table:
    """The CSV as an Arrow table with every CEN field as text, to be typed by ``_column``."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise ValueError(_not_utf8(name)) from None
    text = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    delimiter = max([",", ";", "\t"], key=text.count)
    names = [c.strip() for c in next(csv.reader([text], delimiter=delimiter))]
    _check_columns(names, name)
    types = {c: pa.string() for c in schema.columns() if c in names}
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf-8" in str(exc).lower():
            raise ValueError(_not_utf8(name)) from None
        detail = str(exc).splitlines()[0]
        raise ValueError(f"cannot read {name}: not a readable CSV file ({detail})") from None


def _not_utf8(name: str) -> str:
    return (
        f"cannot read {name}: the file is not UTF-8 text (in a spreadsheet, save it as 'CSV UTF-8')"
    )


def _read_parquet(path: Path, name: str) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError):
        raise ValueError(f"cannot read {name}: not a readable Parquet file") from None
    _check_columns(table.column_names, name)
    return table


def _column(name: str, col: pa.ChunkedArray):
    """One column typed like ``make_seizures`` output, or left as text where that would guess."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    text = pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    if name in DATE_FIELDS and (pa.types.is_date(col.type) or pa.types.is_timestamp(col.type)):
        return pd.DatetimeIndex(col.cast(pa.timestamp("ns")).to_pandas())
    if name in DATE_FIELDS and pa.types.is_null(col.type):  # an empty column, as Parquet keeps it
        return pd.DatetimeIndex(np.full(len(col), np.datetime64("NaT"), "M8[ns]"))
    if name not in schema.columns() or not text:
        return col.to_pandas()
    if name in ID_FIELDS:
        return pd.arrays.ArrowStringArray(col.cast(pa.large_string()))
    if name in NUMBER_FIELDS:
        try:
            return pc.cast(col, pa.float64()).to_numpy()
        except pa.ArrowInvalid:
            return pd.arrays.ArrowStringArray(col.cast(pa.large_string()))
    values = pd.Categorical(col.dictionary_encode().to_pandas())
    if name in DATE_FIELDS:
        dates = iso_dates(values.categories)
        if dates.isna().any():  # some text is not an ISO date: keep the text for the validator
            return pd.arrays.ArrowStringArray(col.cast(pa.large_string()))
        return pd.DatetimeIndex(dates.take(values.codes, allow_fill=True)).as_unit("ns")
    if name == "ecommerce":
        flags = [FILE_BOOLEANS.get(str(v).strip().casefold()) for v in values.categories]
        if None not in flags:
            out = pd.array(np.array(flags + [None], dtype=object)[values.codes], dtype="boolean")
            return out if out.isna().any() else out.astype(bool)
    return values
