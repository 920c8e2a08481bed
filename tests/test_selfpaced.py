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
    backup = mine.with_name(f"{NOTEBOOK}.bak")
    try:
        copied = selfpaced.build(work, only=["/".join(ASSIGNMENT)])
        assert mine.read_text(encoding="utf-8") == "my answers"
        assert copied == []
    finally:
        selfpaced.build(work, only=["/".join(ASSIGNMENT)], force=True)
    assert mine.read_text(encoding="utf-8") != "my answers"
    assert backup.read_text(encoding="utf-8") == "my answers"  # --force keeps it: see below
    backup.unlink()


def _add_cell(path: Path, text: str) -> bytes:
    """The trainee writes in the notebook at ``path`` (a cell of their own); its new bytes."""
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, str(path))
    return path.read_bytes()


def _run_only(path: Path) -> bytes:
    """The notebook at ``path`` as Jupyter saves it once run: outputs and metadata, not one
    cell's text changed; its new bytes."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, str(path))
    return path.read_bytes()


def _built_line(work: Path, n: int) -> str:
    return f"{n} new {'item' if n == 1 else 'items'} in {work}; open {work / 'start.ipynb'}\n"


def test_build_restores_edited_or_missing_data_and_keeps_the_edited_copy(work, capsys, monkeypatch):
    """``make lab`` again after a data file was edited or deleted (or the stamp lost) puts back
    the data made for this trainee, keeps what they wrote as ``<name>.edited`` (``-2``, ``-3``
    when taken), says so in one line per assignment and never touches the notebook or any
    other file of theirs."""
    from cenlab.course import mydata, personal

    for name in (mydata.SERVICES, "JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    folder = work / ASSIGNMENT[0] / ASSIGNMENT[1]
    data, stamp, notes = folder / "passengers.csv", folder / personal.STAMP, folder / "notes.txt"
    theirs, their_stamp = data.read_bytes(), stamp.read_bytes()
    fresh = (folder / NOTEBOOK).read_bytes()
    answered = _add_cell(folder / NOTEBOOK, "My answer: cash and late booking.")
    notes.write_text("my notes\n")
    (folder / "passengers.csv.edited").write_bytes(b"kept from before\n")
    data.write_bytes(b"my edits\n")
    build = ["build", "--work", str(work), "/".join(ASSIGNMENT)]
    try:
        capsys.readouterr()
        assert selfpaced.main(build) == 0
        assert capsys.readouterr().out == (
            f"restored your own data in {folder}: passengers.csv (your edited copy kept as "
            f"passengers.csv.edited-2)\n" + _built_line(work, 0)
        )
        assert data.read_bytes() == theirs and stamp.read_bytes() == their_stamp
        assert (folder / "passengers.csv.edited-2").read_bytes() == b"my edits\n"
        assert (folder / "passengers.csv.edited").read_bytes() == b"kept from before\n"
        assert (folder / NOTEBOOK).read_bytes() == answered
        assert notes.read_text() == "my notes\n"

        data.unlink()
        assert selfpaced.main(build) == 0
        assert capsys.readouterr().out == (
            f"restored your own data in {folder}: passengers.csv\n" + _built_line(work, 0)
        )
        assert data.read_bytes() == theirs

        stamp.unlink()
        assert selfpaced.main(build) == 0
        assert capsys.readouterr().out == (
            f"restored the record of your own data ({personal.STAMP}) in {folder}; your data "
            "files were already right\n" + _built_line(work, 0)
        )
        assert stamp.read_bytes() == their_stamp

        assert selfpaced.main(build) == 0  # nothing to restore: nothing said, nothing done
        assert capsys.readouterr().out == _built_line(work, 0)
        assert mydata.my_data(*ASSIGNMENT, folder=folder) == ["passengers.csv"]
        assert capsys.readouterr().out == ""  # the notebook's first cell is content
        assert (folder / NOTEBOOK).read_bytes() == answered
        assert sorted(p.name for p in folder.glob("passengers.csv*")) == [
            "passengers.csv", "passengers.csv.edited", "passengers.csv.edited-2"
        ]  # fmt: skip
    finally:
        (folder / NOTEBOOK).write_bytes(fresh)
        for extra in [notes, *folder.glob("passengers.csv.edited*")]:
            extra.unlink()


def test_force_keeps_an_edited_notebook_as_bak_and_the_trainees_other_files(work, capsys):
    """``--force`` replaces the assignment's files with a fresh copy; it never silently destroys
    a notebook the trainee wrote in: one whose cells differ from the release is kept first as
    ``<name>.ipynb.bak`` (``-2``, ``-3`` when taken), and said. Files of their own stay."""
    folder = work / ASSIGNMENT[0] / ASSIGNMENT[1]
    notebook, notes = folder / NOTEBOOK, folder / "notes.txt"
    fresh = notebook.read_bytes()
    answered = _add_cell(notebook, "My answer: cash and late booking.")
    older = folder / f"{NOTEBOOK}.bak"
    older.write_bytes(b"an older backup\n")
    notes.write_text("my notes\n")
    force = ["build", "--force", "--work", str(work), "/".join(ASSIGNMENT)]
    try:
        capsys.readouterr()
        assert selfpaced.main(force) == 0
        assert capsys.readouterr().out == (
            f"replaced {folder} with a fresh copy; your edited copy kept as {NOTEBOOK}.bak-2\n"
            + _built_line(work, 1)
        )
        assert notebook.read_bytes() == fresh
        assert (folder / f"{NOTEBOOK}.bak-2").read_bytes() == answered
        assert older.read_bytes() == b"an older backup\n"
        assert notes.read_text() == "my notes\n"

        _run_only(notebook)  # run, not written in: nothing of theirs to keep
        assert selfpaced.main(force) == 0
        assert capsys.readouterr().out == _built_line(work, 1)
        assert notebook.read_bytes() == fresh
        assert sorted(p.name for p in folder.glob("*.bak*")) == [
            f"{NOTEBOOK}.bak", f"{NOTEBOOK}.bak-2"
        ]  # fmt: skip
    finally:
        notebook.write_bytes(fresh)
        for extra in [notes, *folder.glob("*.bak*")]:
            extra.unlink()


def test_force_with_an_assignment_named_replaces_that_assignment_only(work):
    """``build --force course/assignment`` leaves the exercises, dashboard, glossary and start
    page as the trainee has them."""
    shared = [
        work / "exercises" / "00-python-for-cen-data.ipynb",
        work / "dashboards" / "cen-dashboard.ipynb",
        work / "start.ipynb",
    ]
    glossary = work / "exercises" / "glossary.md"
    before = {p: p.read_bytes() for p in [*shared, glossary]}
    edited = {p: _add_cell(p, "my own cell") for p in shared}
    glossary.write_bytes(before[glossary] + b"\nmy own word\n")
    edited[glossary] = glossary.read_bytes()
    try:
        copied = selfpaced.build(work, only=["/".join(ASSIGNMENT)], force=True)
        assert copied == [work / ASSIGNMENT[0] / ASSIGNMENT[1]]
        assert {p: p.read_bytes() for p in edited} == edited
        assert [p for p in work.rglob("*") if p.suffix.startswith((".bak", ".edited"))] == []
    finally:
        for path, content in before.items():
            path.write_bytes(content)


@pytest.fixture
def one_course(tmp_path) -> Path:
    """A courses folder with one course of one assignment and the start page, so that a build
    of "everything" stays quick."""
    root, own = tmp_path / "courses", REPO / "courses" / ASSIGNMENT[0]
    (root / ASSIGNMENT[0]).mkdir(parents=True)
    for name in ("nbgrader_config.py", "build_data.py"):
        shutil.copy(own / name, root / ASSIGNMENT[0] / name)
    shutil.copytree(own / "source" / ASSIGNMENT[1], root / ASSIGNMENT[0] / "source" / ASSIGNMENT[1])
    shutil.copy(REPO / "courses" / "start.ipynb", root / "start.ipynb")
    return root


def test_force_with_no_assignment_named_replaces_shared_items_keeping_edited_ones(
    one_course, tmp_path, capsys
):
    """``build --force`` alone replaces the shared items too, by the same rule: an edited
    notebook kept as ``.ipynb.bak``, another edited file as ``.edited``, a notebook only run
    replaced, a file of the trainee's own left."""
    work = tmp_path / "work"
    selfpaced.build(work, courses_root=one_course)
    exercise = work / "exercises" / "00-python-for-cen-data.ipynb"
    run_only = work / "exercises" / "01-pandas-basics.ipynb"
    start, glossary = work / "start.ipynb", work / "exercises" / "glossary.md"
    mine = work / "exercises" / "my-notes.txt"
    fresh = {p: p.read_bytes() for p in (exercise, run_only, start, glossary)}
    wrote = {exercise: _add_cell(exercise, "my own cell"), start: _add_cell(start, "my plan")}
    _run_only(run_only)
    glossary.write_bytes(fresh[glossary] + b"\nmy own word\n")
    mine.write_text("my notes\n")
    capsys.readouterr()
    copied = selfpaced.build(work, force=True, courses_root=one_course)
    assert capsys.readouterr().out.splitlines() == [
        f"replaced {exercise} with a fresh copy; your edited copy kept as {exercise.name}.bak",
        f"replaced {glossary} with a fresh copy; your edited copy kept as glossary.md.edited",
        f"replaced {start} with a fresh copy; your edited copy kept as start.ipynb.bak",
    ]
    assert {p: p.read_bytes() for p in fresh} == fresh
    assert exercise.with_name(f"{exercise.name}.bak").read_bytes() == wrote[exercise]
    assert start.with_name("start.ipynb.bak").read_bytes() == wrote[start]
    assert glossary.with_name("glossary.md.edited").read_bytes() == fresh[glossary] + (
        b"\nmy own word\n"
    )
    assert mine.read_text() == "my notes\n"
    assert not run_only.with_name(f"{run_only.name}.bak").exists()
    assert work / "start.ipynb" in copied and work / ASSIGNMENT[0] / ASSIGNMENT[1] in copied


