"""Every hostile or broken submission of the issue, graded in one sandboxed run next to a
perfect trainee: each gets its status and message, zero only for what it broke, the others
are graded normally, and the course, the instructor's home and the gradebook are untouched.

One graded run (17 trainees, two at a time) is shared by the module; cells time out after
10 s here so that the endless loop costs little.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cenlab import course
from cenlab.course import cohort, grading

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="grading drops privileges: needs root")

COURSE = Path(__file__).resolve().parent.parent / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
NOTEBOOK = "exploring-seizures"
BROKEN = "q3-drugs-tests"  # cohort.BROKEN_ANSWER: hostile code goes into the third answer


def copy_course(tmp: Path) -> Path:
    dest = tmp / COURSE.name
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    with (dest / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.ExecutePreprocessor.timeout = 10\nc.CenlabGrader.notebook_timeout = 240\n")
    course.build(dest)
    return dest


def item_scores(course_dir: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE.name) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course_dir = copy_course(tmp_path_factory.mktemp("hostile"))
    kinds = cohort.simulate(course_dir, ASSIGNMENT, kinds=cohort.KINDS)
    run = grading.grade(course_dir, ASSIGNMENT, jobs=2, progress=False)
    by_kind = {kind: student for student, kind in kinds.items()}
    return course_dir, run, by_kind


def outcome(graded, kind) -> grading.Outcome:
    _, run, by_kind = graded
    return run.outcomes[by_kind[kind]]


def full_marks(graded) -> dict[str, float]:
    course_dir, _, by_kind = graded
    return item_scores(course_dir, by_kind["perfect"])


CASES = {
    # kind: (status, words in the message, autograded items that score 0)
    "malformed": ("unreadable", "damaged", "all"),
    "empty": ("unreadable", "empty (0 bytes)", "all"),
    "missing": ("missing", f"no {NOTEBOOK}.ipynb", "all"),
    "other-assignment": ("wrong-assignment", "belongs to 02-visualising", "all"),
    "deleted-test": ("restored", "q2-sections-tests was deleted and was put back", ""),
    "edited-test": ("restored", "q4-monthly-tests was changed; the original was used", ""),
    "edited-readonly": ("restored", "q5-growth-tests was changed", ""),
    "infinite-loop": ("timeout", "ran longer than the 10 s limit", BROKEN),
    "ignores-interrupt": ("timeout", "ignored the interrupt; the cells after it were not", "after"),
    "big-output": ("output-limited", "printed more than 1,000,000 bytes", ""),
    "sys-exit": ("exited", "called sys.exit()", BROKEN),
    "os-exit": ("kernel-died", "stopped Python", "after"),
    "deletes-files": ("blocked", "reached outside its folder", BROKEN),
    "writes-outside": ("blocked", "reached outside its folder", BROKEN),
}


def test_the_perfect_trainee_is_graded_normally(graded):
    got = outcome(graded, "perfect")
    assert got.status == "graded" and got.message == "graded normally"
    scores = full_marks(graded)
    assert scores[BROKEN] == 2.0 and sum(scores.values()) == 15.0  # all autograded points


def test_a_blank_release_scores_zero(graded):
    assert outcome(graded, "blank").status == "graded"
    assert outcome(graded, "blank").score == 0


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_hostile_case_gets_its_status_message_and_zero_only_for_what_it_broke(graded, kind):
    status, words, zeroed = CASES[kind]
    got = outcome(graded, kind)
    assert got.status == status, got.message
    assert words in got.message
    course_dir, _, by_kind = graded
    full = full_marks(graded)
    scores = item_scores(course_dir, by_kind[kind])
    order = sorted(full)
    if zeroed == "all":
        expect = {k: 0.0 for k in full}
    elif zeroed == "after":  # Python died in the broken answer: later cells never ran
        cut = order.index(BROKEN)
        expect = {k: (full[k] if i < cut else 0.0) for i, k in enumerate(order)}
    else:
        expect = {k: (0.0 if k == zeroed else v) for k, v in full.items()}
    assert scores == expect


def test_the_course_and_the_instructors_home_are_untouched(graded):
    course_dir, _, _ = graded
    assert (course_dir / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").exists()
    assert not (Path.home() / "cenlab-was-here.txt").exists()
    db = course_dir / "gradebook.db"
    assert b"a trainee was here" not in db.read_bytes()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_status_file_lists_every_trainee_with_its_message(graded):
    course_dir, run, _ = graded
    rows = grading.read_status(run.status_file)
    assert set(rows) == set(run.outcomes)
    for student, o in run.outcomes.items():
        assert rows[student]["status"] == o.status and rows[student]["message"] == o.message


def test_notes_open_the_autograded_notebook_for_the_feedback(graded):
    course_dir, _, by_kind = graded
    import nbformat

    path = course_dir / "autograded" / by_kind["sys-exit"] / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    assert nb.cells[0].source.startswith("**Notes from the grader**")
    assert "sys.exit()" in nb.cells[0].source


def test_big_output_is_cut_in_the_autograded_notebook(graded):
    course_dir, _, by_kind = graded
    path = course_dir / "autograded" / by_kind["big-output"] / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert path.stat().st_size < 3_000_000


def test_feedback_carries_the_grader_notes(graded):
    course_dir, _, by_kind = graded
    student = by_kind["os-exit"]
    (html,) = course.feedback(course_dir, ASSIGNMENT, [student])
    text = html.read_text(encoding="utf-8")
    assert "Notes from the grader" in text and "stopped Python" in text
