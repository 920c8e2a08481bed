"""The instructor's commands on a course folder: build the release, write feedback, export grades.

Grading itself lives in ``cenlab.course.grading``; ``cenlab course`` calls these.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from cenlab.course.api import checked, course_api, with_tools_on_path
from cenlab.course.paths import course_id, find_assignments


def build(course_dir) -> list[str]:
    """Generate the student version (``release/``) of every assignment of a course and record
    it in the gradebook; return the assignments built."""
    course_dir = Path(course_dir).resolve()
    found = [a for c, a in find_assignments(course_dir.parent) if c == course_dir]
    if not found:
        raise ValueError(f"no assignment under {course_dir.name}/source/")
    api = course_api(course_dir)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for assignment in found:
            checked(api.generate_assignment(assignment, force=True, create=True), assignment)
    return found


def feedback(course_dir, assignment: str, students=None) -> list[Path]:
    """nbgrader's feedback (HTML) for each graded trainee, or those named; return the files."""
    course_dir = Path(course_dir).resolve()
    api = course_api(course_dir)
    graded = sorted(p.parent.name for p in (course_dir / "autograded").glob(f"*/{assignment}"))
    if not graded:
        raise ValueError(f"nobody's {assignment} is graded yet: run `cenlab course grade` first")
    for student in students or graded:
        if student not in graded:
            raise ValueError(f"{student}'s {assignment} is not graded")
        checked(api.generate_feedback(assignment, student, force=True), f"feedback of {student}")
    root = course_dir / "feedback"
    return sorted(p for s in students or graded for p in (root / s / assignment).glob("*.html"))


def export(course_dir, to=None, *, assignments=(), students=()) -> Path:
    """The grades as CSV with nbgrader's export columns (``nbgrader export``); return the file."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    course_dir = Path(course_dir).resolve()
    db = course_dir / "gradebook.db"
    if not db.exists():
        raise ValueError(f"{course_dir.name} has no gradebook.db yet")
    to = Path(to) if to else course_dir / "grades.csv"
    plugin = CsvExportPlugin(to=str(to), assignment=list(assignments), student=list(students))
    with_tools_on_path()
    with Gradebook(f"sqlite:///{db}", course_id(course_dir)) as gb:
        plugin.export(gb)
    return to
