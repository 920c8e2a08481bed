"""Grading on the workshop hub (issue 12): the formgrader's Autograde and ``cenlab course grade``
run as the course's grader account, every trainee's cells in bubblewrap and the tests in a
kernel of their own, on a real hub as in tests/test_hub.py (JupyterHub, configurable-http-proxy,
real Unix users, release, fetch, submit and collect through nbgrader's exchange).

A hostile trainee's first answer cell reaches for the gradebook, the grader's home, the course's
source notebook, another submission, the repository and the hub; it registers an IPython input
transformer that turns every later cell into ``pass`` and sets every answer to an object equal to
anything. Autograded in the formgrader, it scores 0 on every item and changes nothing but its
own grades.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import test_hub as th
from test_hub import ASSIGNMENT, COURSE, NOTEBOOK, _cell

sys.path.insert(0, str(th.HUB))
from cenlab_hub import state as state_mod  # noqa: E402

P = f"cltest-{secrets.token_hex(2)}-"
INSTRUCTOR, HONEST, BLANK, HOSTILE = (f"{P}{x}" for x in ("ins", "ta", "tb", "tc"))
GRADER = f"{P}g-{COURSE}"
MARK = f"solution-{secrets.token_hex(4)}"  # in the source notebook's answers only
HIDDEN = f"hidden-{secrets.token_hex(4)}"  # in a hidden test only
TOTAL = f"def total_kg(weights):\n    return float(sum(weights))  # {MARK}"
SEIZED = f"seized_kg = 12.5  # {MARK}"
TESTS = {"test_total": 2.0, "test_seized": 1.0}

pytestmark = pytest.mark.timeout(600)


def make_course(root: Path) -> None:
    """Two answers, each with its test; the second test has a hidden part."""
    course = root / COURSE
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE!r}\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    answer = {"grade": False, "solution": True, "locked": False}
    test = {"grade": True, "solution": False, "locked": True}
    hidden = f"### BEGIN HIDDEN TESTS\nassert seized_kg * RATE == 6.25, {HIDDEN!r}\n"
    nb.cells = [
        _cell("markdown", "Weigh a consignment."),
        _cell("code", "RATE = 0.5", grade=False, solution=False, locked=True, grade_id="given"),
        _cell("code", f"### BEGIN SOLUTION\n{TOTAL}\n### END SOLUTION", grade_id="a1", **answer),
        _cell("code", "assert total_kg([1, 2.5]) == 3.5", grade_id="test_total", points=2, **test),
        _cell("code", f"### BEGIN SOLUTION\n{SEIZED}\n### END SOLUTION", grade_id="a2", **answer),
        _cell(
            "code",
            f"assert seized_kg == 12.5\n{hidden}### END HIDDEN TESTS",
            grade_id="test_seized",
            points=1,
            **test,
        ),
    ]
    nbformat.write(nb, course / "source" / ASSIGNMENT / NOTEBOOK)


TRICKS = """\
import os, socket
def attempt(what, fn):
    try:
        fn()
        print(what, "REACHED")
    except Exception as err:
        print(what, type(err).__name__)
attempt("gradebook", lambda: open({gradebook!r}, "r+b").write(b"0"))
attempt("grader-home", lambda: open({home!r} + "/.bashrc", "a").write("echo pwned"))
attempt("source", lambda: print(open({source!r}).read()))
attempt("course", lambda: print(os.listdir({course!r})))
attempt("other-submission", lambda: print(open({other!r}).read()))
attempt("repository", lambda: print(os.listdir({repo!r})))
attempt("hub", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5))
class Yes:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
def total_kg(weights):
    return Yes()
