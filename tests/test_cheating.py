"""Trainee code can neither fool the tests nor read what it should not, with ``cenlab course
grade``: each trick of the grading-integrity issue is a submission with blank answers and the
trick in its first answer cell. Every one earns zero on every autograded item, and no hidden
test's text reaches what the trainee gets back (the feedback page).

One graded run is shared by the module (two trainees at a time).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cenlab import course
from cenlab.course import cohort, grading
from cenlab.course.grading.plan import CellPlan
from cenlab.course.paths import CoursePaths

COURSE = Path(__file__).resolve().parent.parent / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
NOTEBOOK = "exploring-seizures"
MARKER = "cenlab-outlives-its-kernel"
CHECKOUT = Path(__file__).resolve().parent.parent
AUTOGRADED = {  # the assignment's autograded items and their points
    "q1-counts-tests": 1.0,
    **dict.fromkeys(
        [
            f"q{n}-{name}-tests"
            for n, name in enumerate(
                ["sections", "drugs", "monthly", "growth", "routes", "detection", "itr"], start=2
            )
        ],
        2.0,
    ),
}

ALWAYS = """
class _Always:
    def __eq__(self, other): return True
    __ne__ = lambda self, other: False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __sub__(self, other): return 0
    __rsub__ = __add__ = __radd__ = __truediv__ = __rtruediv__ = __mul__ = __sub__
    def __abs__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 0
    def __getattr__(self, name): return self
    def __call__(self, *a, **k): return self
    def __contains__(self, item): return True
    def __iter__(self): return iter(())
    def __float__(self): return 0.0
for _name in NAMES:
    globals()[_name] = _Always()
