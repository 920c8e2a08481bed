"""cenlab.course without kernels: what the static checks catch and how scores become problems."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cenlab import course

COURSES = Path(__file__).resolve().parent.parent / "courses"


def _meta(gid, **kw):
    m = {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3, "solution": False}
    return {"nbgrader": {**m, **kw}}


def _write(tmp_path, cells, name="nb.ipynb") -> Path:
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def test_find_assignments_lists_every_source_folder_with_a_notebook():
    found = course.find_assignments(COURSES)
    assert ("seizure-analysis", "01-exploring-seizures") in {(c.name, a) for c, a in found}
    assert all((c / "source" / a).is_dir() for c, a in found)


def test_notebook_problems_flags_outputs_counts_and_missing_metadata(tmp_path):
    dirty = new_code_cell("1 + 1", execution_count=3)
    dirty.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)
    ]
    path = _write(tmp_path, [dirty])
    problems = " ".join(course.notebook_problems(path))
    assert "outputs" in problems and "execution count" in problems
    assert "no cell carries nbgrader metadata" in problems


def test_convention_problems_catch_a_bare_assert_and_missing_silence(tmp_path):
    test = new_code_cell(
        "assert x == 1\n### BEGIN HIDDEN TESTS\nassert x, 'x'\n### END HIDDEN TESTS",
        metadata=_meta("t1", grade=True, locked=True, points=1),
    )
    path = _write(tmp_path, [new_markdown_cell("After this assignment you can: count"), test])
    problems = " ".join(course.convention_problems(path, min_autograded=1, min_manual=0))
    assert "without a message" in problems
    assert "filterwarnings" in problems


def test_convention_problems_accept_a_well_formed_test_cell(tmp_path):
    src = (
        'import warnings\n\nwarnings.filterwarnings("ignore")\nassert x >= 0, "x is a count"\n'
        '### BEGIN HIDDEN TESTS\nassert x == 1, "x is not right"\n### END HIDDEN TESTS'
    )
    answer = new_code_cell(
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", metadata=_meta("a1", solution=True)
    )
    test = new_code_cell(src, metadata=_meta("t1", grade=True, locked=True, points=1))
    path = _write(
        tmp_path, [new_markdown_cell("After this assignment you can: count"), answer, test]
    )
    assert course.convention_problems(path, min_autograded=1, min_manual=0) == []


def test_problems_name_each_item_a_submission_gets_wrong():
    item = course.Item("nb", "q1-tests", "auto", 2.0)
    result = course.CheckResult("c", "a", items=[item])
    result.scores = {
        course.REFERENCE: {item.key: 1.0},
        course.BLANK: {item.key: 0.0},
        "wrong": {item.key: 2.0},
    }
    problems = result.problems()
    assert any("source notebook scores 1/2 on nb/q1-tests" in p for p in problems)
    assert any("'wrong' keeps full marks on nb/q1-tests" in p for p in problems)
    result.scores[course.REFERENCE][item.key] = 2.0
    result.scores["wrong"][item.key] = 0.0
    assert result.problems() == []


def test_committed_data_rebuild_byte_for_byte():
    for course_dir, assignment in course.find_assignments(COURSES):
        assert course.data_problems(course_dir / "source" / assignment) == []


def test_course_paths_are_where_nbgrader_looks(tmp_path):
    from nbgrader.coursedir import CourseDirectory

    nbgrader = CourseDirectory(root=str(tmp_path))
    paths = course.CoursePaths(tmp_path)

    def theirs(step: str, student: str = ".") -> Path:
        return Path(nbgrader.format_path(step, student, "a1"))

    assert paths.source("a1") == theirs(nbgrader.source_directory)
    assert paths.release("a1") == theirs(nbgrader.release_directory)
    assert paths.submitted("s1", "a1") == theirs(nbgrader.submitted_directory, "s1")
    assert paths.autograded("s1", "a1") == theirs(nbgrader.autograded_directory, "s1")
    assert paths.feedback("s1", "a1") == theirs(nbgrader.feedback_directory, "s1")
    assert paths.db_url == nbgrader.db_url
