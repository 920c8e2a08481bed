"""nCEN -> CEN: the automated transfer of the non-personal part of each seizure record.

In order: keep the CEN seizure fields only (a list of what may go, so personal data and national
extra columns stay behind) and add non-personal aggregates of the nominal layer; map national
codes and units to CEN's (``reference/cen_mapping.py``); validate each record with the quality
rules and hold back those with an error in ``rejects.csv``, with the reasons; compare with the
state file and send only new and changed records, as one outbox batch: CSV, JSON and a manifest.

Exactly once: ``cenlab.outbox`` writes each batch whole before the state file, and adopts a
batch an interrupted run left behind as sent, so no record goes out twice. Batch ids derive from
the records, so a receiver can also recognise a batch it has already seen. Records absent from a
later extract are not deleted in CEN: an extract may cover only recent cases.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pycountry

from cenlab import io, schema
from cenlab.nominal import NCENExtract
from cenlab.outbox import S, adopt, arrow_str, arrow_text, atomic_write, locked, write_batch
from cenlab.outbox import commit_state as _commit_state  # a name tests replace to cut a run short
from cenlab.output import writable_folder
from cenlab.quality import validate
from cenlab.reference import cen_mapping as cm

CEN_FIELDS = schema.columns("seizures")
AGGREGATES = {"persons_involved": "Int64", "persons_by_nationality": "category",
              "persons_by_age_band": "category", "persons_by_gender": "category",
              "company_involved": "boolean"}  # fmt: skip
NOMINAL = {
    "persons": ["case_id", "date_of_birth", "gender", "nationality"],
    "companies": ["case_id"],
}
REJECT_COLUMNS = ["seizure_id", "row", "field", "rule", "dimension", "message"]
STATE_FILE, REJECTS_FILE = "state.json", "rejects.csv"
# Mixed into every record hash: a new schema version sends each record again, as an update.
SALT = np.uint64(int(hashlib.sha256(schema.SCHEMA_VERSION.encode()).hexdigest()[:16], 16))


@dataclass
class Submission:
    """One run, in memory: what goes, what is held back and why, the state once it has gone."""

    batch: pd.DataFrame
    rejects: pd.DataFrame
    state: dict
    counts: dict
    batch_id: str | None
    sequence: int


@dataclass
class TransferResult:
    batch_dir: Path | None
    rejects_path: Path
    state_path: Path
    counts: dict

    def summary(self) -> str:
        c = self.counts
        where = f"in {self.batch_dir}" if self.batch_dir else "nothing new, so no batch"
        return (f"Sent {c['new']:,} new and {c['updates']:,} updated records ({where}); "
                f"{c['unchanged']:,} unchanged, already in CEN; {c['rejected']:,} held back "
                f"with the reasons -> {self.rejects_path}")  # fmt: skip


# --- the extract -----------------------------------------------------------------------------


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
    seizures = io.read_seizures(found["seizures"])
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


def _extract(source) -> NCENExtract:
    """A folder, a seizure frame or an NCENExtract, checked for the columns the transfer needs."""
    if isinstance(source, (str, os.PathLike)):
        source = read_extract(source)
    x = NCENExtract(source, None, None, None) if isinstance(source, pd.DataFrame) else source
    _require(x.seizures.columns, schema.mandatory(), "the seizures table")
    for name, needed in NOMINAL.items():
        if getattr(x, name) is not None:
            _require(getattr(x, name).columns, needed, f"the {name} table")
    return x


# --- personal -> non-personal ----------------------------------------------------------------


def strip_personal(extract) -> pd.DataFrame:
    """The CEN seizure fields as recorded, plus non-personal aggregates of the nominal layer.

    Aggregates are per case, on each of its seizures: ``persons_involved``, their nationalities,
    age bands on the seizure date and genders as counts (``"DE:2;NG:1"``), and whether a company
    was involved. A nominal table missing from the extract leaves its aggregates empty, not zero.
    """
    x = _extract(extract)
    out = x.seizures.reset_index(drop=True).reindex(columns=CEN_FIELDS)
    case, cases = pd.factorize(out["case_id"])
    per_case = _case_aggregates(_dates(out["seizure_date"]), case, arrow_text(cases), x)
    return out.assign(**{
        name: pd.array(per_case.get(name, [pd.NA] * len(cases)), dtype).take(case, allow_fill=True)
        for name, dtype in AGGREGATES.items()})  # fmt: skip


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
    for name, table, other in [("nationality", _lookup("reporting_country"), "XX"),
                               ("gender", cm.GENDERS, "unknown")]:  # fmt: skip
        key = _recode(p[name], table, other=other)
        labels = sorted({*key.categories, other})
        code = np.append(pd.Index(labels).get_indexer(key.categories), labels.index(other))
        agg[f"persons_by_{name}"] = _counts(at, code[key.codes], labels, n)
    first = np.full(n, np.datetime64("NaT"), "M8[ns]")
    np.fmin.at(first, case[case >= 0], dates[case >= 0])  # the case's first seizure date
    age = (_yyyymmdd(first[at]) - _yyyymmdd(_dates(p["date_of_birth"]))) // 10000
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


def _dates(col) -> np.ndarray:
    """Dates as datetime64[ns] days; NaT where empty or not written YYYY-MM-DD."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return pd.DatetimeIndex(col).as_unit("ns").normalize().to_numpy()
    codes, uniques = pd.factorize(col)
    days = io.iso_dates(np.asarray(uniques, dtype=object)).as_unit("ns").to_numpy()
    return np.append(days, np.datetime64("NaT", "ns"))[codes]


