"""cenlab course grade on a small cohort: the sandbox holds, a submission filed in another
trainee's name is set aside, parallel scores equal serial ``nbgrader autograde``, and a second
run changes nothing. The vetting and merging rules are checked without kernels too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from trees import make_deep, remove_deep

from cenlab import course
from cenlab.course import cohort, grading
from cenlab.course.grading import sandbox

COURSE = Path(__file__).resolve().parent.parent / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
NOTEBOOK = "exploring-seizures"
ALICE, BOB = "cenlab-alice", "cenlab-bob"  # trainees with accounts on this machine
ORDINARY = ["perfect", "mistakes", "mistakes", "blank"]
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="grading drops privileges: needs root")


def copy_course(tmp: Path) -> Path:
    dest = tmp / COURSE.name
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    course.build(dest)
    return dest


def scores(course_dir: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE.name) as gb:
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            out[sub.student.id] = {
                g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                for nb in sub.notebooks
                for g in nb.grades
            }
    return out


def account(name: str) -> int:
    if subprocess.run(["id", "-u", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
    return int(subprocess.run(["id", "-u", name], capture_output=True).stdout)


def chown_tree(folder: Path, uid: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, uid, -1)


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    """Ordinary trainees, one writing into the instructor's home and the gradebook, and bob
    submitting from his own account; graded twice in parallel; then alice files a submission
    in bob's name and the cohort is graded a third time."""
    tmp = tmp_path_factory.mktemp("grading")
    course_dir = copy_course(tmp)
    kinds = cohort.simulate(course_dir, ASSIGNMENT, kinds=[*ORDINARY, "writes-outside"])
    cohort.write_submission(course_dir, ASSIGNMENT, BOB, "perfect")
    chown_tree(course_dir / "submitted" / BOB, account(BOB))
    first = grading.grade(course_dir, ASSIGNMENT, jobs=2, progress=False)
    after_first = scores(course_dir)
    second = grading.grade(course_dir, ASSIGNMENT, jobs=2, progress=False)
    after_second = scores(course_dir)
    bob_nb = course_dir / "autograded" / BOB / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    bob_bytes = bob_nb.read_bytes()
    cohort.write_submission(course_dir, ASSIGNMENT, BOB, "blank")  # alice's doing
    chown_tree(course_dir / "submitted" / BOB, account(ALICE))
    third = grading.grade(course_dir, ASSIGNMENT, jobs=2, progress=False, students=[BOB])
    return dict(
        course=course_dir,
        kinds=kinds,
        runs=(first, second, third),
        scores=(after_first, after_second, scores(course_dir)),
        bob=(bob_bytes, bob_nb.read_bytes()),
    )


@root_only
def test_a_cell_writing_into_the_instructors_home_or_the_gradebook_fails(cohort_run):
    course_dir = cohort_run["course"]
    student = next(s for s, k in cohort_run["kinds"].items() if k == "writes-outside")
    got = cohort_run["runs"][0].outcomes[student]
    assert got.status == "blocked"
    assert "reached outside its folder" in got.message
    assert not (Path.home() / "cenlab-was-here.txt").exists()
    assert b"a trainee was here" not in (course_dir / "gradebook.db").read_bytes()
    perfect = next(s for s, k in cohort_run["kinds"].items() if k == "perfect")
    assert cohort_run["runs"][0].outcomes[perfect].score == 15.0
    assert got.score == 13.0  # only the answer holding the hostile code lost its points


@root_only
def test_a_submission_filed_in_another_trainees_name_is_set_aside(cohort_run):
    first, _, third = cohort_run["runs"]
    assert first.outcomes[BOB].status == "graded" and first.outcomes[BOB].score == 15.0
    got = third.outcomes[BOB]
    assert got.status == "set-aside"
    assert f"filed under {BOB} but its files belong to {ALICE}" in got.message
    assert "earlier work is untouched" in got.message
    assert cohort_run["scores"][2] == cohort_run["scores"][1]  # bob's grades kept
    before, after = cohort_run["bob"]
    assert before == after  # bob's autograded notebook kept


@root_only
def test_a_second_grade_run_changes_nothing(cohort_run):
    first, second, _ = cohort_run["runs"]
    assert cohort_run["scores"][0] == cohort_run["scores"][1]
    assert {s: o.status for s, o in first.outcomes.items()} == {
        s: o.status for s, o in second.outcomes.items()
    }


