"""The instructor's commands on a course folder: build the release, write feedback, export grades.

Grading itself lives in ``cenlab.course.grading``; ``cenlab course`` calls these.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from cenlab.course.api import checked, course_api, with_tools_on_path
from cenlab.course.paths import AUTOGRADED, GRADEBOOK, CoursePaths, course_id, find_assignments


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
    paths = CoursePaths(Path(course_dir).resolve())
    api = course_api(paths.root)
    graded = list(paths.each_student(AUTOGRADED, assignment))
    if not graded:
        raise ValueError(f"nobody's {assignment} is graded yet: run `cenlab course grade` first")
    for student in students or graded:
        if student not in graded:
            raise ValueError(f"{student}'s {assignment} is not graded")
        checked(api.generate_feedback(assignment, student, force=True), f"feedback of {student}")
    return sorted(
        p for s in students or graded for p in paths.feedback(s, assignment).glob("*.html")
    )


def export(course_dir, to=None, *, assignments=(), students=()) -> Path:
    """The grades as CSV with nbgrader's export columns (``nbgrader export``); return the file."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    paths = CoursePaths(Path(course_dir).resolve())
    if not paths.gradebook.exists():
        raise ValueError(f"{paths.root.name} has no {GRADEBOOK} yet")
    to = Path(to) if to else paths.grades_file
    plugin = CsvExportPlugin(to=str(to), assignment=list(assignments), student=list(students))
    with_tools_on_path()
    with Gradebook(paths.db_url, course_id(paths.root)) as gb:
        plugin.export(gb)
    return to
