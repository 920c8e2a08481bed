"""Pools of names, companies and addresses from instance-seeded Fakers, built in one place.

Faker is slow and row-by-row, so it only fills small pools per locale; numpy then samples them.
Each pool is a pure function of (seed, locale, size) and is cached.
"""

from __future__ import annotations

import functools

import numpy as np

from cenlab.seeding import check_seed, make_faker


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


@functools.cache
def locale_pools(locale: str, seed: int, size: int = 60) -> dict[str, np.ndarray]:
    """Family and given names, companies and addresses of one locale, ``size`` of each."""
    fake = _faker(seed, locale)

    def pool(fn) -> np.ndarray:
        return np.array([fn() for _ in range(size)], dtype=object)

    return {
        "family": pool(fake.last_name),
        "given_F": pool(fake.first_name_female),
        "given_M": pool(fake.first_name_male),
        "company": pool(fake.company),
        "address": np.array([a.replace("\n", ", ") for a in pool(fake.address)], dtype=object),
    }