# --- national -> CEN codes -------------------------------------------------------------------


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


@cache
def _lookup(field: str) -> dict:
    table = {_norm(c): c for c in schema.field(field).accepted() or ()}
    if schema.field(field).codes == "country":
        table |= {_norm(c.alpha_3): c.alpha_2 for c in pycountry.countries}
    return table | {_norm(k): v for k, v in cm.CODES.get(field, {}).items()}


def _recode(col, table: dict, *, other=None) -> pd.Categorical:
    """Each distinct value through ``table``; one without a match stays as it is (or becomes
    ``other``), for validation to name. Empty stays empty."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, uniques = col.cat.codes.to_numpy(), list(col.cat.categories)
    else:
        codes, uniques = pd.factorize(col)
    new = [table.get(_norm(u), u if other is None else other) for u in uniques]
    if isinstance(col.dtype, pd.CategoricalDtype) and new == uniques:
        return col.array  # already CEN's codes
    at, cats = pd.factorize(np.array(new, dtype=object))
    return pd.Categorical.from_codes(np.append(at, -1)[codes], categories=cats)


def map_to_cen(frame: pd.DataFrame) -> pd.DataFrame:
    """National codes, spellings and units replaced by CEN's ("IMP" to Import, DEU to DE, grams
    to kg, ...). A value with no mapping is left as it was, for validation to name."""
    out = {field: _recode(frame[field], _lookup(field)) for field in cm.CODES}
    u_code, units = pd.factorize(frame["unit"])
    c_code, comms = pd.factorize(out["commodity"])
    units, comms = [*units, None], [*comms, None]  # code -1 (empty) picks the None
    width = len(comms)
    pair, keys = pd.factorize(u_code % len(units) * width + c_code % width)
    cen = [_cen_unit(units[k // width], comms[k % width]) for k in keys]
    out["unit"] = pd.Categorical(np.array([u for u, _ in cen], dtype=object)[pair])
    factor = np.array([f for _, f in cen])[pair]
    qty = pd.to_numeric(frame["quantity"], errors="coerce").to_numpy(float, na_value=np.nan)
    qty = np.where(factor != 1.0, np.round(qty * factor, 9), qty)
    text = not pd.api.types.is_numeric_dtype(frame["quantity"])  # keep what is not a number
    out["quantity"] = (
        np.where(np.isnan(qty), frame["quantity"].astype(object), qty) if text else qty
    )
    if not pd.api.types.is_bool_dtype(frame["ecommerce"]):
        flag = _recode(frame["ecommerce"], cm.BOOLEANS)
        known = set(flag.categories) <= {True, False}
        out["ecommerce"] = pd.array(np.asarray(flag, dtype=object), "boolean") if known else flag
    return frame.assign(**out)


def _cen_unit(unit, commodity) -> tuple:
    if unit is None:
        return None, 1.0
    key = _norm(unit)
    return cm.PACKAGING.get((key, commodity)) or cm.UNITS.get(key) or (unit, 1.0)


def to_cen(extract) -> pd.DataFrame:
    """What CEN would receive for ``extract``, before validation: no personal data, CEN codes."""
    return map_to_cen(strip_personal(extract))


# --- what to send ----------------------------------------------------------------------------


def new_state() -> dict:
    return {"format": "cenlab transfer state", "schema_version": schema.SCHEMA_VERSION,
            "batches": [], "sent": {}}  # fmt: skip


def build_submission(extract, state: dict | None = None, *, as_of=None) -> Submission:
    """Validate ``extract`` as CEN records and compare them with ``state`` (what was sent): the
    batch of new and changed records, the rejects with their reasons, the state once sent.
    Pure: nothing is read or written. ``as_of`` is the day of the check (default today)."""
    state = state or new_state()
    cen = to_cen(extract)
    found = validate(cen, as_of=as_of).to_frame()  # the rules read the CEN fields only
    errors = found[found["severity"] == "error"]
    if not pd.api.types.is_numeric_dtype(cen["value_usd"]):
        errors = pd.concat([errors, _value_findings(cen)])
    row = errors["row"].to_numpy(dtype=np.int64)
    bad = np.bincount(row, minlength=len(cen)) > 0
    ok = _typed(cen[~bad] if bad.any() else cen)
    h = pd.util.hash_pandas_object(ok, index=False).to_numpy() ^ SALT
    digest = np.frombuffer(h.astype(">u8").tobytes().hex().encode(), "S16").astype(str)
    digest, ids, sent = digest.astype(object), ok["seizure_id"].to_numpy(object), state["sent"]
    at = pd.Index(list(sent), dtype=object).get_indexer(ids) if sent else np.full(len(ids), -1)
    same = np.array([*sent.values(), None], dtype=object)[at] == digest
    status = np.where(at < 0, 0, np.where(same, 2, 1))  # new, update, unchanged
    go = status < 2
    batch = (ok if go.all() else ok[go].reset_index(drop=True)).assign(
        record_status=pd.Categorical.from_codes(status[go], categories=["new", "update"]),
        record_hash=pd.array(digest[go], dtype=object))  # fmt: skip
    sequence, batch_id, after = len(state["batches"]) + 1, None, state
    if go.any():
        previous = state["batches"][-1] if state["batches"] else ""
        key = f"{schema.SCHEMA_VERSION}|{sequence}|{previous}|".encode()
        batch_id = hashlib.sha256(key + np.sort(h[go]).astype("<u8").tobytes()).hexdigest()
        after = {**state, "schema_version": schema.SCHEMA_VERSION,
                 "batches": [*state["batches"], batch_id],
                 "sent": sent | dict(zip(ids[go], digest[go]))}  # fmt: skip
    rejects = errors.assign(seizure_id=cen["seizure_id"].to_numpy()[row])[REJECT_COLUMNS]
    counts = {"in_extract": len(cen), "new": int((status == 0).sum()),
              "updates": int((status == 1).sum()), "unchanged": int((~go).sum()),
              "rejected": int(bad.sum()),
              "warnings": int((found["severity"] == "warning").sum())}  # fmt: skip
    rejects = rejects.sort_values("row", kind="stable").reset_index(drop=True)
    return Submission(batch, rejects, after, counts, batch_id, sequence)


def _value_findings(cen: pd.DataFrame) -> pd.DataFrame:
    """value_usd is optional, so the quality rules let text there pass; CEN cannot take it."""
    value = cen["value_usd"]
    rows = np.flatnonzero(value.notna() & pd.to_numeric(value, errors="coerce").isna())
    message = [f"value_usd '{v}' is not a number: type digits only, with a point for decimals."
               for v in value.iloc[rows]]  # fmt: skip
    return pd.DataFrame({"row": rows, "field": "value_usd", "rule": "value_number",
                         "dimension": "validity", "severity": "error",
                         "message": message})  # fmt: skip


def _typed(ok: pd.DataFrame) -> pd.DataFrame:
    """Valid records in the types CEN receives (a file may have left some columns as text)."""
    out, fix = ok.reset_index(drop=True), {}
    kind = out.dtypes
    if kind["seizure_date"] != "datetime64[ns]":
        fix["seizure_date"] = _dates(out["seizure_date"])
    for name in [n for n in ("quantity", "value_usd") if kind[n] != "float64"]:
        fix[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    if kind["ecommerce"] != "boolean":
        fix["ecommerce"] = pd.array(np.asarray(_recode(out["ecommerce"], cm.BOOLEANS), object),
                                    "boolean")  # fmt: skip
    for name in [n for n in CEN_FIELDS[3:] if n not in fix and kind[n] == np.dtype(object)]:
        fix[name] = out[name].astype("category")
    for name in [n for n in CEN_FIELDS[:2] if not pd.api.types.is_string_dtype(kind[n])]:
        fix[name] = out[name].astype("str")  # ids typed as numbers: as text, like a file's
    return out.assign(**fix) if fix else out


# --- sending ---------------------------------------------------------------------------------


def transfer(source, outbox, *, state_path=None, as_of=None, now=None) -> TransferResult:
    """Send what is new or changed in ``source`` (a folder or an extract) to ``outbox``.

    Writes at most one batch folder, ``rejects.csv`` (the records held back this run, with the
    reasons) and the state file (default ``outbox/state.json``). ``as_of`` is the day of the
    check (default today), ``now`` the time written in the manifest (default now). Bad input
    raises a ValueError before anything is written.
    """
    x = _extract(source)
    if as_of is not None and pd.isna(pd.to_datetime(as_of, format="ISO8601", errors="coerce")):
        raise ValueError(f"the day of the check must be a date like 2025-12-31, got {as_of!r}")
    outbox = writable_folder(outbox)
    state_path = Path(state_path) if state_path else outbox / STATE_FILE
    state = load_state(state_path)
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        state_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create {exc.filename}: {exc.strerror}") from None
    with locked(outbox):
        sub = build_submission(x, adopt(outbox, state), as_of=as_of)
        batch_dir = write_batch(outbox, sub, now) if sub.batch_id else None
        atomic_write(outbox / REJECTS_FILE, sub.rejects.to_csv(index=False).encode())
        if sub.state is not state or not state_path.exists():  # unchanged: leave it be
            _commit_state(state_path, sub.state)
    return TransferResult(batch_dir, outbox / REJECTS_FILE, state_path, sub.counts)


def load_state(path) -> dict:
    """The state file (what was sent, record by record), or a new state if there is none."""
    path = Path(path)
    if not path.exists():
        return new_state()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not valid JSON"
        raise ValueError(f"cannot read state file {str(path)!r}: {reason}") from None
    if not (isinstance(state, dict) and isinstance(state.get("batches"), list)
            and isinstance(state.get("sent"), dict)
            and all(isinstance(v, str) for v in state["sent"].values())):  # fmt: skip
        raise ValueError(f"state file {str(path)!r} is not a cenlab transfer state")
    return state