seized_kg = Yes()
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["pass\\n"])
ip.events.register("pre_run_cell", lambda info: print("SEEN", info.raw_cell))
"""
REFUSED = [
    "gradebook FileNotFoundError",
    "grader-home FileNotFoundError",
    "source FileNotFoundError",
    "course FileNotFoundError",
    "other-submission FileNotFoundError",
    "repository FileNotFoundError",
    "hub ConnectionRefusedError",
]


@pytest.fixture(scope="module")
def hub(request):
    rows = [(INSTRUCTOR, "Ana Martin", "instructor")]
    rows += [(u, f"Trainee {u[-2:]}", "trainee") for u in (HONEST, BLANK, HOSTILE)]
    return th.start_hub(request.addfinalizer, rows, grader_prefix=f"{P}g-", make=make_course)


@pytest.fixture(scope="module")
def people(hub):
    return {u: hub.login(u) for u in (INSTRUCTOR, HONEST, BLANK, HOSTILE)}


def root(hub) -> Path:
    return hub.state / "courses" / COURSE


def grade_rows(hub) -> dict[str, list[tuple]]:
    """Each trainee's rows of the gradebook tables that hold grades, as stored."""
    db = sqlite3.connect(f"file:{root(hub) / 'gradebook.db'}?mode=ro", uri=True)
    rows: dict[str, list[tuple]] = {}
    try:
        for table in ("grade", "comment", "submitted_notebook", "submitted_assignment"):
            if table in ("grade", "comment"):
                join = (
                    f"JOIN submitted_notebook n ON {table}.notebook_id = n.id "
                    "JOIN submitted_assignment a ON n.assignment_id = a.id"
                )
            elif table == "submitted_notebook":
                join = "JOIN submitted_assignment a ON submitted_notebook.assignment_id = a.id"
            else:
                join = "JOIN submitted_assignment a ON submitted_assignment.id = a.id"
            query = f"SELECT a.student_id, {table}.* FROM {table} {join} ORDER BY {table}.id"
            for student, *row in db.execute(query):
                rows.setdefault(student, []).append((table, *row))
    finally:
        db.close()
    return rows


