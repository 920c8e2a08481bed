"""The default datasets in ``datasets/``: small, built from fixed seeds, checked by checksum.

``cenlab datasets build`` (``make datasets``) writes them with the data dictionary and a
``SHA256SUMS`` file; ``cenlab datasets check`` rebuilds them in a temporary folder and reports
any file whose bytes differ, so a change to the generator cannot slip past unnoticed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tqdm.auto import tqdm

from cenlab import schema
from cenlab.files.write import check_format, sha256, writable_folder, write_tables
from cenlab.synth.seizures import make_seizures, parse_period

# name -> how it is made. Small enough to commit and to copy into course folders.
RECIPES = {
    "ncen-extract": {"n_cases": 5000, "seed": 2025, "start": "2024-01-01", "end": "2025-12-31"},
}
SUMS = "SHA256SUMS"
PROGRESS_FROM = 100_000  # cases; smaller runs finish before a bar would help
DICTIONARY = "DATA_DICTIONARY.md"


def build(folder="datasets") -> list[Path]:
    """Write every recipe, the data dictionary and the checksum file into ``folder``."""
    folder = Path(folder)
    written = []
    for name, recipe in RECIPES.items():
        data = make_seizures(
            recipe["n_cases"],
            seed=recipe["seed"],
            start=recipe["start"],
            end=recipe["end"],
            nominal=True,
        )
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


def write_generated(
    out, *, n_cases: int, seed: int, start, end, nominal: bool, fmt: str
) -> list[Path]:
    """Generate a dataset and write it: ``seizures`` and, with ``nominal``, the nCEN tables."""
    check_format(fmt)
    if n_cases < 0:
        raise ValueError(f"--cases must be zero or more, got {n_cases}")
    parse_period(start, end)
    writable_folder(out)
    progress = n_cases >= PROGRESS_FROM
    with tqdm(total=1, desc="generating", disable=not progress, unit="step") as bar:
        data = make_seizures(n_cases, seed=seed, start=start, end=end, nominal=nominal)
        bar.update()
    tables = data.tables() if nominal else {"seizures": data}
    return write_tables(tables, out, fmt=fmt, progress=progress)
