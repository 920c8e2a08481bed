"""The transfer's outbox on disk: batch folders, the rejects and the state file; ``transfer``
runs the whole nCEN -> CEN step.

Exactly once: a batch folder (CSV, JSON and a manifest) appears whole, written aside and then
renamed, before the state file is replaced, and every file is written whole or not at all. A run
interrupted between the two leaves a batch the state does not list; ``adopt`` counts it as sent
before the next comparison, so no record goes out twice. One transfer writes to an outbox at a time.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from cenlab import schema
from cenlab.files.dates import day
from cenlab.files.write import atomic_write, sha256, writable_folder
from cenlab.transfer.arrowjson import CHUNK, arrow_str, arrow_text, one_list, quoted, write_json
from cenlab.transfer.extract import as_extract
from cenlab.transfer.submission import Submission, build_submission, new_state

STATE_FILE, REJECTS_FILE = "state.json", "rejects.csv"


def commit_state(path: Path, state: dict) -> None:
    """The state as JSON, its id -> hash object (a million entries long) joined by Arrow."""
    sent = state["sent"]
    pairs = [quoted(arrow_text(list(v))) for v in (sent, sent.values())]
    body = pc.binary_join(
        one_list(pc.binary_join_element_wise(*pairs, arrow_str(":"))), arrow_str(",")
    )
    head = json.dumps({k: v for k, v in state.items() if k != "sent"})[:-1] + ', "sent": {'
    atomic_write(path, head.encode() + body[0].as_buffer().to_pybytes() + b"}}\n")


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
                done = pd.read_csv(
                    path.parent / "seizures.csv",
                    dtype=str,
                    keep_default_na=False,
                    usecols=["seizure_id", "record_hash"],
                )
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
        table = pa.table(
            {
                name: a.dictionary_decode() if pa.types.is_dictionary(a.type) else a
                for name, a in arrays.items()
            }
        )
        jobs = [
            (pa_csv.write_csv, table, tmp / "seizures.csv"),
            (write_json, arrays, tmp / "seizures.json"),
        ]
        if len(b) > CHUNK:  # Arrow frees the GIL: write both files at once
            with ThreadPoolExecutor(2) as pool:
                [job.result() for job in [pool.submit(*j) for j in jobs]]
        else:
            [write(*args) for write, *args in jobs]
        days = b["seizure_date"]
        manifest = {
            "batch_id": sub.batch_id,
            "sequence": sub.sequence,
            "previous_batch": sub.state["batches"][-2] if sub.sequence > 1 else None,
            "created": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
            "schema_version": schema.SCHEMA_VERSION,
            "records": len(b),
            "counts": sub.counts,
            "seizure_date": {"min": f"{days.min():%Y-%m-%d}", "max": f"{days.max():%Y-%m-%d}"},
            "reporting_countries": sorted(map(str, pd.unique(b["reporting_country"]))),
            "fields": list(b.columns),
            "files": {
                n: {"sha256": sha256(tmp / n), "bytes": (tmp / n).stat().st_size}
                for n in ["seizures.csv", "seizures.json"]
            },
        }
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


@dataclass
class TransferResult:
    batch_dir: Path | None
    rejects_path: Path
    state_path: Path
    counts: dict

    def summary(self) -> str:
        c = self.counts
        where = f"in {self.batch_dir}" if self.batch_dir else "nothing new, so no batch"
        return (
            f"Sent {c['new']:,} new and {c['updates']:,} updated records ({where}); "
            f"{c['unchanged']:,} unchanged, already in CEN; {c['rejected']:,} held back "
            f"with the reasons -> {self.rejects_path}"
        )


def transfer(source, outbox, *, state_path=None, as_of=None, now=None) -> TransferResult:
    """Send what is new or changed in ``source`` (a folder or an extract) to ``outbox``.

    Writes at most one batch folder, ``rejects.csv`` (the records held back this run, with the
    reasons) and the state file (default ``outbox/state.json``). ``as_of`` is the day of the
    check (default today), ``now`` the time written in the manifest (default now). Bad input
    raises a ValueError before anything is written.
    """
    x = as_extract(source)
    if as_of is not None:
        day(as_of, "the day of the check")
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
            commit_state(state_path, sub.state)
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
    if not (
        isinstance(state, dict)
        and isinstance(state.get("batches"), list)
        and isinstance(state.get("sent"), dict)
        and all(isinstance(v, str) for v in state["sent"].values())
    ):
        raise ValueError(f"state file {str(path)!r} is not a cenlab transfer state")
    return state