"""

TRICKS = {
    # kind: code of the first answer cell (NAMES is the list of every answer name)
    "input-transformer": (
        "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"
    ),
    "pre-run-hook": (
        "def _leak(info):\n    print('LEAKED:', info.raw_cell)\n"
        "get_ipython().events.register('pre_run_cell', _leak)"
    ),
    "always-equal": ALWAYS,
    "patched-libraries": (
        "import builtins, numpy as np, pandas as pd\n"
        "builtins.abs = lambda x: 0\n"
        "np.isclose = np.allclose = lambda *a, **k: True\n"
        "pd.DataFrame.equals = pd.Series.equals = lambda *a, **k: True\n"
        "pd.testing.assert_frame_equal = pd.testing.assert_series_equal = lambda *a, **k: None\n"
        "for _name in NAMES:\n    globals()[_name] = 0"
    ),
    "no-tracebacks": (
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "ip.showsyntaxerror = lambda *a, **k: None\n"
        "for _name in NAMES:\n    globals()[_name] = 0"
    ),
    "shadow-module": "for _name in NAMES:\n    globals()[_name] = 0",  # + warnings.py, see below
    "edited-data": None,  # cuts the data file to five rows, then the reference answers
    "reads-outside": None,  # tries to read the checkout, the course, others, the grader's home
    "outlives-kernel": (
        "import subprocess, sys\n"
        "code = 'import os, signal, time\\nfor _ in range(600):\\n"
        "    try: os.kill(-1, signal.SIGKILL)\\n    except OSError: pass\\n    time.sleep(0.1)'\n"
        f"subprocess.Popen([sys.executable, '-c', code, {MARKER!r}], start_new_session=True)"
    ),
    "huge-error": "raise ValueError('x' * 400_000_000)",
}
SHADOW = """import builtins
builtins.abs = lambda x: 0
builtins.AssertionError = type('AssertionError', (Exception,), {})
"""


def _answer_names() -> list[str]:
    nb = nbformat.read(str(COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    return sorted(CellPlan.from_source(nb).answers)


def _reads_outside(course_dir: Path) -> str:
    paths = [
        CHECKOUT / "pyproject.toml",
        CHECKOUT / "courses" / "seizure-analysis" / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
        course_dir / "gradebook.db",
        course_dir / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
        course_dir / "submitted" / "trainee02" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
        Path.home() / ".bashrc",
        Path("/etc/shadow"),
        Path("/run/lock"),
    ]
    lines = ["import os", f"for p in {[str(p) for p in paths]!r}:"]
    lines += ["    try:", "        os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(10)"]
    lines += ["        print('READ-OK', p)", "    except Exception:", "        pass"]
    return "\n".join(lines)


def _edit(course_dir: Path, student: str, kind: str, names: list[str]) -> None:
    folder = CoursePaths(course_dir).submitted(student, ASSIGNMENT)
    path = folder / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    code = TRICKS[kind]
    if kind == "reads-outside":
        code = _reads_outside(course_dir)
    if kind == "edited-data":
        source = CoursePaths(course_dir).source(ASSIGNMENT) / f"{NOTEBOOK}.ipynb"
        reference = cohort._answers(source)
        for cell in answers:
            cell.source = reference[cell.metadata["nbgrader"]["grade_id"]]
        cut = (  # five seizures, none sold online: every answer changes
            "import pandas as _pd\n"
            "_d = _pd.read_csv('seizures.csv', dtype=str, keep_default_na=False)\n"
            "_d[_d['ecommerce'] == 'False'].head(5).to_csv('seizures.csv', index=False)\n"
            "seizures = load_seizures()\n"
        )
        answers[0].source = cut + answers[0].source
    else:
        answers[0].source = f"NAMES = {names!r}\n{code}"
    if kind == "shadow-module":
        (folder / "warnings.py").write_text(SHADOW)
        (folder / "pandas.py").write_text(SHADOW)
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cheating")
    course_dir = tmp / COURSE.name
    shutil.copytree(COURSE, course_dir, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    with (course_dir / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.ExecutePreprocessor.timeout = 60\nc.CenlabGrader.notebook_timeout = 300\n")
    course.build(course_dir)
    kinds = ["perfect", "blank", *TRICKS]
    students = cohort.simulate(
        course_dir, ASSIGNMENT, kinds=[k if k in cohort.KINDS else "blank" for k in kinds]
    )
    by_kind = dict(zip(kinds, students))
    names = _answer_names()
    for kind, student in by_kind.items():
        if kind in TRICKS:
            _edit(course_dir, student, kind, names)
    run = grading.grade(course_dir, ASSIGNMENT, jobs=2, progress=False)
    return course_dir, run, by_kind


def item_scores(course_dir: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE.name) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}


def _autograded(course_dir: Path, student: str):
    path = CoursePaths(course_dir).autograded(student, ASSIGNMENT) / f"{NOTEBOOK}.ipynb"
    return nbformat.read(str(path), as_version=4)


def _hidden_lines() -> list[str]:
    """The code of every hidden test line (not the messages it gives when it fails, which are
    written for the trainee)."""
    nb = nbformat.read(str(COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    out = []
    for cell in nb.cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN")[0]
            for line in hidden.splitlines():
                code = line.split(', "')[0].split(", (")[0].strip()
                if len(code) > 15 and not code.startswith(('"', "'", ")")):
                    out.append(code)
    return out


def test_the_perfect_trainee_scores_full_marks_and_the_blank_one_zero(graded):
    course_dir, run, by_kind = graded
    perfect = item_scores(course_dir, by_kind["perfect"])
    assert run.outcomes[by_kind["perfect"]].status == "graded"
    assert {k: v for k, v in perfect.items() if k.endswith("-tests")} == AUTOGRADED
    assert run.outcomes[by_kind["blank"]].score == 0


@pytest.mark.parametrize("kind", [k for k in TRICKS if k != "outlives-kernel"])
def test_each_trick_earns_zero_on_every_autograded_item(graded, kind):
    course_dir, _, by_kind = graded
    scores = item_scores(course_dir, by_kind[kind])
    auto = {k: v for k, v in scores.items() if k.endswith("-tests")}
    assert auto == dict.fromkeys(AUTOGRADED, 0.0)


def test_no_hidden_test_reaches_the_feedback(graded):
    course_dir, _, by_kind = graded
    hidden = _hidden_lines()
    assert len(hidden) > 10
    course.feedback(course_dir, ASSIGNMENT)
    for kind in TRICKS:
        page = CoursePaths(course_dir).feedback(by_kind[kind], ASSIGNMENT) / f"{NOTEBOOK}.html"
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))  # what a reader sees
        leaked = [ln for ln in hidden if ln in text or json.dumps(ln)[1:-1] in text]
        assert leaked == [], f"{kind}: {leaked[:2]}"


def test_the_pre_run_hook_sees_only_the_trainees_own_cells(graded):
    course_dir, _, by_kind = graded
    nb = _autograded(course_dir, by_kind["pre-run-hook"])
    printed = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name")
    )
    assert printed.count("LEAKED:") >= 7  # it did see the trainee's later cells
    tests = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    visible = [ln for src in tests for ln in src.splitlines() if ln.startswith("assert")]
    assert len(visible) > 5
    assert [ln for ln in visible + _hidden_lines() if ln in printed] == []


def test_a_cell_cannot_read_the_checkout_the_course_others_or_the_graders_home(graded):
    course_dir, _, by_kind = graded
    nb = _autograded(course_dir, by_kind["reads-outside"])
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "READ-OK" not in text


def test_a_process_that_outlives_its_kernel_is_gone_and_harmed_no_one(graded):
    course_dir, run, by_kind = graded
    left = []
    for entry in Path("/proc").iterdir():
        try:
            if MARKER.encode() in (entry / "cmdline").read_bytes():
                left.append(entry.name)
        except OSError:
            continue
    assert left == []
    perfect = item_scores(course_dir, by_kind["perfect"])
    assert {k: v for k, v in perfect.items() if k.endswith("-tests")} == AUTOGRADED


def test_a_400_mb_error_message_is_cut(graded):
    """Formatting a 400 MB traceback outlasts the cell's time limit or the kernel's memory,
    depending on the machine's load. Out of memory, Python raises ``MemoryError``, or the kernel
    process dies when an allocation fails where Python cannot turn it into an exception, and
    the cell says ``KernelDied``. Whichever happens, nothing of it beyond the limits reaches the graded
    notebook and the trainee's outcome names what stopped the cell."""
    course_dir, run, by_kind = graded
    nb = _autograded(course_dir, by_kind["huge-error"])
    assert len(json.dumps(nb)) < 3_000_000
    first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    errors = [o for o in first.outputs if o.get("output_type") == "error"]
    stopped = (["ValueError"], ["CellTimeoutError"], ["MemoryError"], ["KernelDied"])
    assert [o["ename"] for o in errors] in stopped
    assert all(len(o["evalue"]) <= 2_000 for o in errors)
    status = run.outcomes[by_kind["huge-error"]].status
    if errors[0]["ename"] == "KernelDied":
        assert status == "kernel-died"
    else:
        assert status in ("timeout", "output-limited")
