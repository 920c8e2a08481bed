"""`cenlab course ...`: the sub-commands, their output, and one-line errors (exit 2)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_itemanalysis import SCORES, make_course

from cenlab import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("cli") / "demo")


def test_course_lists_its_actions(capsys):
    with pytest.raises(SystemExit):
        cli.main(["course", "--help"])
    out = capsys.readouterr().out
    for action in ("build", "check", "grade", "feedback", "export", "report", "simulate"):
        assert action in out


def test_export_round_trips_the_gradebook(demo, tmp_path, capsys):
    to = tmp_path / "grades.csv"
    assert cli.main(["course", "export", str(demo), "--to", str(to)]) == 0
    assert str(to) in capsys.readouterr().out
    got = pd.read_csv(to)
    assert list(got.columns) == [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
        "raw_score",
        "late_submission_penalty",
        "score",
        "max_score",
    ]
    totals = {s: float(sum(v or 0 for v in scores)) for s, scores in SCORES.items()}
    assert dict(zip(got["student_id"], got["score"])) == totals
    assert set(got["max_score"]) == {6.0} and set(got["assignment"]) == {"a1"}


def test_report_prints_the_table_and_saves_the_chart(demo, tmp_path, capsys):
    png = tmp_path / "items.png"
    assert cli.main(["course", "report", str(demo), "a1", "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert "most missed: q2-tests (25% pass)" in out and png.exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["grade", "{demo}", "a9"], "'a9' is not in the gradebook"),
        (["feedback", "{demo}", "a1"], "nobody's a1 is graded yet"),
        (["simulate", "{demo}", "a1", "--students", "3"], "run `cenlab course build` first"),
        (["report", "{demo}", "a9"], "'a9' is not in demo's gradebook"),
        (["build", "{demo}"], "no assignment under demo/source/"),
        (["export", "{demo}/nowhere"], "nowhere has no gradebook.db yet"),
    ],
)
def test_user_errors_are_one_line_with_exit_2(demo, argv, words, capsys):
    argv = [a.format(demo=demo) for a in argv]
    assert cli.main(["course", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and err.startswith("cenlab course: error:")