def test_bad_input_is_one_line_exit_2_and_changes_nothing(tmp_path, capsys):
    work = tmp_path / "work"
    known = ", ".join(f"{c.name}/{a}" for c, a in course.find_assignments(REPO / "courses"))
    assert selfpaced.main(["build", "--work", str(work), "risk-profiling/99-nothing"]) == 2
    assert capsys.readouterr() == (
        "",
        f"selfpaced: unknown assignment 'risk-profiling/99-nothing'; known: {known}\n",
    )
    assert not work.exists()


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


OWN_DATA = (
    "Your data are made for you alone: a classmate's counts, ids, dates, even the top country "
    "or busiest month, differ from yours; compare methods, not numbers; grading uses your own "
    "data."
)


def test_the_start_page_and_the_glossary_say_the_data_are_the_trainees_own():
    """Where the start page speaks of the graded courses it says, in one sentence, that each
    trainee's data differ; the glossary's entry *own data* says it in the same words."""
    nb = nbformat.read(str(REPO / "courses" / "start.ipynb"), as_version=4)
    [graded] = [c.source for c in nb.cells if c.source.startswith("## The graded courses")]
    assert OWN_DATA in " ".join(graded.split())
    glossary = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = re.findall(r"^\*\*(.+?)\.\*\* ", glossary, flags=re.MULTILINE)
    assert terms.count("Own data") == 1 and len(terms) == len(set(terms))
    [entry] = [p for p in glossary.split("\n\n") if p.startswith("**Own data.**")]
    entry = " ".join(entry.split()).lower()
    for words in ("made for you alone", "compare methods, not numbers",
                  "grading uses your own data", "counts, ids, dates"):  # fmt: skip
        assert words in entry and words in OWN_DATA.lower()
