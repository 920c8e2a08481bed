"""Dates as officers write them, and dates given as arguments.

``day`` turns a date argument (``start``, ``as_of``, ``cutoff``, ...) into a day or raises one
ValueError that names the argument; every entry point parses its date arguments with it. The
others read date columns: ISO dates only when reading a file (never guess), every format met in
CEN entries when fixing one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cenlab.reference.defects import DATE_FORMATS

ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"


def day(value, what: str) -> pd.Timestamp:
    """``value`` as a day (midnight), or a ValueError naming ``what`` was not a date."""
    try:  # text must be ISO (2025-12-31): 04/03/2025 could be either of two days
        parsed = pd.to_datetime(value, format="ISO8601") if isinstance(value, str) else None
        parsed = pd.Timestamp(value) if parsed is None else parsed
    except (ValueError, TypeError):
        parsed = pd.NaT
    if parsed is pd.NaT:
        raise ValueError(f"{what} must be a date like 2025-12-31, got {value!r}")
    return parsed.normalize()


def iso_dates(values) -> pd.DatetimeIndex:
    """Each text read as a YYYY-MM-DD date (a time after it is allowed); NaT where it is not one."""
    s = pd.Series(np.asarray(values, dtype=object)).astype("string")
    iso = s.where(s.str.match(ISO_DATE, na=False)).str.slice(0, 10)
    return pd.DatetimeIndex(pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce"))


def date_readings(values) -> list[list[pd.Timestamp]]:
    """For each text, every date it can be read as in the formats of ``DATE_FORMATS``: one date
    for "4 March 2025", two for "04/03/2025" (4 March or 3 April), none for "next Tuesday"."""
    s = pd.Series(np.asarray(values, dtype=object)).astype("string").str.strip()
    found = np.column_stack(
        [iso_dates(s).to_numpy()]
        + [pd.to_datetime(s, format=f, errors="coerce").to_numpy() for f in DATE_FORMATS]
    )
    return [sorted({pd.Timestamp(d) for d in row if not np.isnat(d)}) for row in found]


def parse_dates(values, *, dayfirst: bool = True) -> pd.Series:
    """Dates written in any of the formats met in CEN entries, as a date column.

    For fixing a file, not for reading one: 04/03/2025 is read day first (4 March) unless
    ``dayfirst=False``, so check the ambiguous ones the validator points out. Text that is no
    date at all becomes NaT.
    """
    s = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    codes, uniques = pd.factorize(s.astype("string").str.strip())
    formats = [f for f in DATE_FORMATS if dayfirst or f != "%m/%d/%Y"]
    if not dayfirst:
        formats.insert(0, "%m/%d/%Y")
    text = pd.Series(np.asarray(uniques, dtype=object)).astype("string")
    out = pd.Series(iso_dates(text))
    for f in formats:
        out = out.fillna(pd.Series(pd.to_datetime(text, format=f, errors="coerce")))
    dates = pd.DatetimeIndex(out).take(codes, allow_fill=True)
    return pd.Series(dates.as_unit("ns"), index=s.index, name=s.name)
