"""What to send: validate the CEN records, hold back those with an error, compare with what was
sent before, and keep only the new and changed records. Pure: nothing is read or written here.

Record hashes mix in the schema version, so a new version sends each record again, as an update.
Batch ids derive from the records, so a receiver can recognise a batch it has already seen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from cenlab import schema
from cenlab.files.read import ID_FIELDS, NUMBER_FIELDS
from cenlab.quality.report import validate
from cenlab.reference import cen_mapping as cm
from cenlab.transfer.extract import CEN_FIELDS, day_values, strip_personal
from cenlab.transfer.mapping import map_to_cen, recode

REJECT_COLUMNS = ["seizure_id", "row", "field", "rule", "dimension", "message"]


@cache
def salt(version: str) -> np.uint64:
    """Mixed into every record hash, so a new schema version sends each record again."""
    return np.uint64(int(hashlib.sha256(version.encode()).hexdigest()[:16], 16))


@dataclass
class Submission:
    """One run, in memory: what goes, what is held back and why, the state once it has gone."""

    batch: pd.DataFrame
    rejects: pd.DataFrame
    state: dict
    counts: dict
    batch_id: str | None
    sequence: int


def to_cen(extract) -> pd.DataFrame:
    """What CEN would receive for ``extract``, before validation: no personal data, CEN codes."""
    return map_to_cen(strip_personal(extract))


def new_state() -> dict:
    return {
        "format": "cenlab transfer state",
        "schema_version": schema.SCHEMA_VERSION,
        "batches": [],
        "sent": {},
    }


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
    h = pd.util.hash_pandas_object(ok, index=False).to_numpy() ^ salt(schema.SCHEMA_VERSION)
    digest = np.frombuffer(h.astype(">u8").tobytes().hex().encode(), "S16").astype(str)
    digest, ids, sent = digest.astype(object), ok["seizure_id"].to_numpy(object), state["sent"]
    at = pd.Index(list(sent), dtype=object).get_indexer(ids) if sent else np.full(len(ids), -1)
    same = np.array([*sent.values(), None], dtype=object)[at] == digest
    status = np.where(at < 0, 0, np.where(same, 2, 1))  # new, update, unchanged
    go = status < 2
    batch = (ok if go.all() else ok[go].reset_index(drop=True)).assign(
        record_status=pd.Categorical.from_codes(status[go], categories=["new", "update"]),
        record_hash=pd.array(digest[go], dtype=object),
    )
    sequence, batch_id, after = len(state["batches"]) + 1, None, state
    if go.any():
        previous = state["batches"][-1] if state["batches"] else ""
        key = f"{schema.SCHEMA_VERSION}|{sequence}|{previous}|".encode()
        batch_id = hashlib.sha256(key + np.sort(h[go]).astype("<u8").tobytes()).hexdigest()
        after = {
            **state,
            "schema_version": schema.SCHEMA_VERSION,
            "batches": [*state["batches"], batch_id],
            "sent": sent | dict(zip(ids[go], digest[go])),
        }
    rejects = errors.assign(seizure_id=cen["seizure_id"].to_numpy()[row])[REJECT_COLUMNS]
    counts = {
        "in_extract": len(cen),
        "new": int((status == 0).sum()),
        "updates": int((status == 1).sum()),
        "unchanged": int((~go).sum()),
        "rejected": int(bad.sum()),
        "warnings": int((found["severity"] == "warning").sum()),
    }
    rejects = rejects.sort_values("row", kind="stable").reset_index(drop=True)
    return Submission(batch, rejects, after, counts, batch_id, sequence)


def _value_findings(cen: pd.DataFrame) -> pd.DataFrame:
    """value_usd is optional, so the quality rules let text there pass; CEN cannot take it."""
    value = cen["value_usd"]
    rows = np.flatnonzero(value.notna() & pd.to_numeric(value, errors="coerce").isna())
    message = [
        f"value_usd '{v}' is not a number: type digits only, with a point for decimals."
        for v in value.iloc[rows]
    ]
    return pd.DataFrame(
        {
            "row": rows,
            "field": "value_usd",
            "rule": "value_number",
            "dimension": "validity",
            "severity": "error",
            "message": message,
        }
    )


def _typed(ok: pd.DataFrame) -> pd.DataFrame:
    """Valid records in the types CEN receives (a file may have left some columns as text)."""
    out, fix = ok.reset_index(drop=True), {}
    kind = out.dtypes
    if kind["seizure_date"] != "datetime64[ns]":
        fix["seizure_date"] = day_values(out["seizure_date"])
    for name in [n for n in NUMBER_FIELDS if kind[n] != "float64"]:
        fix[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    if kind["ecommerce"] != "boolean":
        fix["ecommerce"] = pd.array(
            np.asarray(recode(out["ecommerce"], cm.BOOLEANS), object), "boolean"
        )
    coded = [n for n in CEN_FIELDS if n not in fix and n not in ID_FIELDS]
    for name in [n for n in coded if kind[n] == np.dtype(object)]:
        fix[name] = out[name].astype("category")
    for name in [n for n in ID_FIELDS if not pd.api.types.is_string_dtype(kind[n])]:
        fix[name] = out[name].astype("str")  # ids typed as numbers: as text, like a file's
    return out.assign(**fix) if fix else out