@root_only
def test_parallel_scores_equal_serial_nbgrader_autograde(cohort_run, tmp_path):
    """The ordinary trainees' submissions, graded by `nbgrader autograde` in a fresh copy."""
    course_dir = copy_course(tmp_path)
    students = [s for s, k in cohort_run["kinds"].items() if k in ORDINARY]
    for s in students:
        src = cohort_run["course"] / "submitted" / s
        shutil.copytree(src, course_dir / "submitted" / s)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [Path(sys.executable).parent / "nbgrader", "autograde", ASSIGNMENT, "--force"]
    done = subprocess.run(cmd, cwd=course_dir, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    serial = scores(course_dir)
    parallel = cohort_run["scores"][0]
    assert {s: serial[s] for s in students} == {s: parallel[s] for s in students}


def test_grade_stops_in_one_line_when_bubblewrap_cannot_start(tmp_path, monkeypatch):
    from cenlab.course.grading import bubble

    monkeypatch.setattr(bubble.shutil, "which", lambda name: None)
    with pytest.raises(ValueError) as err:
        grading.grade(COURSE, ASSIGNMENT, progress=False)
    assert str(err.value) == (
        "cannot sandbox trainees' code: bubblewrap is not installed: install the Debian "
        "package bubblewrap"
    )


def test_unknown_grader_settings_are_named(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CenlabGrader.tmeout = 3\n")
    with pytest.raises(ValueError, match=r"unknown CenlabGrader settings \['tmeout'\]"):
        grading.CenlabGrader.from_config(course.load_config(tmp_path))


KNOWN = "['file_mb', 'max_output_bytes', 'memory_mb', 'notebook_timeout', 'processes']"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("c.CenlabGrader.tmeout = 3", f"unknown CenlabGrader settings ['tmeout']; known: {KNOWN}"),
        (
            "c.CenlabGrader.memory_mb = '4 GB'",
            "c.CenlabGrader.memory_mb must be an int, not '4 GB'",
        ),
        (
            "c.CenlabGrader.notebook_timeout = 2.5",
            "c.CenlabGrader.notebook_timeout must be an int, not 2.5",
        ),
    ],
)
def test_a_wrong_grader_setting_stops_grading_with_one_line_naming_it(tmp_path, line, message):
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\n{line}\n")
    with pytest.raises(ValueError) as err:
        grading.CenlabGrader.from_config(course.load_config(tmp_path))
    assert str(err.value) == message


def test_limits_come_from_the_course_config():
    got = grading.CenlabGrader.from_config(course.load_config(COURSE))
    assert got.cell_timeout == 60 and got.max_output_bytes == 1_000_000


