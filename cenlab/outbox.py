"""The transfer's outbox on disk: batch folders, the rejects and the state file.

Exactly once: a batch folder (CSV, JSON and a manifest) appears whole, written aside and then
renamed, before the state file is replaced, and every file is written whole or not at all. A run
interrupted between the two leaves a batch the state does not list; ``adopt`` counts it as sent
before the next comparison, so no record goes out twice. One transfer writes to an outbox at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from cenlab import schema

if TYPE_CHECKING:
    from cenlab.transfer import Submission

CHUNK, S = 100_000, pa.large_string()


def commit_state(path: Path, state: dict) -> None:
    """The state as JSON, its id -> hash object (a million entries long) joined by Arrow."""
    sent = state["sent"]
    pairs = [_quoted(arrow_text(list(v))) for v in (sent, sent.values())]
    body = pc.binary_join(
        _one_list(pc.binary_join_element_wise(*pairs, arrow_str(":"))), arrow_str(",")
    )
    head = json.dumps({k: v for k, v in state.items() if k != "sent"})[:-1] + ', "sent": {'
    atomic_write(path, head.encode() + body[0].as_buffer().to_pybytes() + b"}}\n")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=".cenlab-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def locked(outbox: Path):
    """One transfer at a time per outbox; the lock goes with the process holding it."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(outbox / ".lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ValueError(f"another transfer is writing to {str(outbox)!r}") from None
        yield


def adopt(outbox: Path, state: dict) -> dict:
    """``state`` plus the batches in ``outbox`` it does not list (left by an interrupted run)."""
    pending = []
    for path in outbox.glob("batch-*/manifest.json"):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if manifest["batch_id"] not in state["batches"]:
                done = pd.read_csv(path.parent / "seizures.csv", dtype=str, keep_default_na=False,
                                   usecols=["seizure_id", "record_hash"])  # fmt: skip
                pending.append((int(manifest["sequence"]), manifest["batch_id"], done))
        except (OSError, ValueError, KeyError, TypeError):
            raise ValueError(f"cannot read batch {str(path.parent)!r}") from None
    for _, batch_id, done in sorted(pending, key=lambda p: p[:2]):
        sent = state["sent"] | dict(zip(done["seizure_id"], done["record_hash"]))
        state = {**state, "batches": [*state["batches"], batch_id], "sent": sent}
    return state


def write_batch(outbox: Path, sub: Submission, now) -> Path:
    """seizures.csv, seizures.json and manifest.json, written aside and renamed into place."""
    final = outbox / f"batch-{sub.sequence:06d}-{sub.batch_id[:12]}"
    tmp, b = Path(tempfile.mkdtemp(prefix=".cenlab-", dir=outbox)), sub.batch
    try:
        arrays = {name: _arrow(b[name]) for name in b.columns}
        table = pa.table({name: a.dictionary_decode() if pa.types.is_dictionary(a.type) else a
                          for name, a in arrays.items()})  # fmt: skip
        jobs = [(pa_csv.write_csv, table, tmp / "seizures.csv"),
                (_write_json, arrays, tmp / "seizures.json")]  # fmt: skip
        if len(b) > CHUNK:  # Arrow frees the GIL: write both files at once
            with ThreadPoolExecutor(2) as pool:
                [job.result() for job in [pool.submit(*j) for j in jobs]]
        else:
            [write(*args) for write, *args in jobs]
        days = b["seizure_date"]
        manifest = {
            "batch_id": sub.batch_id, "sequence": sub.sequence,
            "previous_batch": sub.state["batches"][-2] if sub.sequence > 1 else None,
            "created": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
            "schema_version": schema.SCHEMA_VERSION, "records": len(b), "counts": sub.counts,
            "seizure_date": {"min": f"{days.min():%Y-%m-%d}", "max": f"{days.max():%Y-%m-%d}"},
            "reporting_countries": sorted(map(str, pd.unique(b["reporting_country"]))),
            "fields": list(b.columns),
            "files": {n: {"sha256": _sha256(tmp / n), "bytes": (tmp / n).stat().st_size}
                      for n in ["seizures.csv", "seizures.json"]},
        }  # fmt: skip
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        tmp.chmod(0o755)  # readable by the service that uploads the outbox
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _arrow(col: pd.Series) -> pa.Array:
    """A column in Arrow, its dates as days."""
    values = pa.array(col, from_pandas=True)
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return values.cast(pa.date32()) if pa.types.is_timestamp(values.type) else values


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# --- JSON, a column at a time ----------------------------------------------------------------


def _write_json(arrays: dict, path: Path) -> None:
    """``{"columns": [...], "data": [[...], ...]}``, as ``pd.read_json(path, orient="split")``
    reads it: rows joined by Arrow in chunks, each distinct code made JSON once."""
    columns, n = [_json_column(a) for a in arrays.values()], len(next(iter(arrays.values())))
    with open(path, "wb") as f:
        f.write(f'{{"columns": {json.dumps(list(arrays))}, "data": ['.encode())
        for start in range(0, n, CHUNK):
            parts = [pc.fill_null(text(slice(start, start + CHUNK)), "null") for text in columns]
            parts[0] = pc.binary_join_element_wise(arrow_str(",\n["), parts[0], arrow_str(""))
            parts[-1] = pc.binary_join_element_wise(parts[-1], arrow_str("]"), arrow_str(""))
            line = pc.binary_join_element_wise(*parts, arrow_str(","))
            offsets = np.frombuffer(line.buffers()[1], np.int64)[line.offset :][[0, len(line)]]
            first = offsets[0] + (start == 0)  # the very first row takes no comma
            f.write(memoryview(line.buffers()[2])[first : offsets[1]])
        f.write(b"\n]}\n")


def _json_column(values: pa.Array):
    """rows -> JSON text of a column (null where missing)."""
    if pa.types.is_dictionary(values.type):
        text, codes = _quoted(values.dictionary.cast(S)), values.indices
        return lambda rows: text.take(codes[rows])
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return lambda rows: _quoted(values[rows].cast(S))
    if pa.types.is_date(values.type):
        return lambda rows: _quoted(values[rows].cast(pa.string()).cast(S))
    return lambda rows: values[rows].cast(S)  # numbers and true/false


def _quoted(text: pa.Array) -> pa.Array:
    """JSON strings: escaped and in double quotes."""
    if pc.any(pc.match_substring_regex(text, r'["\\\x00-\x1f]')).as_py():
        text = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
        for c in range(32):
            text = pc.replace_substring(text, chr(c), f"\\u{c:04x}")
    return pc.binary_join_element_wise(arrow_str('"'), text, arrow_str('"'), arrow_str(""))


def _one_list(values: pa.Array) -> pa.Array:
    return pa.LargeListArray.from_arrays(pa.array([0, len(values)], pa.int64()), values)


# --- Arrow text, shared with the transfer ----------------------------------------------------


def arrow_text(values) -> pa.Array:
    """Values as one Arrow large-string array (numbers among text as Python writes them)."""
    try:
        text = pa.array(values, S, from_pandas=True).cast(S)
        return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers among the text: as Python writes them
        return pa.array([None if pd.isna(v) else str(v) for v in values], S)


def arrow_str(text: str) -> pa.Scalar:
    return pa.scalar(text, S)
