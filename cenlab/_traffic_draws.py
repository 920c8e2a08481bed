"""Vectorised draws shared by the traffic generators (`cenlab.traffic`).

Each helper draws a whole column at once from a numpy Generator; per-group parameters are looked
up by fancy indexing, and loops run over a handful of groups, never over rows.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from cenlab.seeding import check_seed, make_faker


def weights_to_p(weights) -> np.ndarray:
    """Normalise non-negative weights into probabilities."""
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def choice_by_group(rng, groups: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """One category code per row, drawn from ``probs[group]`` (a groups x categories table)."""
    probs = np.asarray(probs, dtype=float)
    out = np.zeros(len(groups), dtype=np.int64)
    if probs.shape[1] <= 6:  # small tables: one comparison against cumulative shares
        cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
        u = rng.random(len(groups))
        return (u[:, None] >= cum[groups, :-1]).sum(axis=1)
    for g in np.unique(groups):  # wide tables: one draw per group
        rows = np.flatnonzero(groups == g)
        out[rows] = rng.choice(probs.shape[1], size=len(rows), p=weights_to_p(probs[g]))
    return out


def lognormal(rng, median, sigma) -> np.ndarray:
    """Lognormal draws given the median and the log-scale standard deviation (arrays allowed)."""
    median = np.asarray(median, dtype=float)
    return median * np.exp(np.asarray(sigma, dtype=float) * rng.standard_normal(median.shape))


def draw_dates(rng, n: int, start: pd.Timestamp, end: pd.Timestamp, monthly) -> np.ndarray:
    """``n`` sorted days between ``start`` and ``end``, weighted by the month's traffic."""
    days = pd.date_range(start, end, freq="D")
    p = weights_to_p(np.asarray(monthly)[days.month.to_numpy() - 1])
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


@functools.cache
def _locale_faker(locale: str):
    return make_faker(0, locale)


def _faker(seed: int, locale: str):
    """An instance-seeded Faker for ``locale``: built once per locale, re-seeded on every use."""
    fake = _locale_faker(locale)
    fake.seed_instance(check_seed(seed))
    return fake


@functools.lru_cache(maxsize=16)
def person_name_pool(seed: int, locales: tuple[str, ...], size: int = 60):
    """Full names per locale: ``size`` first x ``size`` last names from instance-seeded Fakers.

    Returns (sorted unique names, locale x size*size codes into them). Cached: the pool is a pure
    function of its arguments, and building Fakers is the slow part.
    """
    names: list[str] = []
    for locale in locales:
        fake = _faker(seed, locale)
        first = [fake.first_name() for _ in range(size)]
        last = [fake.last_name() for _ in range(size)]
        names.extend(f"{f} {la}" for f in first for la in last)
    unique, codes = np.unique(np.array(names, dtype=object), return_inverse=True)
    return list(unique), codes.reshape(len(locales), size * size)


@functools.lru_cache(maxsize=16)
def company_name_pool(seed: int, size: int = 500) -> tuple[str, ...]:
    """Company names from an instance-seeded Faker, without repeats (cached)."""
    fake = _faker(seed, "en_US")
    return tuple(dict.fromkeys(fake.company() for _ in range(size)))
