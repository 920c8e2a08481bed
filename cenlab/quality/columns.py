"""``Columns``: a seizure frame read once per column in the forms the quality rules need.

A frame may come from ``make_seizures`` (typed columns) or from a file, where a column may still
hold the text typed (a date written 04/03/2025): each column is coded, turned into numbers or
dates once, cached, and shared by every rule that reads it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cenlab import schema
from cenlab.files.dates import date_readings, iso_dates
from cenlab.files.read import ID_FIELDS

# Fields a repeated record may differ in: its ids, and the day CEN received each copy.
NOT_COMPARED = (*ID_FIELDS, "reported_date")


class Columns:
    """The columns of a seizure frame, each read once in the forms the rules need."""

    def __init__(self, df: pd.DataFrame, *, as_of: pd.Timestamp, cutoff: pd.Timestamp | None):
        self.df, self.n, self.as_of, self.cutoff = df, len(df), as_of, cutoff
        self._cache: dict = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def coded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes per row (-1 where empty) and the distinct values as text."""

        def make():
            s = self.df[name]
            if isinstance(s.dtype, pd.CategoricalDtype):
                codes, uniques = s.cat.codes.to_numpy().astype(np.int64), s.cat.categories
            else:
                codes, uniques = pd.factorize(s)
            cats = np.array([str(v) for v in uniques], dtype=object)
            blank = np.array([not c.strip() for c in cats] + [True])
            return np.where(blank[codes], -1, codes), cats

        return self._once(("coded", name), make)

    def per_value(self, name: str, fn) -> np.ndarray:
        """``fn`` applied to each distinct value of ``name``, spread over the rows."""
        codes, cats = self.coded(name)
        return np.array([fn(c) for c in cats] + [""], dtype=object)[codes]

    def text(self, name: str) -> np.ndarray:
        """The values of a coded field as text ("" where empty)."""
        codes, cats = self.coded(name)
        return np.append(cats, "")[codes]

    def lookup(self, name: str, values: list, mapped: list | None = None) -> np.ndarray:
        """Per row, the index of its value in ``values`` (or ``mapped`` at that index); -1 when
        the value is empty or not in ``values``."""
        codes, cats = self.coded(name)
        idx = pd.Index(values).get_indexer(cats)
        if mapped is not None:
            idx = np.where(idx >= 0, np.append(mapped, -1)[idx], -1)
        return np.append(idx, -1)[codes]

    def accepted(self, name: str):
        """The code list of ``name``; for ``ecommerce`` True/False unless it is a bool column."""
        if name == "ecommerce":
            is_bool = pd.api.types.is_bool_dtype(self.df[name])
            return None if is_bool else frozenset({"True", "False"})
        return schema.field(name).accepted()

    def not_in(self, name: str, accepted) -> np.ndarray:
        """Rows whose value is filled in but not in ``accepted``."""
        codes, cats = self.coded(name)
        return np.append(~np.isin(cats, list(accepted)), False)[codes]

    def missing(self, name: str) -> np.ndarray:
        s = self.df[name]
        kind = s.dtype.kind if not isinstance(s.dtype, pd.CategoricalDtype) else "O"
        if name in ID_FIELDS:  # many distinct values: stay in Arrow
            arr = pa.array(s.astype("string[pyarrow]"))
            blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0)
            return np.asarray(blank.fill_null(True), dtype=bool)
        if kind in "fiubM" or pd.api.types.is_bool_dtype(s):
            return s.isna().to_numpy()
        return self.coded(name)[0] < 0

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Values as floats (NaN when empty or not a number) and where text is not a number."""

        def make():
            s = self.df[name]
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                return s.to_numpy(dtype=float, na_value=np.nan), np.zeros(self.n, dtype=bool)
            codes, cats = self.coded(name)
            num = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce").to_numpy(float)
            return np.append(num, np.nan)[codes], np.append(np.isnan(num), False)[codes]

        return self._once(("numbers", name), make)

    def has(self, name: str) -> bool:
        """Whether the frame has the column (optional fields may be absent from older files)."""
        return name in self.df.columns

    def dates(self, name: str = "seizure_date") -> pd.DatetimeIndex:
        """A date column as days; NaT where empty or not written as YYYY-MM-DD."""

        def make():
            s = self.df[name]
            if pd.api.types.is_datetime64_any_dtype(s):
                return pd.DatetimeIndex(s.dt.tz_localize(None) if s.dt.tz else s).normalize()
            codes, cats = self.coded(name)
            return iso_dates(cats).take(codes, allow_fill=True)

        return self._once(("dates", name), make)

    def bad_dates(self, name: str = "seizure_date") -> tuple[np.ndarray, np.ndarray]:
        """Rows whose date is text but not a YYYY-MM-DD date, and how each could be read."""
        if pd.api.types.is_datetime64_any_dtype(self.df[name]):
            return np.zeros(self.n, dtype=bool), np.full(self.n, "", dtype=object)
        codes, cats = self.coded(name)
        bad = np.append(iso_dates(cats).isna(), False)
        readings = np.full(len(cats) + 1, "", dtype=object)
        idx = np.flatnonzero(bad[:-1])  # distinct bad texts only
        readings[idx] = [_reading(r) for r in date_readings(cats[idx])]
        return bad[codes], readings[codes]

    def id_duplicates(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose seizure id appeared on an earlier row, and that earlier row."""

        def make():
            ids = pa.array(self.df["seizure_id"].astype("string[pyarrow]"))
            order = np.asarray(pc.sort_indices(ids))
            ordered = ids.take(pa.array(order))
            same = np.asarray(pc.equal(ordered[1:], ordered[:-1]).fill_null(False), dtype=bool)
            return self._repeats(order, same)

        return self._once("id_dup", make)

    def record_duplicates(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows equal to an earlier row in every CEN field but the ids and the report date (the
        day CEN received it), and that earlier row."""

        def make():
            h = np.zeros(self.n, dtype=np.uint64)
            for c in [c for c in schema.columns() if c in self.df and c not in NOT_COMPARED]:
                h = _mix(h + self._keys(c))  # equal records get equal keys; others rarely do
            repeat, first = pd.Series(h).duplicated().to_numpy(), np.zeros(self.n, dtype=np.int64)
            kept = np.flatnonzero(~repeat)
            first[repeat] = kept[pd.Index(h[kept]).get_indexer(h[repeat])]
            return repeat, np.asarray(self.df.index)[first] if self.n else first

        return self._once("record_dup", make)

    def _keys(self, name: str) -> np.ndarray:
        s = self.df[name]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_float_dtype(s):
            return s.to_numpy().view(np.int64).astype(np.uint64)
        if pd.api.types.is_bool_dtype(s) and not s.hasnans:
            return s.to_numpy(dtype=bool).astype(np.uint64)
        return (self.coded(name)[0] + 1).astype(np.uint64)

    def _repeats(self, order: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """From a stable sort and "equal to the previous" flags: repeat mask and first rows."""
        repeat = np.r_[False, same]
        start = np.maximum.accumulate(np.where(repeat, 0, np.arange(self.n)))
        is_rep, first = np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.int64)
        is_rep[order], first[order] = repeat, order[start]
        return is_rep, np.asarray(self.df.index)[first] if self.n else first

    def show(self, name: str, pos: np.ndarray) -> np.ndarray:
        """The values of the flagged rows as text, as a trainee would see them in the table."""
        s = self.df[name].iloc[pos]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%d")
        return s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits so that combined column keys rarely collide."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _reading(dates: list) -> str:
    """How a date written another way could be read, for the message."""

    def day(d):
        return f"{d.day} {d:%B %Y}"

    if len(dates) == 1:
        return f": it reads as {day(dates[0])}, so write {dates[0]:%Y-%m-%d}."
    if dates:
        return f": is it {' or '.join(day(d) for d in dates)}? Check, then write it as YYYY-MM-DD."
    return ": write it as YYYY-MM-DD, for example 2025-03-04."
