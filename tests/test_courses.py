"""Every graded assignment under courses/*/source/* goes through nbgrader's whole life cycle.

For each assignment, in a scratch copy of its course: generate_assignment succeeds; the release
holds no solution and no hidden test; the instructor's source, autograded as a student, scores
full marks on every autograded item; the blank release scores zero on every one; the committed
wrong submission (tests/<assignment>/wrong/) loses the points of every autograded answer. The
scores are read from the gradebook, never from ``nbgrader validate``'s exit code.

Static checks need no kernel: committed notebooks carry no outputs and keep their nbgrader
metadata, follow the course conventions, and their data rebuild byte for byte.

The autograding (three kernels per assignment) runs once per session, two assignments at a time.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from cenlab import course

COURSES = Path(__file__).resolve().parent.parent / "courses"
ASSIGNMENTS = course.find_assignments(COURSES)
IDS = [f"{c.name}/{a}" for c, a in ASSIGNMENTS]


@pytest.fixture(scope="session")
def checked(tmp_path_factory) -> dict[str, course.CheckResult]:
    """One end-to-end check per assignment, run once for the whole session."""
    jobs = max(1, min(2, os.cpu_count() or 1))
    workdir = tmp_path_factory.mktemp("courses")
    results = course.check_assignments(ASSIGNMENTS, workdir=workdir, jobs=jobs)
    return {f"{r.course}/{r.assignment}": r for r in results}


@pytest.fixture(params=ASSIGNMENTS, ids=IDS)
def assignment(request):
    return request.param


@pytest.fixture
def result(assignment, checked) -> course.CheckResult:
    course_dir, name = assignment
    res = checked[f"{course_dir.name}/{name}"]
    assert not res.errors, "\n".join(f"{k}:\n{v}" for k, v in res.errors.items())
    return res


def test_every_course_has_a_config_naming_it():
    """Each course folder has an nbgrader_config.py whose course_id is the folder's name."""
    courses = sorted(p.parent for p in COURSES.glob("*/nbgrader_config.py"))
    assert ASSIGNMENTS, "no assignment found under courses/*/source/"
    assert {c for c, _ in ASSIGNMENTS} <= set(courses), "an assignment's course has no config"
    for c in courses:
        assert course.course_id(c) == c.name


def test_generate_assignment_succeeds(result):
    assert "generate_assignment" not in result.errors
    release = Path(result.root) / "release" / result.assignment
    assert sorted(p.name for p in release.glob("*.ipynb")), "the release holds no notebook"


def test_release_has_no_solution_and_no_hidden_test(result):
    release = Path(result.root) / "release" / result.assignment
    for nb_path in release.glob("*.ipynb"):
        text = nb_path.read_text(encoding="utf-8")
        for marker in course.MARKERS:
            assert marker not in text, f"{nb_path.name} still holds {marker!r}"
        nb = nbformat.read(str(nb_path), as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                assert "raise NotImplementedError()" in cell.source, meta["grade_id"]
    assert result.release_problems == []


def test_source_scores_full_marks_on_every_autograded_item(result):
    assert result.autograded, "no autograded item found in the gradebook"
    got = {i.key: result.score(course.REFERENCE, i) for i in result.autograded}
    assert got == {i.key: i.max_score for i in result.autograded}


def test_blank_release_scores_zero_on_every_autograded_item(result):
    got = {i.key: result.score(course.BLANK, i) for i in result.autograded}
    assert got == {i.key: 0.0 for i in result.autograded}


def test_wrong_submission_loses_the_points_of_every_answer(result):
    """Answer by answer: the plausible-but-wrong submission keeps no test cell's full marks; a
    single-mistake one (``q<N>-...``) loses question N, and costs nothing else when its name
    ends in ``-once``."""
    assert "wrong" in result.wrong_students, (
        f"commit a wrong submission under tests/{result.assignment}/wrong/"
    )
    assert [p for p in result.problems() if p.startswith("wrong submission")] == []


def test_some_answers_are_graded_by_hand(result):
    assert result.manual, "each assignment has at least one answer graded by hand"
    assert len(result.autograded) >= 6


def test_committed_notebooks_are_clean_and_keep_nbgrader_metadata(assignment):
    course_dir, name = assignment
    notebooks = sorted((course_dir / "source" / name).glob("*.ipynb"))
    for folder in course.wrong_submissions(course_dir, name).values():
        notebooks += sorted(folder.glob("*.ipynb"))
    problems = [p for nb in notebooks for p in course.notebook_problems(nb)]
    assert problems == []


def test_notebooks_follow_the_course_conventions(assignment):
    course_dir, name = assignment
    problems = course.static_problems(course_dir, name)
    assert problems == []


def test_check_result_reports_no_problem(result):
    assert result.problems() == [], result.summary()
