"""The self-paced exercises: every worked solution passes every check, and a blank exercise runs
top to bottom with each check saying "not yet" instead of crashing.

Each exercise ``exercises/<name>.ipynb`` has its worked solution in ``exercises/solutions/``;
both are executed with nbclient in their own folder, as a trainee would open them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
NOT_OURS = {"data-entry-drill.ipynb"}  # the drill has its own tests and feedback
NAMES = sorted(p.name for p in EXERCISES.glob("*.ipynb") if p.name not in NOT_OURS)
CHECK = re.compile(r'^check\("([^"]+)"\)', re.M)


def run(path: Path) -> list[tuple[str, str]]:
    """Execute ``path`` in its folder; (question, printed text) for every check cell."""
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    out = []
    for cell in nb.cells:
        found = CHECK.findall(cell.source) if cell.cell_type == "code" else []
        if found:
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            out.append((found[0], text))
    return out


@pytest.fixture(scope="module")
def checks_module():
    sys.path.insert(0, str(EXERCISES))
    try:
        import checks

        yield checks
    finally:
        sys.path.remove(str(EXERCISES))


def test_there_are_exercises_with_worked_solutions():
    assert len(NAMES) >= 2
    for name in NAMES:
        assert (EXERCISES / "solutions" / name).exists(), f"{name} has no worked solution"


@pytest.mark.parametrize("name", NAMES)
def test_worked_solution_passes_every_check(name):
    results = run(EXERCISES / "solutions" / name)
    assert results, f"{name} calls no check"
    wrong = [(q, text) for q, text in results if not text.startswith(f"Right ({q})")]
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_blank_exercise_runs_and_every_check_says_not_yet(name):
    results = run(EXERCISES / name)
    assert results, f"{name} calls no check"
    assert all(text.startswith(f"Not yet ({q})") for q, text in results), results


def questions(path: Path) -> list[str]:
    nb = nbformat.read(str(path), as_version=4)
    return [q for c in nb.cells if c.cell_type == "code" for q in CHECK.findall(c.source)]


@pytest.mark.parametrize("name", NAMES)
def test_exercise_and_solution_ask_the_same_questions(name):
    assert questions(EXERCISES / name) == questions(EXERCISES / "solutions" / name)


def test_every_check_is_used_by_an_exercise(checks_module):
    used = set()
    for name in NAMES:
        used |= set(questions(EXERCISES / name))
    assert used == set(checks_module.CHECKS)


def test_a_wrong_answer_says_why_without_giving_the_answer(checks_module, capsys):
    """The classic confusion: a detection rate given as the hit rate."""
    ns = {"hit_rate": checks_module.targeting()["detection_rate"]}
    assert checks_module.check("targeting-q2", ns) is False
    said = capsys.readouterr().out
    assert said.startswith("Not yet (targeting-q2): that is the detection rate")
    assert f"{checks_module.targeting()['hit_rate']:.3}"[:5] not in said


def test_an_unknown_question_is_named_with_the_known_ones(checks_module, capsys):
    assert checks_module.check("q99", {}) is False
    said = capsys.readouterr().out
    assert "'q99'" in said and "pandas-q1" in said


def test_an_answer_of_the_wrong_kind_is_not_yet_not_a_crash(checks_module, capsys):
    assert checks_module.check("pandas-q2", {"drugs": "Cocaine"}) is False
    assert capsys.readouterr().out.startswith("Not yet (pandas-q2)")


def test_every_link_between_exercise_notebooks_leads_somewhere():
    """Relative links resolve from the notebook's own folder, as JupyterLab resolves them."""
    broken = []
    for nb_path in sorted(EXERCISES.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for target in re.findall(r"\]\(([^)#:\s]+\.ipynb)\)", text):
            if not (nb_path.parent / target).exists():
                broken.append(f"{nb_path.relative_to(EXERCISES)} -> {target}")
    assert broken == []
