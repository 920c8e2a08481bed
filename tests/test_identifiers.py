"""Identifier columns built from byte blocks read as the codes they stand for."""

import numpy as np

from cenlab.synth import identifiers as ids


def test_serial_numbers_are_zero_padded_and_widen_past_the_padding():
    assert ids.serial("P", 3).tolist() == ["P0000001", "P0000002", "P0000003"]
    assert ids.serial("C", 12, width=1).tolist()[-2:] == ["C11", "C12"]


def test_random_codes_have_prefix_letters_and_digits():
    codes = ids.random_code(np.random.default_rng(0), 500, letters=3, width=4, prefix="PL-")
    assert codes.str.fullmatch(r"PL-[A-HJ-NPR-Z]{3}\d{4}").all()
    assert codes.nunique() > 490  # random, not repeated


def test_an_empty_column_has_no_rows():
    assert len(ids.serial("V", 0)) == 0