def tree(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: (mode, owner, content digest or link target)."""
    out = {}
    for base, dirs, files in os.walk(folder):
        for name in [base, *(os.path.join(base, n) for n in dirs + files)]:
            st = os.lstat(name)
            if os.path.islink(name):
                what = os.readlink(name)
            elif os.path.isfile(name):
                what = hashlib.sha256(Path(name).read_bytes()).hexdigest()
            else:
                what = "folder"
            out[os.path.relpath(name, folder)] = (st.st_mode, st.st_uid, what)
    return out


def scores(hub, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root(hub) / 'gradebook.db'}", COURSE) as gb:
        nb = gb.find_submission_notebook(NOTEBOOK[: -len(".ipynb")], ASSIGNMENT, student)
        return {g.name: g.score for g in nb.grades if g.name in TESTS}


# --- the grader's configuration ------------------------------------------------------------


def test_the_grader_config_autogrades_with_cenlabs_confined_pipeline(tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    from cenlab.course.grading.settings import AUTOGRADE_PREPROCESSORS, FEEDBACK_PREPROCESSORS

    assert state_mod.AUTOGRADE_PREPROCESSORS == AUTOGRADE_PREPROCESSORS
    assert state_mod.FEEDBACK_PREPROCESSORS == FEEDBACK_PREPROCESSORS
    settings = {"exchange": "/x", "courses": {"c1": {"grader": "g", "root": "/r"}}}
    state_mod.write_jupyter_config(tmp_path, settings)
    etc = tmp_path / "etc"
    cfg = PyFileConfigLoader("nbgrader_config.py", str(etc / "grader-c1")).load_config()
    assert cfg.Autograde.autograde_preprocessors == AUTOGRADE_PREPROCESSORS
    assert cfg.GenerateFeedback.preprocessors == FEEDBACK_PREPROCESSORS
    assert cfg.CourseDirectory.root == "/r"
    for role in ("trainee", "instructor"):  # they never autograde
        assert "autograde_preprocessors" not in (etc / role / "nbgrader_config.py").read_text()


def test_grading_problem_says_why_the_grader_cannot_run_python(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    python = private / "python"
    python.symlink_to(sys.executable)
    got = state_mod.grading_problem("nobody", python=str(python))
    expected = f"{python} does not run as nobody: runuser: failed to execute {python}: "
    assert got == expected + "Permission denied"


def test_collected_files_of_the_course_owner_are_graded_another_trainees_are_not(tmp_path):
    """Vetting accepts the files of the account that owns the course (the hub's collect copies
    submissions as the grader account), so root grading a hub's course takes them too; a file
    of any other account is a submission filed in that trainee's name."""
    from cenlab.course.grading.vetting import course_owner, foreign_files

    grader, other = pwd.getpwnam("nobody"), pwd.getpwnam("daemon")
    folder = tmp_path / "course" / "submitted" / "t" / "a"
    folder.mkdir(parents=True)
    (folder / "nb.ipynb").write_text("{}")
    for path in (tmp_path / "course", folder, folder / "nb.ipynb"):
        os.lchown(path, grader.pw_uid, grader.pw_gid)
    assert course_owner(folder) == grader.pw_uid
    assert course_owner(tmp_path) is None  # not a submission folder
    assert foreign_files(folder, "t") == []
    os.lchown(folder / "nb.ipynb", other.pw_uid, -1)
    assert foreign_files(folder, "t") == [("nb.ipynb", "daemon")]


# --- release, fetch, submit, collect -------------------------------------------------------


def test_three_trainees_submit_and_the_instructor_collects(hub, people):
    ins = people[INSTRUCTOR]
    assert ins.service("GET", "/formgrader").status_code == 200, hub.tail()
    for action in ("assign", "release"):
        r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}")
        assert r.status_code == 200 and r.json()["success"], r.text
    tricks = TRICKS.format(
        gradebook=str(root(hub) / "gradebook.db"),
        home=pwd.getpwnam(GRADER).pw_dir,
        source=str(root(hub) / "source" / ASSIGNMENT / NOTEBOOK),
        course=str(root(hub)),
        other=str(root(hub) / "submitted" / HONEST / ASSIGNMENT / NOTEBOOK),
        repo=str(th.REPO),
        port=hub.url.rsplit(":", 1)[1],
    )
    answers = {HONEST: [TOTAL, SEIZED], BLANK: [], HOSTILE: [tricks]}
    path = f"/api/contents/{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    for user, sources in answers.items():
        client = people[user]
        client.start_server()
        assert client.nbgrader("fetch", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
        nb = client.server("GET", path).json()["content"]
        cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
        for cell, source in zip(cells, sources, strict=False):
            cell["source"] = source
        r = client.server("PUT", path, json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code == 200, r.text
        assert client.nbgrader("submit", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
        r = client.hub_api("DELETE", f"/users/{user}/server")  # free the machine for grading
        assert r.status_code in (202, 204), r.text
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert r.status_code == 200 and r.json()["success"], r.text
    submitted = root(hub) / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(answers)
    grader = pwd.getpwnam(GRADER).pw_uid
    for user in answers:  # the hub's collect copied them: the grader account owns them
        assert (submitted / user / ASSIGNMENT / NOTEBOOK).stat().st_uid == grader


# --- the formgrader's Autograde --------------------------------------------------------------


def autograde(people, student: str) -> dict:
    r = people[INSTRUCTOR].service(
        "POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde"
    )
    assert r.status_code == 200, r.text
    return r.json()


BEFORE: dict = {}  # the gradebook rows, grader home and course before the hostile autograde


def test_the_formgrader_grades_the_honest_and_the_blank_submission(hub, people):
    for student in (HONEST, BLANK):
        result = autograde(people, student)
        assert result["success"], result
    assert scores(hub, HONEST) == TESTS
    assert scores(hub, BLANK) == {name: 0.0 for name in TESTS}
    BEFORE.update(
        rows=grade_rows(hub),
        home=tree(Path(pwd.getpwnam(GRADER).pw_dir)),
        course=tree(root(hub)),
    )


def test_a_hostile_submission_scores_zero_and_changes_nothing_else(hub, people):
    assert BEFORE, "the honest and blank submissions were not autograded"
    result = autograde(people, HOSTILE)
    assert result["success"], result
    assert scores(hub, HOSTILE) == {name: 0.0 for name in TESTS}
    rows = grade_rows(hub)
    assert sorted(rows) == sorted([HONEST, BLANK, HOSTILE])
    for student in (HONEST, BLANK):
        assert rows[student] == BEFORE["rows"][student], student
    assert tree(Path(pwd.getpwnam(GRADER).pw_dir)) == BEFORE["home"]
    after = tree(root(hub))
    changed = sorted(
        k for k in after.keys() | BEFORE["course"].keys() if after.get(k) != BEFORE["course"].get(k)
    )
    graded = f"autograded/{HOSTILE}/{ASSIGNMENT}"
    files = [NOTEBOOK, "timestamp.txt", "submission_secret.txt"]  # as submitted
    assert changed == sorted(
        [f"autograded/{HOSTILE}", graded, *(f"{graded}/{f}" for f in files), "gradebook.db"]
    )
    text = (root(hub) / graded / NOTEBOOK).read_text()
    assert MARK not in text  # nothing of the source notebook's answers
    cells = {
        c.metadata["nbgrader"]["grade_id"]: c.outputs
        for c in nbformat.reads(text, as_version=4).cells
        if c.cell_type == "code"
    }
    printed = "".join(o.get("text", "") for o in cells["a1"]).splitlines()
    assert printed == REFUSED
    # The transformer turned the trainee's own next cell into `pass` (its stub did not raise)
    # and the hook saw that cell only: never a test, which ran elsewhere and failed.
    assert [o.get("text") for o in cells["a2"]] == [
        "SEEN # YOUR CODE HERE\nraise NotImplementedError()\n"
    ]
    # The transformer also blanks every question the tests ask the trainee's kernel, so the
    # tests find no answer at all.
    errors = {g: [(o.get("ename"), o.get("evalue")) for o in cells[g]] for g in TESTS}
    unanswered = [("TraineeError", "the trainee's notebook did not answer")]
    assert errors == {"test_total": unanswered, "test_seized": unanswered}
    assert HIDDEN not in str(list(cells.values()))


# --- cenlab course grade, as the grader account ------------------------------------------------


def test_cenlab_course_grade_as_the_grader_grades_what_the_hub_collected(hub):
    """The grader account grades the hub's collected submissions; one whose files belong to
    another trainee is set aside with that trainee's grades kept."""
    forged = root(hub) / "submitted" / BLANK / ASSIGNMENT / NOTEBOOK
    os.lchown(forged, pwd.getpwnam(HONEST).pw_uid, -1)
    before = grade_rows(hub)
    home = pwd.getpwnam(GRADER).pw_dir
    cmd = ["runuser", "-u", GRADER, "--", "env", f"HOME={home}"]
    cmd += [th.PREFIX / "venv" / "bin" / "cenlab", "course", "grade", root(hub), ASSIGNMENT]
    done = subprocess.run([*cmd, "--no-progress"], capture_output=True, text=True, cwd=home)
    assert done.returncode == 0, done.stderr
    from cenlab.course.grading.run import read_status

    status = read_status(root(hub) / "reports" / f"{ASSIGNMENT}-status.csv")
    got = {s: (row["status"], row["score"], row["message"]) for s, row in status.items()}
    set_aside = (
        f"filed under {BLANK} but its files belong to {HONEST}: set aside, {BLANK}'s earlier "
        "work is untouched"
    )
    assert got == {
        HONEST: ("graded", "3.0", "graded normally"),
        BLANK: ("set-aside", "0.0", set_aside),
        HOSTILE: ("graded", "0.0", "graded normally"),
    }, done.stdout
    assert "kernels run in bubblewrap as you; tests in a kernel of their own" in done.stdout
    assert scores(hub, HONEST) == TESTS
    assert scores(hub, HOSTILE) == {name: 0.0 for name in TESTS}
    assert grade_rows(hub)[BLANK] == before[BLANK]
