"""The mutation check (`cenlab course check --mutants`): each operator makes exactly the
expected source, cosmetic text never changes, a weak test lets a named mutant survive that a
strong test catches, and the command's exit codes."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cenlab import cli
from cenlab.course.mutants import check_mutants
from cenlab.course.mutations import mutate


def wrap(code: str) -> str:
    return f"x = 0\n### BEGIN SOLUTION\n{code}\n### END SOLUTION"


def mutants(code: str, operator: str) -> list[str]:
    """The changed solution line of each mutant of one operator."""
    return [m.after for m in mutate(wrap(code)) if m.operator == operator]


@pytest.mark.parametrize(
    ("operator", "code", "expected"),
    [
        ("comparison", 'df[df["a"] < 3]', ['df[df["a"] >= 3]']),
        ("comparison", "a <= b != c", ["a > b != c", "a <= b == c"]),
        ("boundary", "(s > 2) & (s >= 1)", ["(s >= 2) & (s >= 1)", "(s > 2) & (s > 1)"]),
        ("aggregate", "s.mean()", ["s.sum()", "s.median()"]),
        ("aggregate", "g.count()", ["g.sum()", "g.nunique()", "g.size()"]),
        ("aggregate", "t.idxmax(); max(a, b)", ["t.idxmin(); max(a, b)", "t.idxmax(); min(a, b)"]),
        ("aggregate", 'g.agg(n=("id", "nunique"))', ['g.agg(n=("id", "count"))']),
        ("arithmetic", "(a + b) * c", ["(a - b) * c", "(a + b) / c"]),
        ("arithmetic", "n -= 2", ["n += 2"]),
        ("constant", "t.iloc[0] * 0.5", ["t.iloc[1] * 0.5", "t.iloc[0] * 0.55"]),
        ("sort", 't.sort_values("n")', ['t.sort_values("n", ascending=False)']),
        ("sort", "t.sort_values(ascending=False)", ["t.sort_values(ascending=True)"]),
        ("sort", "sorted(xs)", ["sorted(xs, reverse=True)"]),
        ("sort", 't.nlargest(5, "n")', ['t.nsmallest(5, "n")']),
        ("head-tail", "t.head(5)", ["t.tail(5)"]),
        ("and-or", "a & b | c", ["a | b | c", "a & b & c"]),
        ("and-or", "a | b & c", ["a & (b & c)", "a | (b | c)"]),
        ("dropped", "df.dropna().drop_duplicates()", ["df.dropna()", "df.drop_duplicates()"]),
        ("normalize", 'pd.crosstab(a, b, normalize="index")', ["pd.crosstab(a, b)"]),
        ("normalize", "s.value_counts(normalize=True)", ["s.value_counts()"]),
    ],
)
def test_each_operator_makes_the_expected_source(operator, code, expected):
    assert mutants(code, operator) == expected


def test_only_the_solution_region_is_mutated():
    source = "a = 1 + 2\n### BEGIN SOLUTION\nb = 3 - a\n### END SOLUTION\nc = 4 * b"
    got = [(m.operator, m.line, m.before, m.after) for m in mutate(source)]
    assert got == [
        ("constant", 3, "b = 3 - a", "b = 4 - a"),
        ("arithmetic", 3, "b = 3 - a", "b = 3 + a"),
    ]
    assert mutate(source)[1].source == source.replace("3 - a", "3 + a")


def test_cosmetic_text_is_never_touched():
    code = "\n".join(
        [
            'ax = t.plot(kind="bar", title="Top 5", figsize=(8, 4), rot=45, color="grey")',
            'ax.set_title(f"{share * 100:.0f}% in {n - 1} months")',
            'ax.set_xlabel("count"); ax.axhline(0, linewidth=0.8); print(f"{n + 1} left")',
            'fig, axes = plt.subplots(1, 2); m = df.any(axis=1); label = "sum"',
        ]
    )
    assert [(m.operator, m.after) for m in mutate(wrap(code))] == [
        ("aggregate", 'fig, axes = plt.subplots(1, 2); m = df.all(axis=1); label = "sum"')
    ]


def test_a_cell_that_is_not_python_gives_no_mutants():
    assert mutate(wrap("%time n = len(df) + 1")) == []
    assert mutate("n = len(df) + 1") == []


def _cell(kind: str, grade_id: str, source: str):
    meta = {"grade": kind == "test", "solution": kind == "answer", "locked": kind == "test"}
    meta |= {"grade_id": grade_id, "schema_version": 3, "task": False}
    if kind == "test":
        meta["points"] = 1
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})


ANSWER = """### BEGIN SOLUTION
clean = frame.dropna()
mean_value = clean["value"].mean()
### END SOLUTION"""
WEAK = 'assert mean_value < 10, "mean_value should be an average, not a total"'
STRONG = 'assert mean_value == 4, "mean_value is not the average value"'


def make_assignment(course: Path, name: str, test: str) -> Path:
    """A course with one assignment: a small CSV, the mean of a column and one test cell."""
    folder = course / "source" / name
    folder.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "t"\n'
    )
    (folder / "values.csv").write_text("value\n1\n2\n3\n10\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell('import pandas as pd\n\nframe = pd.read_csv("values.csv")'),
        _cell("answer", "q1", ANSWER),
        _cell("test", "q1-tests", f"import warnings\n\nwarnings.filterwarnings('ignore')\n{test}"),
    ]
    nbformat.write(nb, folder / "mean.ipynb")
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mutants") / "course"
    make_assignment(root, "weak", WEAK)
    make_assignment(root, "strong", STRONG)
    return root


def test_a_weak_test_lets_the_median_survive(course):
    report = check_mutants(course / "source" / "weak")
    assert report.problems == []
    survivors = [
        (o.question, o.mutation.operator, o.mutation.before, o.mutation.after)
        for o in report.survivors
    ]
    assert survivors == [
        (
            "q1",
            "aggregate",
            'mean_value = clean["value"].mean()',
            'mean_value = clean["value"].median()',
        )
    ]
    statuses = {o.mutation.after: o.status for o in report.outcomes}
    assert statuses == {
        "clean = frame": "equivalent?",  # no missing value in the data: dropna changes nothing
        'mean_value = clean["value"].sum()': "caught",
        'mean_value = clean["value"].median()': "survived",
    }
    assert report.score == 0.5
    assert "SURVIVED q1 line 3 [aggregate]" in report.table()


def test_a_strong_test_catches_it(course):
    report = check_mutants(course / "source" / "strong")
    assert (report.problems, report.survivors, report.score) == ([], [], 1.0)


def test_the_command_exits_1_below_the_threshold_and_2_on_bad_input(course, capsys):
    check = ["course", "check", str(course), "--mutants", "--assignment"]
    assert cli.main([*check, "weak"]) == 1
    assert "SURVIVED q1" in capsys.readouterr().out
    assert cli.main([*check, "weak", "--min-score", "0.5"]) == 0
    assert cli.main([*check, "strong"]) == 0
    assert cli.main([*check, "strong", "--min-score", "95"]) == 2
    assert cli.main([*check, "nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "no assignment ['nothing']" in err and "between 0 and 1" in err
