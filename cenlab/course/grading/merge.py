"""Bring each trainee's autograding into the course: scores into ``gradebook.db``, the graded
notebooks into ``autograded/``.

A grading worker autogrades in a private copy of the gradebook and reads the trainee's scores
back as plain data (``private_scores``). Only the instructor's process writes the course
gradebook: ``merge_scores`` copies those scores in through nbgrader's API, one commit per
trainee (nbgrader commits a trainee or submission it adds on its own), inside one gradebook
session for the whole cohort. The private copy started as a copy
of the course gradebook, so nbgrader's own rules hold (a cell already scored by hand stays
flagged for review).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cenlab.course.paths import TIMESTAMP, CoursePaths, sqlite_url


def private_scores(db: Path, assignment: str, student: str) -> dict:
    """One trainee's autograding of ``assignment`` in the gradebook ``db``, as plain data:
    ``{"timestamp": ..., "notebooks": {name: (late penalty, {cell: (score, needs manual)},
    {cell: comment})}}``."""
    from nbgrader.api import Gradebook

    with Gradebook(sqlite_url(db)) as gb:
        sub = gb.find_submission(assignment, student)
        return {
            "timestamp": sub.timestamp,
            "notebooks": {
                nb.name: (
                    nb.late_submission_penalty,
                    {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades},
                    {c.name: c.auto_comment for c in nb.comments},
                )
                for nb in sub.notebooks
            },
        }


def _submission(gb, assignment: str, student: str, timestamp):
    """The trainee's submission in ``gb``, with its timestamp set but not yet committed; a new
    trainee or submission is added (and committed) by nbgrader, with all its cells."""
    from nbgrader.api import MissingEntry
    from nbgrader.utils import parse_utc

    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)
    kwargs = {"timestamp": timestamp} if timestamp else {}
    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return gb.add_submission(assignment, student, **kwargs)
    if timestamp:
        sub.timestamp = parse_utc(timestamp)
    return sub


def merge_scores(gb, scores, assignment: str, student: str) -> None:
    """Copy one trainee's autograding (``private_scores``, or the private gradebook it comes
    from) into the course gradebook ``gb``, in one commit."""
    if not isinstance(scores, dict):
        scores = private_scores(Path(scores), assignment, student)
    try:
        sub = _submission(gb, assignment, student, scores["timestamp"])
        for nb in sub.notebooks:
            late, grades, comments = scores["notebooks"][nb.name]
            nb.late_submission_penalty = late
            for g in nb.grades:
                g.auto_score, g.needs_manual_grade = grades[g.name]
            for c in nb.comments:
                c.auto_comment = comments[c.name]
        gb.db.commit()
    except Exception:
        gb.db.rollback()
        raise


def merge_zero(gb, assignment: str, student: str, folder: Path) -> None:
    """Nothing could be run: 0 on every cell, as nbgrader does for a missing notebook."""
    from nbgrader.utils import parse_utc

    stamp = folder / TIMESTAMP
    timestamp = None
    if stamp.is_file() and not stamp.is_symlink():
        try:
            timestamp = parse_utc(stamp.read_text().strip())
        except ValueError:
            pass
    try:
        sub = _submission(gb, assignment, student, timestamp)
        for nb in sub.notebooks:
            for g in nb.grades:
                g.auto_score, g.needs_manual_grade = 0, False
        gb.db.commit()
    except Exception:
        gb.db.rollback()
        raise


def publish(course_dir: Path, assignment: str, student: str, src, outcome) -> None:
    """Replace the trainee's autograded folder with ``src`` (or an empty one); the grader's
    notes open each notebook, so that the trainee reads them in the feedback."""
    dest = CoursePaths(course_dir).autograded(student, assignment)
    if dest.exists():
        shutil.rmtree(dest)
    if src is not None and Path(src).is_dir():
        shutil.copytree(src, dest)
    else:
        dest.mkdir(parents=True)
    if not outcome.notes:
        return
    import nbformat

    text = "**Notes from the grader**\n\n" + "\n".join(f"- {n}" for n in outcome.notes)
    for path in dest.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
        mode = path.stat().st_mode
        path.chmod(0o644)
        nbformat.write(nb, str(path))
        path.chmod(mode)


def read_scores(gb, assignment: str, outcomes: dict) -> None:
    """Fill each outcome's score and maximum from the course gradebook."""
    from nbgrader.api import MissingEntry

    for student, outcome in outcomes.items():
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            continue
        outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
