"""One seed, one source of randomness.

Every generator in cenlab draws from the objects made here and nowhere else: a numpy
``Generator`` for vectorised draws and an instance-seeded ``Faker`` for pools of names.
Never the module-level ``Faker.seed()`` and never the global ``random`` module, so the same
seed gives the same bytes on every run.
"""

from __future__ import annotations

import numpy as np
from faker import Faker


def check_seed(seed) -> int:
    """Return ``seed`` as a non-negative int, or raise a ValueError that names the problem."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be zero or positive, got {seed}")
    return int(seed)


def make_rng(seed: int, *, stream: str = "") -> np.random.Generator:
    """A numpy Generator for ``seed``; ``stream`` names an independent sub-stream.

    Sub-streams let two steps draw without disturbing each other: adding a draw to one step
    does not shift the numbers another step sees.
    """
    seed = check_seed(seed)
    key = [seed] + [ord(c) for c in stream]
    return np.random.default_rng(np.random.SeedSequence(key))


def make_faker(seed: int, locale: str | list[str] = "en_US") -> Faker:
    """An instance-seeded Faker for ``locale``; the module-level Faker seed is never touched."""
    fake = Faker(locale)
    fake.seed_instance(check_seed(seed))
    return fake
