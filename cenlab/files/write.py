"""Writing files whole or not at all, and the one file hash.

Tables are written into a hidden temporary folder beside the target and moved into place only
when every table is complete, so an error or an interrupt never leaves half a dataset behind, and
files already in the target folder that this run does not produce are left alone. A single file
is written beside its target and renamed over it (``atomic_write``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

FORMATS = ("csv", "parquet")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")
    return fmt


def writable_folder(out) -> Path:
    """``out`` as a Path after checking it can be created and written to."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"output folder {str(path)!r} is a file, not a folder")
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write to output folder {str(path)!r}: permission denied")
    return path


def write_table(df: pd.DataFrame, path: Path, fmt: str) -> None:
    """One table as CSV (ISO dates, empty string for missing) or Parquet."""
    if fmt == "csv":
        df.to_csv(path, index=False, date_format="%Y-%m-%d")
    else:
        df.to_parquet(path, index=False)


def write_tables(
    tables: dict[str, pd.DataFrame], out, *, fmt: str = "csv", progress=None
) -> list[Path]:
    """Write ``tables`` into ``out`` atomically; returns the paths written."""
    check_format(fmt)
    out = writable_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create output folder {str(out)!r}: {exc.strerror}") from None
    tmp = Path(tempfile.mkdtemp(prefix=".cenlab-", dir=out))
    try:
        names = list(tables)
        for name in tqdm(names, desc="writing", disable=not progress, unit="table"):
            write_table(tables[name], tmp / f"{name}.{fmt}", fmt)
        written = []
        for name in names:
            final = out / f"{name}.{fmt}"
            os.replace(tmp / f"{name}.{fmt}", final)
            written.append(final)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=".cenlab-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sha256(path) -> str:
    """The SHA-256 of a file, read in blocks (files may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
