"""The test kernel's side of the two-kernel grading, without kernels: which names a test reads,
which classes a trainee's object may claim, and what an unreadable answer says."""

from __future__ import annotations

import pandas as pd
import pytest

from cenlab.course.grading.plan import assigned_names, read_names
from cenlab.course.grading.remote import Remote, Unreadable, _claimed_class
from cenlab.risk.profiles import Profile


def test_a_test_reads_the_names_it_does_not_set_and_no_builtin():
    source = (
        "%matplotlib inline\n_fresh = load()\nassert abs(rate - _fresh.mean()) < 1e-9, len(x)\n"
    )
    assert sorted(read_names(source)) == ["load", "rate", "x"]


def test_an_answer_cell_sets_names_and_changes_the_items_of_others():
    source = (
        "monthly['months'] = 1\nbest = table.idxmax()\nfrom cenlab import risk\ndef f(a): return a"
    )
    assert assigned_names(source) == {"monthly", "best", "risk", "f", "a"}


def test_a_cell_that_does_not_parse_reads_and_sets_nothing():
    assert read_names("assert (") == [] and assigned_names("x = (") == set()


@pytest.mark.parametrize(
    ("module", "qualname", "claimed"),
    [
        ("cenlab.risk.profiles", "Profile", Profile),  # isinstance(profile, risk.Profile) works
        ("pandas", "DataFrame", Remote),  # data always crosses as data: a handle is no table
        ("pandas.core.frame", "DataFrame", Remote),
        ("builtins", "int", Remote),
        ("not.imported.anywhere", "Thing", Remote),  # never imports what a trainee names
        ("os", "path.__class__", Remote),
    ],
)
def test_a_trainee_object_claims_only_an_imported_class_that_is_not_data(module, qualname, claimed):
    ref = {"id": 1, "module": module, "qualname": qualname, "callable": False}
    assert _claimed_class(ref) is claimed


def test_an_unreadable_answer_says_why_on_any_use():
    answer = Unreadable("table: the column 'x' holds interval values, which cannot be read")
    for use in (
        lambda: answer == 1,
        lambda: float(answer),
        lambda: len(answer),
        lambda: answer.sum(),
    ):
        with pytest.raises(TypeError) as err:
            use()
        assert str(err.value) == "table: the column 'x' holds interval values, which cannot be read"
    assert not isinstance(answer, pd.DataFrame)
