"""Identifier columns (case ids, passport numbers, plates) built as byte blocks, not row by row.

Each identifier has a fixed width, so a column is one (rows x width) block of ASCII bytes that
becomes an Arrow string column directly: no Python string is made per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)  # no I, O, Q: read as digits


def digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of ``numbers`` as an (n, width) block of ASCII bytes."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(numbers, dtype=np.int64)[:, None] // powers % 10 + ord("0")).astype(np.uint8)


def const(text: str, n: int) -> np.ndarray:
    """The same ``text`` on each of ``n`` rows."""
    return np.tile(np.frombuffer(text.encode(), dtype=np.uint8), (n, 1))


def column(*blocks: np.ndarray) -> pd.Series:
    """A text column glued from byte blocks, built straight into an Arrow string buffer."""
    block = np.ascontiguousarray(np.hstack(blocks))
    n, width = block.shape
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * width).tobytes())
    array = pa.StringArray.from_buffers(n, offsets, pa.py_buffer(block.tobytes()))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array])))


def serial(prefix: str, n: int, width: int = 7) -> pd.Series:
    """``prefix`` followed by 1..n, zero-padded: P0000001, P0000002, ..."""
    return column(const(prefix, n), digits(np.arange(1, n + 1), max(width, len(str(n)))))


def random_code(rng: np.random.Generator, n: int, *, letters: int, width: int, prefix: str = ""):
    """Random codes such as passport numbers: ``prefix``, ``letters`` capitals, ``width`` digits."""
    if letters:
        head = LETTERS[rng.integers(0, len(LETTERS), (n, letters))]
    else:
        head = np.empty((n, 0), dtype=np.uint8)
    tail = digits(rng.integers(0, 10**width, n), width)
    return column(const(prefix, n), head, tail)
