"""Vectorised categorical draws shared by the generators.

A few small helpers so that every conditional draw ("location given commodity") is one numpy call
per group, never a Python loop over rows.
"""

from __future__ import annotations

import numpy as np


def normalise(weights) -> np.ndarray:
    """Weights as probabilities; negative or all-zero weights are a bug in a table."""
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {w}")
    return w / w.sum()


def draw(rng: np.random.Generator, probs, size: int) -> np.ndarray:
    """``size`` indices drawn from one probability vector."""
    cdf = np.cumsum(normalise(probs))
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right")


def draw_by_group(rng: np.random.Generator, groups: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each row ``i`` draw a column index from ``table[groups[i]]`` (rows are weights).

    One searchsorted over all groups at once: row ``g``'s cumulative distribution is shifted by
    ``g`` so the concatenated table stays sorted, and ``u + g`` lands in row ``g``'s stretch.
    """
    table = np.asarray(table, dtype=float)
    k = table.shape[1]
    cdfs = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    cdfs[:, -1] = 1.0
    flat = (cdfs + np.arange(len(table))[:, None]).ravel()
    u = rng.random(len(groups))
    pos = np.searchsorted(flat, u + groups, side="right")
    return np.minimum(pos - groups * k, k - 1)


def ipf(row_margin, col_margin, mask, *, iterations: int = 200) -> np.ndarray:
    """A joint table with the given margins and zeros where ``mask`` is False (iterative
    proportional fitting). Used to draw location and concealment together so that each keeps
    its ITR share while impossible pairs (In mail on the High seas) never occur."""
    joint = mask.astype(float)
    r = normalise(row_margin)
    c = normalise(col_margin)
    for _ in range(iterations):
        rows = joint.sum(axis=1, keepdims=True)
        joint *= np.divide(r[:, None], rows, out=np.zeros_like(rows), where=rows > 0)
        cols = joint.sum(axis=0, keepdims=True)
        joint *= np.divide(c[None, :], cols, out=np.zeros_like(cols), where=cols > 0)
    return joint / joint.sum()
