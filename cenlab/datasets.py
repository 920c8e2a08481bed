"""The default datasets in ``datasets/``: small, built from fixed seeds, checked by checksum.

``cenlab datasets build`` (``make datasets``) writes them with the data dictionary and a
``SHA256SUMS`` file; ``cenlab datasets check`` rebuilds them in a temporary folder and reports
any file whose bytes differ, so a change to the generator cannot slip past unnoticed.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from cenlab import schema
from cenlab.generate import make_seizures
from cenlab.output import write_tables

# name -> how it is made. Small enough to commit and to copy into course folders.
RECIPES = {
    "ncen-extract": {"n_cases": 5000, "seed": 2025, "start": "2024-01-01", "end": "2025-12-31"},
}
SUMS = "SHA256SUMS"
DICTIONARY = "DATA_DICTIONARY.md"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build(folder="datasets") -> list[Path]:
    """Write every recipe, the data dictionary and the checksum file into ``folder``."""
    folder = Path(folder)
    written = []
    for name, recipe in RECIPES.items():
        data = make_seizures(recipe["n_cases"], seed=recipe["seed"], start=recipe["start"],
                             end=recipe["end"], nominal=True)  # fmt: skip
        written += write_tables(data.tables(), folder / name, fmt="csv")
    (folder / DICTIONARY).write_text(schema.data_dictionary(), encoding="utf-8")
    written.append(folder / DICTIONARY)
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}" for p in sorted(written)]
    (folder / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def check(folder="datasets") -> list[str]:
    """Problems found when rebuilding ``folder``: one plain line per differing or missing file."""
    folder = Path(folder)
    if not (folder / SUMS).exists():
        return [f"{folder / SUMS} is missing: run `make datasets`"]
    expected = dict(
        reversed(line.split("  ", 1)) for line in (folder / SUMS).read_text().splitlines() if line
    )
    with tempfile.TemporaryDirectory() as tmp:
        build(tmp)
        problems = []
        for rel, digest in sorted(expected.items()):
            fresh = Path(tmp) / rel
            if not fresh.exists():
                problems.append(f"{rel}: listed in {SUMS} but no longer built")
            elif sha256(fresh) != digest:
                problems.append(f"{rel}: rebuilt bytes differ from {SUMS}")
            elif not (folder / rel).exists() or sha256(folder / rel) != digest:
                problems.append(f"{rel}: committed file differs from {SUMS}")
    return problems
