"""Self-paced use: ``courses/selfpaced.py`` builds a trainee's work folder from the student
versions of the assignments, and grades the trainee's own work in one command.

The build and the grading run on one assignment each, in a temporary folder, to keep the suite
quick; the start page's links are checked against the repository for every course.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from cenlab import course

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = ("risk-profiling", "02-evaluating-and-adapting")
NOTEBOOK = "evaluating-and-adapting.ipynb"
LINK = re.compile(r"\]\(([^)#\s]+)\)")


def _load():
    spec = importlib.util.spec_from_file_location("selfpaced", REPO / "courses" / "selfpaced.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


selfpaced = _load()


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A work folder built for one assignment (plus the exercises and the start page)."""
    work = tmp_path_factory.mktemp("selfpaced") / "work"
    selfpaced.build(work, only=["/".join(ASSIGNMENT)])
    return work


def test_build_copies_the_student_version_without_solutions(work):
    release = work / ASSIGNMENT[0] / ASSIGNMENT[1]
    names = sorted(p.name for p in release.iterdir())
    assert names == [".cenlab-data.json", NOTEBOOK, "passengers.csv"]  # the stamp: their data
    text = (release / NOTEBOOK).read_text(encoding="utf-8")
    assert not [m for m in course.MARKERS if m in text]
    assert "raise NotImplementedError()" in text


def test_build_adds_the_exercises_dashboard_and_start_page(work):
    assert (work / "start.ipynb").exists()
    assert (work / "exercises" / "checks.py").exists()
    assert (work / "exercises" / "solutions").is_dir()
    assert (work / "dashboards" / "cen-dashboard.ipynb").exists()


def test_build_copies_the_glossary_where_the_start_page_and_exercises_link_it(work):
    """One glossary, docs/glossary.md, copied (not linked) to work/exercises/glossary.md."""
    copy = work / "exercises" / "glossary.md"
    assert copy.is_file() and not copy.is_symlink()
    assert copy.read_bytes() == (REPO / "docs" / "glossary.md").read_bytes()
    start = nbformat.read(str(work / "start.ipynb"), as_version=4)
    links = {m for c in start.cells for m in LINK.findall(c.source)}
    assert "exercises/glossary.md" in links
    assert [
        x for x in links if "://" not in x and x.endswith(".md") and not (work / x).exists()
    ] == []
    for exercise in (work / "exercises").rglob("*.ipynb"):
        nb = nbformat.read(str(exercise), as_version=4)
        for target in {m for c in nb.cells for m in LINK.findall(c.source)}:
            if target.endswith("glossary.md"):
                assert (exercise.parent / target).resolve() == copy.resolve(), exercise


def test_the_work_folder_holds_this_trainees_own_data_and_keeps_its_identity(work, tmp_path):
    """``make lab`` gives the work folder its own trainee id and secret, kept from one build to
    the next, and each assignment the data made for them, not the course's; another work
    folder is another trainee."""
    from cenlab.course import personal

    trainee, secret = selfpaced.identity(work)
    assert re.fullmatch(r"selfpaced-[0-9a-f]{8}", trainee) and len(secret) == 64
    assert (work / selfpaced.IDENTITY).stat().st_mode & 0o777 == 0o600
    folder = work / ASSIGNMENT[0] / ASSIGNMENT[1]
    course_dir = REPO / "courses" / ASSIGNMENT[0]
    mine = personal.build_for(course_dir, ASSIGNMENT[1], trainee, tmp_path / "a", secret=secret)
    for path in mine:
        assert (folder / path.name).read_bytes() == path.read_bytes()
        committed = course_dir / "source" / ASSIGNMENT[1] / path.name
        assert path.read_bytes() != committed.read_bytes()
    assert personal.read_stamp(folder)["trainee"] == trainee
    again = tmp_path / "again"
    selfpaced.build(again, only=["/".join(ASSIGNMENT)])
    other, _ = selfpaced.identity(again)
    assert other != trainee  # another work folder: another trainee
    assert selfpaced.identity(work) == (trainee, secret)  # kept


def test_build_never_overwrites_the_trainees_work(work):
    mine = work / ASSIGNMENT[0] / ASSIGNMENT[1] / NOTEBOOK
    mine.write_text("my answers", encoding="utf-8")
    try:
        copied = selfpaced.build(work, only=["/".join(ASSIGNMENT)])
        assert mine.read_text(encoding="utf-8") == "my answers"
        assert copied == []
    finally:
        selfpaced.build(work, only=["/".join(ASSIGNMENT)], force=True)
    assert mine.read_text(encoding="utf-8") != "my answers"


