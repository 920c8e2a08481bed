"""Vectorised draws shared by every generator: categories, dates, lognormal amounts.

Every conditional draw ("location given commodity") is one numpy call per group, never a Python
loop over rows; per-group parameters are looked up by fancy indexing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def normalise(weights) -> np.ndarray:
    """Weights as probabilities; negative or all-zero weights are a bug in a table."""
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {w}")
    return w / w.sum()


def alias_tables(weights) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias tables, one per row of ``weights``: a draw then costs one uniform and
    two look-ups whatever the number of categories, instead of a binary search."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    if (w < 0).any() or (w.sum(axis=1) <= 0).any():
        raise ValueError("weights must be non-negative with a positive sum in every row")
    rows, k = w.shape
    q_all = w / w.sum(axis=1, keepdims=True) * k
    prob = np.ones((rows, k))
    alias = np.tile(np.arange(k), (rows, 1))
    for r in range(rows):
        q = q_all[r].copy()
        small = [i for i in range(k) if q[i] < 1.0]
        large = [i for i in range(k) if q[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            prob[r, s], alias[r, s] = q[s], g
            q[g] -= 1.0 - q[s]
            (small if q[g] < 1.0 else large).append(g)
        zero = w[r] == 0  # a structural zero is never drawn, whatever the rounding
        prob[r, zero] = 0.0
        alias[r, zero & (alias[r] == np.arange(k))] = int(np.argmax(w[r]))
    return prob, alias


def _alias_draw(u: np.ndarray, prob: np.ndarray, alias: np.ndarray, rows) -> np.ndarray:
    k = prob.shape[1]
    scaled = u * k
    j = scaled.astype(np.int64)
    np.minimum(j, k - 1, out=j)
    flat = rows * k + j  # flat look-ups (take) are several times faster than 2-D indexing
    keep = (scaled - j) < prob.ravel().take(flat)
    return np.where(keep, j, alias.ravel().take(flat))


def draw(rng: np.random.Generator, probs, size: int) -> np.ndarray:
    """``size`` indices drawn from one probability vector."""
    prob, alias = alias_tables(normalise(probs))
    return _alias_draw(rng.random(size), prob, alias, 0)


def draw_by_group(rng: np.random.Generator, groups: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each row ``i`` draw a column index from ``table[groups[i]]`` (rows are weights).

    One uniform per row, drawn up front, so the result does not depend on group order.
    """
    prob, alias = alias_tables(table)
    return _alias_draw(rng.random(len(groups)), prob, alias, groups)


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


def lognormal(rng, median, sigma) -> np.ndarray:
    """Lognormal draws given the median and the log-scale standard deviation (arrays allowed)."""
    median = np.asarray(median, dtype=float)
    return median * np.exp(np.asarray(sigma, dtype=float) * rng.standard_normal(median.shape))


def draw_dates(rng, n: int, start: pd.Timestamp, end: pd.Timestamp, monthly) -> np.ndarray:
    """``n`` sorted days between ``start`` and ``end``, weighted by the month's traffic."""
    days = pd.date_range(start, end, freq="D")
    p = normalise(np.asarray(monthly)[days.month.to_numpy() - 1])
    counts = rng.multinomial(n, p)  # how many rows fall on each day: already in date order
    return np.repeat(days.to_numpy(), counts)


def categorical(codes: np.ndarray, categories) -> pd.Categorical:
    """A categorical from integer codes (-1 is missing) into labels that may repeat.

    Repeated labels are merged and labels never used are dropped, so categories stay sorted.
    """
    labels, merged = np.unique(np.asarray(list(categories), dtype=object), return_inverse=True)
    codes = np.asarray(codes, dtype=np.int64) + 1  # 0 is missing from here on
    counts = np.bincount(codes, minlength=len(merged) + 1)[1:]
    used = np.bincount(merged, weights=counts, minlength=len(labels)) > 0
    small = np.int8 if used.sum() < 127 else np.int16 if used.sum() < 32_000 else np.int32
    table = np.concatenate([[-1], (np.cumsum(used) - 1)[merged]]).astype(small)
    out = table[codes]
    return pd.Categorical.from_codes(out, categories=pd.Index(labels[used], dtype="str"))


def index_of(values, table) -> np.ndarray:
    """Positions of ``values`` in ``table`` (both sequences of labels)."""
    pos = {v: i for i, v in enumerate(table)}
    return np.array([pos[v] for v in values], dtype=np.int64)
