"""The nCEN extract, and its non-personal part: what may leave the country.

Keep the CEN seizure fields only (a list of what may go, so personal data and national extra
columns stay behind) and add non-personal aggregates of the nominal layer: counts per case, never
a name, a document or an address, which are not even read from the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cenlab import schema
from cenlab.files.dates import iso_dates
from cenlab.files.read import read_seizures
from cenlab.reference import cen_mapping as cm
from cenlab.synth.nominal import NCENExtract
from cenlab.transfer.arrowjson import S, arrow_str, arrow_text
from cenlab.transfer.mapping import lookup, recode

CEN_FIELDS = schema.columns("seizures")
AGGREGATES = {
    "persons_involved": "Int64",
    "persons_by_nationality": "category",
    "persons_by_age_band": "category",
    "persons_by_gender": "category",
    "company_involved": "boolean",
}
NOMINAL = {
    "persons": ["case_id", "date_of_birth", "gender", "nationality"],
    "companies": ["case_id"],
}


def read_extract(folder) -> NCENExtract:
    """seizures.csv, persons.csv and companies.csv (or .parquet) of an extract folder; of the
    nominal tables only the columns the counts need: names, documents and addresses are not
    even read. Both are required, as an extract without them would send every case again with
    no persons; a country that records no companies gives the table with its header only."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"extract folder {str(folder)!r} does not exist")
    found = {p.stem: p for p in [*folder.glob("*.parquet"), *folder.glob("*.csv")]}
    for name in ["seizures", *NOMINAL]:
        if name not in found:
            raise ValueError(f"no {name}.csv in extract folder {str(folder)!r}")
    seizures = read_seizures(found["seizures"])
    nominal = [_read_nominal(found[name], needed) for name, needed in NOMINAL.items()]
    return NCENExtract(seizures, *nominal, None)


def _read_nominal(path: Path, needed: list[str]) -> pd.DataFrame:
    """The ``needed`` columns of a nominal table, or a ValueError naming the file."""
    parquet = path.suffix == ".parquet"

    def read(**kw):
        try:
            if parquet:
                return pq.read_schema(path).names if kw else pd.read_parquet(path, columns=needed)
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], **kw)
        except ValueError as exc:  # also a bad CSV, UTF-8 or Parquet file
            raise ValueError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None

    head = read(nrows=0)
    _require(head if parquet else head.columns, needed, path.name)
    return read() if parquet else read(usecols=needed)


def _require(columns, needed: list[str], what: str) -> None:
    missing = [c for c in needed if c not in columns]
    if missing:
        raise ValueError(f"{what} is missing columns: {', '.join(missing)}")


def as_extract(source) -> NCENExtract:
    """A folder, a seizure frame or an NCENExtract, checked for the columns the transfer needs."""
    if isinstance(source, (str, os.PathLike)):
        source = read_extract(source)
    x = NCENExtract(source, None, None, None) if isinstance(source, pd.DataFrame) else source
    _require(x.seizures.columns, schema.mandatory(), "the seizures table")
    for name, needed in NOMINAL.items():
        if getattr(x, name) is not None:
            _require(getattr(x, name).columns, needed, f"the {name} table")
    return x


def strip_personal(extract) -> pd.DataFrame:
    """The CEN seizure fields as recorded, plus non-personal aggregates of the nominal layer.

    Aggregates are per case, on each of its seizures: ``persons_involved``, their nationalities,
    age bands on the seizure date and genders as counts (``"DE:2;NG:1"``), and whether a company
    was involved. A nominal table missing from the extract leaves its aggregates empty, not zero.
    """
    x = as_extract(extract)
    out = x.seizures.reset_index(drop=True).reindex(columns=CEN_FIELDS)
    case, cases = pd.factorize(out["case_id"])
    per_case = _case_aggregates(day_values(out["seizure_date"]), case, arrow_text(cases), x)
    return out.assign(
        **{
            name: pd.array(per_case.get(name, [pd.NA] * len(cases)), dtype).take(
                case, allow_fill=True
            )
            for name, dtype in AGGREGATES.items()
        }
    )


def _case_aggregates(dates, case: np.ndarray, cases: pa.Array, x) -> dict:
    n, agg = len(cases), {}

    def link(table):  # the case of each row of a nominal table, -1 if not in the seizures
        return np.asarray(pc.index_in(arrow_text(table["case_id"]), cases).fill_null(-1), np.int64)

    if x.companies is not None:
        at = link(x.companies)
        agg["company_involved"] = np.bincount(at[at >= 0], minlength=n) > 0
    if x.persons is None:
        return agg
    at = link(x.persons)
    p, at = x.persons[at >= 0], at[at >= 0]
    agg["persons_involved"] = np.bincount(at, minlength=n)
    # Nationality and gender go as codes only: any other text becomes XX or "unknown".
    for name, table, other in [
        ("nationality", lookup("reporting_country"), "XX"),
        ("gender", cm.GENDERS, "unknown"),
    ]:
        key = recode(p[name], table, other=other)
        labels = sorted({*key.categories, other})
        code = np.append(pd.Index(labels).get_indexer(key.categories), labels.index(other))
        agg[f"persons_by_{name}"] = _counts(at, code[key.codes], labels, n)
    first = np.full(n, np.datetime64("NaT"), "M8[ns]")
    np.fmin.at(first, case[case >= 0], dates[case >= 0])  # the case's first seizure date
    age = (_yyyymmdd(first[at]) - _yyyymmdd(day_values(p["date_of_birth"]))) // 10000
    lows, labels = zip(*cm.AGE_BANDS)
    band = np.searchsorted(lows, np.nan_to_num(age, nan=-1), side="right") - 1
    band = np.where(band < 0, len(labels), band)
    agg["persons_by_age_band"] = _counts(at, band, [*labels, cm.UNKNOWN_AGE], n)
    return agg


def _counts(case: np.ndarray, key: np.ndarray, labels, n: int) -> pd.Categorical:
    """Per case, "label:count" pieces joined by ";", in the order of ``labels``."""
    width = max(len(labels), 1)
    u, count = np.unique(case.astype(np.int64) * width + key, return_counts=True)
    at, k = np.divmod(u, width)
    names = pa.array([str(label) for label in labels], S).take(pa.array(k))
    piece = pc.binary_join_element_wise(names, pc.cast(pa.array(count), S), arrow_str(":"))
    lists = pa.LargeListArray.from_arrays(pa.array(np.searchsorted(at, np.arange(n + 1))), piece)
    text = pc.binary_join(lists, arrow_str(";")).dictionary_encode()
    return pd.Categorical.from_codes(text.indices, text.dictionary.to_numpy(zero_copy_only=False))


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Dates as numbers 20250614 (NaN for NaT): whole years between two are a // 10000."""
    year, month = days.astype("M8[Y]"), days.astype("M8[M]")
    day = (days - month).astype("m8[D]").astype(float) + 1
    number = year.astype(float) * 10000 + 19700000 + (month - year).astype(float) * 100 + 100 + day
    return np.where(np.isnat(days), np.nan, number)


def day_values(col) -> np.ndarray:
    """Dates as datetime64[ns] days; NaT where empty or not written YYYY-MM-DD."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return pd.DatetimeIndex(col).as_unit("ns").normalize().to_numpy()
    codes, uniques = pd.factorize(col)
    days = iso_dates(np.asarray(uniques, dtype=object)).as_unit("ns").to_numpy()
    return np.append(days, np.datetime64("NaT", "ns"))[codes]