def test_an_unknown_assignment_is_named(tmp_path):
    with pytest.raises(ValueError, match="unknown assignment 'risk-profiling/99-nothing'"):
        selfpaced.build(tmp_path, only=["risk-profiling/99-nothing"])


def _model_answer_words() -> str:
    """A run of plain words from the first model answer graded by hand in the source notebook."""
    nb = nbformat.read(
        str(REPO / "courses" / ASSIGNMENT[0] / "source" / ASSIGNMENT[1] / NOTEBOOK), 4
    )
    [answer, *_] = [c.source for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("solution")
                    and c.metadata["nbgrader"].get("grade")]  # fmt: skip
    return max(re.findall(r"[A-Za-z ,]{40,}", answer.split("Model answer", 1)[-1]), key=len)


def test_the_mark_scheme_reaches_the_trainee_only_with_the_feedback(work):
    """Nothing of a model answer is in work/ after the build; grading the trainee's (here blank)
    work puts the model answers and mark schemes beside the feedback, linked from it."""
    words = _model_answer_words()
    assert len(words) >= 40
    before = [p for p in work.rglob("*") if p.is_file()
              and words in p.read_text(encoding="utf-8", errors="ignore")]  # fmt: skip
    assert before == []
    [graded] = selfpaced.grade(work, only=["/".join(ASSIGNMENT)])
    assert graded.auto_score == 0
    folder = work / "feedback" / ASSIGNMENT[0] / ASSIGNMENT[1]
    [scheme] = graded.mark_schemes
    assert scheme == folder / NOTEBOOK.replace(".ipynb", "-mark-scheme.html")
    text = scheme.read_text(encoding="utf-8")
    assert words in text and "Mark scheme" in text
    assert not [m for m in course.MARKERS if m in text]
    [page] = graded.feedback
    assert scheme.name in page.read_text(encoding="utf-8")
    assert words not in page.read_text(encoding="utf-8")


def test_grading_the_instructors_answers_gives_full_autograded_marks(work):
    """The trainee's work is a copy of the source notebook: every autograded point is won."""
    folder = work / ASSIGNMENT[0] / ASSIGNMENT[1]
    source = REPO / "courses" / ASSIGNMENT[0] / "source" / ASSIGNMENT[1] / NOTEBOOK
    shutil.copy(source, folder / NOTEBOOK)
    [graded] = selfpaced.grade(work, only=["/".join(ASSIGNMENT)])
    assert (graded.course, graded.assignment) == ASSIGNMENT
    assert graded.auto_max >= 6 and graded.auto_score == graded.auto_max
    assert graded.manual_max > 0
    [page] = graded.feedback
    assert page == work / "feedback" / ASSIGNMENT[0] / ASSIGNMENT[1] / NOTEBOOK.replace(
        ".ipynb", ".html"
    )
    assert "evaluating-and-adapting" in page.read_text(encoding="utf-8")


def test_grading_with_no_work_says_to_build_first(tmp_path):
    with pytest.raises(ValueError, match="build"):
        selfpaced.grade(tmp_path)


def test_start_page_links_every_course_exercise_and_tool():
    """Every link resolves in the work layout, and every assignment and exercise is linked."""
    nb = nbformat.read(str(REPO / "courses" / "start.ipynb"), as_version=4)
    links = {m for c in nb.cells for m in LINK.findall(c.source) if "://" not in m}

    def in_repo(link: str) -> Path:
        if link in selfpaced.FILES:  # copied into the work folder by the build
            return selfpaced.FILES[link]
        parts = Path(link).parts
        if parts[0] in ("exercises", "dashboards"):
            return REPO / link
        course_name, assignment, *rest = parts
        return REPO / "courses" / course_name / "source" / assignment / Path(*rest)

    assert [x for x in links if not in_repo(x).exists()] == []
    for course_dir, assignment in course.find_assignments(REPO / "courses"):
        for nb_path in (course_dir / "source" / assignment).glob("*.ipynb"):
            assert f"{course_dir.name}/{assignment}/{nb_path.name}" in links
    for ex in (REPO / "exercises").glob("*.ipynb"):
        assert f"exercises/{ex.name}" in links
    assert "dashboards/cen-dashboard.ipynb" in links
