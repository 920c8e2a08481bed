"""The cohort simulator: the mix of kinds, seeded files, and what each hostile kind breaks."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from cenlab import course
from cenlab.course import cohort

COURSE = Path(__file__).resolve().parent.parent / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
NB = "exploring-seizures.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("cohort") / COURSE.name
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    course.build(dest)
    return dest


def test_plan_mixes_kinds_and_is_seeded():
    kinds = cohort.plan(30, seed=3)
    counts = Counter(kinds)
    assert len(kinds) == 30 and kinds == cohort.plan(30, seed=3)
    assert sum(counts[k] for k in cohort.HOSTILE) == 9
    assert counts["perfect"] == 5 and counts["blank"] == 3 and counts["mistakes"] == 13
    assert cohort.plan(30, seed=4) != kinds
    n = len(cohort.HOSTILE)
    assert set(cohort.plan(n, hostile=1.0)) == set(cohort.HOSTILE)  # each kind once


def test_unknown_kinds_and_a_missing_release_are_named(built, tmp_path):
    with pytest.raises(ValueError, match=r"unknown submission kinds \['nasty'\]"):
        cohort.simulate(built, ASSIGNMENT, kinds=["nasty"])
    (tmp_path / "c").mkdir()
    with pytest.raises(ValueError, match="run `cenlab course build` first"):
        cohort.write_submission(tmp_path / "c", ASSIGNMENT, "t", "perfect")


def test_the_same_seed_writes_the_same_bytes(built):
    first = cohort.simulate(built, ASSIGNMENT, 8, seed=5, prefix="s")
    texts = {s: (built / "submitted" / s / ASSIGNMENT / NB) for s in first}
    before = {s: p.read_bytes() if p.exists() else None for s, p in texts.items()}
    assert cohort.simulate(built, ASSIGNMENT, 8, seed=5, prefix="s") == first
    assert {s: p.read_bytes() if p.exists() else None for s, p in texts.items()} == before


def _cells(built, student):
    nb = nbformat.read(str(built / "submitted" / student / ASSIGNMENT / NB), as_version=4)
    return {c.metadata.nbgrader.grade_id: c for c in nb.cells if "nbgrader" in c.metadata}


def test_each_kind_breaks_what_it_says(built):
    kinds = cohort.simulate(built, ASSIGNMENT, kinds=cohort.KINDS, prefix="k")
    who = {k: s for s, k in kinds.items()}
    folder = {k: built / "submitted" / s / ASSIGNMENT for k, s in who.items()}
    assert (folder["empty"] / NB).stat().st_size == 0
    with pytest.raises(json.JSONDecodeError):
        json.loads((folder["malformed"] / NB).read_text())
    assert not (folder["missing"] / NB).exists() and (folder["missing"] / "timestamp.txt").exists()
    assert "q2-sections-tests" not in _cells(built, who["deleted-test"])
    assert "pass" in _cells(built, who["edited-test"])["q4-monthly-tests"].source
    assert _cells(built, who["edited-readonly"])["q5-growth-tests"].metadata.nbgrader.points == 100
    assert "os._exit(1)" in _cells(built, who["os-exit"])["q3-drugs"].source
    assert "signal.SIG_IGN" in _cells(built, who["ignores-interrupt"])["q3-drugs"].source
    assert "q1-counts" not in _cells(built, who["other-assignment"])
    perfect = _cells(built, who["perfect"])
    assert "NotImplementedError" not in perfect["q1-counts"].source
    assert "### BEGIN SOLUTION" not in perfect["q1-counts"].source
    blank = _cells(built, who["blank"])
    assert "raise NotImplementedError()" in blank["q1-counts"].source
    assert (folder["perfect"] / "seizures.csv").exists()  # the data travel with the notebook
