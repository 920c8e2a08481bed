"""Shared fixtures: generated frames are made once per session, they are pure functions of seed."""

import pytest

from cenlab.synth import make_seizures


@pytest.fixture(scope="session")
def seizures_200k():
    """About 200,000 seizures with the default calibration (the issue's calibration size)."""
    return make_seizures(146_000, seed=11)


@pytest.fixture(scope="session")
def small_extract():
    return make_seizures(3_000, seed=5, nominal=True)