def test_grader_limits_default_to_the_documented_values(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    got = grading.CenlabGrader.from_config(course.load_config(tmp_path))
    assert (got.max_output_bytes, got.notebook_timeout, got.cell_timeout) == (1_000_000, 600, 30)
    assert got.kernel_limits() == {"memory_mb": 4096, "file_mb": 512, "processes": 512}
    limits = got.bubble_limits()
    assert (limits.memory_mb, limits.file_mb, limits.processes) == (4096, 512, 512)
    assert limits.cpu_seconds == 600  # CPU time: the whole notebook's limit


# --- vetting without kernels ------------------------------------------------------------------


def release_notebook():
    from nbformat.v4 import new_code_cell, new_notebook

    def meta(gid, **kw):
        base = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
        return {"nbgrader": {**base, "grade_id": gid, **kw}}

    from nbgrader.utils import compute_checksum

    cells = [
        new_code_cell("x = None", metadata=meta("q1", solution=True)),
        new_code_cell("assert x == 1, 'x'", metadata=meta("q1-tests", grade=True, locked=True)),
        new_code_cell("y = None", metadata=meta("q2", solution=True)),
        new_code_cell("assert y == 2, 'y'", metadata=meta("q2-tests", grade=True, locked=True)),
    ]
    for c in cells:
        c.metadata.nbgrader["points"] = 1
        c.metadata.nbgrader["checksum"] = compute_checksum(c)
    return new_notebook(cells=cells)


def test_a_deleted_test_cell_is_put_back_in_its_place():
    release = release_notebook()
    nb = nbformat.from_dict(release)
    del nb.cells[1]
    o = grading.Outcome("t")
    assert grading.restore_locked_cells(nb, release, o)
    assert [c.metadata.nbgrader.grade_id for c in nb.cells] == ["q1", "q1-tests", "q2", "q2-tests"]
    assert o.status == "restored" and "q1-tests was deleted and was put back" in o.message


def test_an_edited_or_unlocked_test_cell_is_replaced_by_the_original():
    release = release_notebook()
    nb = nbformat.from_dict(release)
    nb.cells[1].source = "pass"
    nb.cells[3].metadata.nbgrader.update(points=100, locked=False)
    nb.cells[0].source = "x = 1"  # an answer: not touched
    o = grading.Outcome("t")
    assert grading.restore_locked_cells(nb, release, o)
    assert nb.cells[1].source == release.cells[1].source
    assert nb.cells[3].metadata.nbgrader.points == 1 and nb.cells[0].source == "x = 1"
    assert o.message.count("was changed; the original was used") == 2


def test_vet_sets_aside_links_and_foreign_files_and_reads_nothing_it_cannot(tmp_path):
    release = release_notebook()
    sub = tmp_path / "sub"
    sub.mkdir()
    nbformat.write(release, str(sub / "nb.ipynb"))
    (sub / "secret").symlink_to("/etc/hostname")
    got = grading.vet(sub, tmp_path / "dest", "t", {"nb": release}, {})
    assert got.notebooks == ["nb"] and not (tmp_path / "dest" / "secret").exists()
    assert "ignored secret: links and special files are not graded" in got.outcome.message
    (sub / "nb.ipynb").write_text('{"cells": [')
    got = grading.vet(sub, tmp_path / "dest2", "t", {"nb": release}, {})
    assert got.outcome.status == "unreadable" and got.notebooks == []


def test_vet_of_a_thousand_nested_folders_is_a_note_not_a_crash(tmp_path):
    """A submission nested deeper than Python's recursion limit: its notebook is graded, the
    deep folders are left out with one note."""
    release = release_notebook()
    sub = tmp_path / "sub"
    sub.mkdir()
    nbformat.write(release, str(sub / "nb.ipynb"))
    deep = Path(make_deep(sub, 1200))
    (deep / "x.txt").write_text("x")
    (sub / "a" / "kept.txt").write_text("kept")
    try:
        got = grading.vet(sub, tmp_path / "dest", "t", {"nb": release}, {})
    finally:
        remove_deep(sub / "a")
    assert got.notebooks == ["nb"] and got.outcome.status == "graded"
    assert (tmp_path / "dest" / "a" / "kept.txt").read_text() == "kept"
    lost = "/".join(["a"] * grading.vetting.MAX_DEPTH)
    assert got.outcome.notes == [f"ignored {lost}: folders 16 deep are not graded"]


@root_only
def test_foreign_files_name_their_owner(tmp_path):
    uid = account(ALICE)
    (tmp_path / "nb.ipynb").write_text("{}")
    assert grading.foreign_files(tmp_path, BOB) == []
    os.lchown(tmp_path / "nb.ipynb", uid, -1)
    assert grading.foreign_files(tmp_path, BOB) == [("nb.ipynb", ALICE)]
    assert grading.foreign_files(tmp_path, ALICE) == []  # her own files


@root_only
def test_two_gradings_at_once_never_share_a_grader_account():
    with sandbox.reserved_accounts(2) as first, sandbox.reserved_accounts(1) as second:
        names = [a.name for a in first + second]
        assert len(set(names)) == 3 and all(n.startswith("cenlab-grader") for n in names)
    with sandbox.reserved_accounts(1) as again:  # released when a grading ends
        assert again[0].name in names


def test_every_course_autogrades_through_the_confined_pipeline():
    """A plain `nbgrader autograde` (or the formgrader) in a course folder runs the same
    pipeline as `cenlab course grade`: nbgrader's own, with Execute replaced."""
    from nbgrader.converters import Autograde

    from cenlab.course.grading.settings import AUTOGRADE_PREPROCESSORS, FEEDBACK_PREPROCESSORS

    stock = [
        f"{p.__module__.rsplit('.', 1)[0]}.{p.__name__}"
        for p in Autograde().autograde_preprocessors
    ]
    assert AUTOGRADE_PREPROCESSORS == [
        "cenlab.course.grading.confined.ConfinedExecute" if p.endswith(".Execute") else p
        for p in stock
    ]
    configs = sorted(COURSE.parent.glob("*/nbgrader_config.py"))
    assert len(configs) == 4
    for path in configs:
        cfg = course.load_config(path.parent)
        assert cfg.Autograde.autograde_preprocessors == AUTOGRADE_PREPROCESSORS, path.parent.name
        assert cfg.GenerateFeedback.preprocessors == FEEDBACK_PREPROCESSORS, path.parent.name
