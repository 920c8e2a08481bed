"""Item analysis figures against a hand count on a four-trainee gradebook built by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cenlab.course import itemanalysis

# trainee -> (q1-tests out of 1, q2-tests out of 2, q3 by hand out of 3; None = not yet graded)
SCORES = {
    "ana": (1, 2, 3),
    "ben": (1, 1, 1),
    "cho": (0, 0, None),
    "dev": (1, 0, 0),
}


def make_course(folder: Path) -> Path:
    """A course folder whose gradebook holds assignment a1 (one notebook) scored as SCORES."""
    from nbgrader.api import Gradebook

    from cenlab.course.api import with_tools_on_path

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "demo"\n'
    )
    with_tools_on_path()
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", "demo") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        gb.add_grade_cell("q1-tests", "nb", "a1", max_score=1, cell_type="code")
        gb.add_grade_cell("q2-tests", "nb", "a1", max_score=2, cell_type="code")
        gb.add_grade_cell("q3", "nb", "a1", max_score=3, cell_type="markdown")
        gb.add_solution_cell("q3", "nb", "a1")
        for student, (q1, q2, q3) in SCORES.items():
            gb.add_student(student)
            gb.add_submission("a1", student)
            for name, value in (("q1-tests", q1), ("q2-tests", q2)):
                grade = gb.find_grade(name, "nb", "a1", student)
                grade.auto_score, grade.needs_manual_grade = value, False  # as autograde does
            hand = gb.find_grade("q3", "nb", "a1", student)
            hand.manual_score = q3
            hand.needs_manual_grade = q3 is None
        gb.db.commit()
    return folder


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return itemanalysis.item_analysis(make_course(tmp_path_factory.mktemp("c") / "demo"), "a1")


def row(report, item) -> dict:
    return report.items.set_index("item").loc[item].to_dict()


def test_pass_rate_mean_and_zero_rate_match_a_hand_count(report):
    q1, q2 = row(report, "q1-tests"), row(report, "q2-tests")
    assert (q1["n"], q1["pass_rate"], q1["mean"], q1["zero_rate"]) == (4, 0.75, 0.75, 0.25)
    assert (q2["n"], q2["pass_rate"], q2["mean"], q2["zero_rate"]) == (4, 0.25, 0.75, 0.5)
    assert q2["mean_share"] == pytest.approx(0.375)


def test_an_answer_graded_by_hand_counts_once_scored(report):
    q3 = row(report, "q3")
    assert q3["kind"] == "manual" and q3["n"] == 3  # cho's answer is not graded yet
    assert q3["pass_rate"] == pytest.approx(1 / 3) and q3["mean"] == pytest.approx(4 / 3)


def test_totals_and_most_missed(report):
    assert report.totals.to_dict() == {"ana": 6.0, "ben": 3.0, "cho": 0.0, "dev": 1.0}
    assert report.max_total == 6.0
    assert list(report.most_missed()["item"]) == ["q2-tests", "q1-tests"]  # q3 not fully scored


def test_discrimination_is_the_correlation_with_the_rest_of_the_total(report):
    q1 = pd.Series({s: v[0] for s, v in SCORES.items()}, dtype=float)
    rest = report.totals - q1
    assert row(report, "q1-tests")["discrimination"] == pytest.approx(q1.corr(rest))


def test_the_text_table_and_the_chart(report, tmp_path):
    text = report.to_text()
    assert "4 trainees, total out of 6: mean 2.5" in text
    assert "most missed: q2-tests (25% pass), q1-tests (75% pass)" in text
    png = itemanalysis.save_chart(report, tmp_path / "items.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_an_unknown_assignment_is_named(tmp_path):
    course = make_course(tmp_path / "demo")
    with pytest.raises(ValueError, match="'a9' is not in demo's gradebook"):
        itemanalysis.item_analysis(course, "a9")
