"""Course author and instructor tooling around nbgrader: build an assignment's data, and check an
assignment end to end the way a cohort will meet it.

``check_assignment`` copies one assignment of a course to a scratch folder, generates the student
version with nbgrader's Python API, files three kinds of submission (the instructor's source as
student ``reference``, the blank release as ``blank``, each committed wrong submission under
``tests/<assignment>/<student>/`` as that student), autogrades them all and reads the scores back
from the gradebook. It never trusts ``nbgrader validate``, which exits 0 even when it fails.

From a shell: ``python -m cenlab.course check courses/seizure-analysis/source/01-exploring-seizures``.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import importlib.util
import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MARKERS = (
    "### BEGIN SOLUTION",
    "### END SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "### END HIDDEN TESTS",
    "=== BEGIN MARK SCHEME ===",
    "=== END MARK SCHEME ===",
)
REFERENCE, BLANK = "reference", "blank"
MAX_DATA_BYTES = 5_000_000  # per file; nbgrader skips files above max_file_size with a warning
BUILT = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log")


@dataclass(frozen=True)
class Item:
    """One graded cell: ``kind`` is "auto" for a code test cell, "manual" for a written answer."""

    notebook: str
    name: str
    kind: str
    max_score: float

    @property
    def key(self) -> str:
        return f"{self.notebook}/{self.name}"


@dataclass
class CheckResult:
    """What ``check_assignment`` found: graded items, each student's score per item (keyed
    "notebook/grade_id"), and the problems met on the way."""

    course: str
    assignment: str
    items: list[Item] = field(default_factory=list)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    release_problems: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    root: str = ""

    @property
    def autograded(self) -> list[Item]:
        return [i for i in self.items if i.kind == "auto"]

    @property
    def manual(self) -> list[Item]:
        return [i for i in self.items if i.kind == "manual"]

    @property
    def wrong_students(self) -> list[str]:
        return [s for s in self.scores if s not in (REFERENCE, BLANK)]

    def score(self, student: str, item: Item) -> float:
        return self.scores.get(student, {}).get(item.key, 0.0)

    def problems(self) -> list[str]:
        """Everything that would hurt a trainee or an instructor, in plain words; empty if none."""
        out = list(self.release_problems)
        out += [f"{step} failed:\n{msg}" for step, msg in self.errors.items()]
        if self.errors:
            return out
        for item in self.autograded:
            got = self.score(REFERENCE, item)
            if got != item.max_score:
                out.append(f"the source notebook scores {got:g}/{item.max_score:g} on {item.key}")
            got = self.score(BLANK, item)
            if got != 0:
                out.append(f"the blank release scores {got:g}/{item.max_score:g} on {item.key}")
            for student in self.wrong_students:
                if self.score(student, item) >= item.max_score:
                    out.append(f"wrong submission {student!r} keeps full marks on {item.key}")
        if not self.autograded:
            out.append("the assignment has no autograded test cell")
        return out

    def summary(self) -> str:
        students = list(self.scores)
        head = f"{self.course}/{self.assignment}: {len(self.autograded)} autograded, "
        lines = [head + f"{len(self.manual)} graded by hand"]
        lines.append("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        width = max([len(i.key) for i in self.items] + [4]) + 2
        lines.append("  " + "item".ljust(width) + "".join(s[:10].rjust(11) for s in students))
        for item in self.items:
            marks = "".join(
                f"{self.score(s, item):g}/{item.max_score:g}".rjust(11) for s in students
            )
            hand = "  (by hand)" if item.kind == "manual" else ""
            lines.append(f"  {item.key:<{width}}{marks}{hand}")
        problems = self.problems()
        lines += [f"  PROBLEM: {p}" for p in problems] or ["  all checks passed"]
        return "\n".join(lines)


# --- finding things -------------------------------------------------------------------------


def find_assignments(courses_root) -> list[tuple[Path, str]]:
    """(course folder, assignment name) for every ``<course>/source/<assignment>/`` with a
    notebook, sorted."""
    found = []
    for nb in sorted(Path(courses_root).glob("*/source/*/*.ipynb")):
        pair = (nb.parent.parent.parent, nb.parent.name)
        if pair not in found and ".ipynb_checkpoints" not in nb.parts:
            found.append(pair)
    return found


def course_id(course_dir) -> str:
    """The ``CourseDirectory.course_id`` set in the course's ``nbgrader_config.py``."""
    cfg = load_config(course_dir)
    return cfg.CourseDirectory.course_id if "course_id" in cfg.CourseDirectory else ""


def load_config(course_dir):
    """The traitlets Config of ``<course_dir>/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course_dir) / "nbgrader_config.py"
    if not path.exists():
        raise ValueError(f"{path} not found: every course needs an nbgrader_config.py")
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def wrong_submissions(course_dir, assignment: str) -> dict[str, Path]:
    """Student name -> folder holding that student's committed notebooks, from
    ``<course>/tests/<assignment>/<student>/``."""
    root = Path(course_dir) / "tests" / assignment
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and any(p.glob("*.ipynb"))}


# --- data -----------------------------------------------------------------------------------


def _course_builder(course_dir: Path):
    path = course_dir / "build_data.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_cenlab_build_{course_dir.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_data(assignment_dir, out=None) -> list[Path]:
    """Write the data files of an assignment (into ``out``, by default the assignment folder)
    by calling ``build(assignment, out)`` from the course's ``build_data.py``.

    Returns the files written, or an empty list when the assignment needs no data files.
    """
    assignment_dir = Path(assignment_dir)
    course_dir = assignment_dir.parent.parent
    module = _course_builder(course_dir)
    if module is None or assignment_dir.name not in getattr(module, "ASSIGNMENTS", ()):
        return []
    out = Path(out) if out is not None else assignment_dir
    out.mkdir(parents=True, exist_ok=True)
    return [Path(p) for p in module.build(assignment_dir.name, out)]


def data_problems(assignment_dir) -> list[str]:
    """Data files that are not what ``build_data`` makes today, or too large to hand out."""
    assignment_dir = Path(assignment_dir)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for built in build_data(assignment_dir, tmp):
            committed = assignment_dir / built.name
            if not committed.exists():
                out.append(f"{built.name} is built but not in {assignment_dir.name}/")
            elif not filecmp.cmp(built, committed, shallow=False):
                out.append(f"{built.name} differs from what build_data makes: rebuild it")
            if built.stat().st_size > MAX_DATA_BYTES:
                out.append(f"{built.name} is {built.stat().st_size:,} bytes; keep data small")
    return out


# --- committed notebooks --------------------------------------------------------------------


def notebook_problems(path) -> list[str]:
    """A committed notebook must carry no outputs or execution counts, and every nbgrader cell
    must keep its metadata (schema version, grade_id, points on graded cells)."""
    nb = nbformat.read(str(path), as_version=4)
    name = Path(path).name
    out = []
    graded = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if cell.get("outputs"):
                out.append(f"{name}: cell {i} has outputs; clear them before committing")
            if cell.get("execution_count") is not None:
                out.append(f"{name}: cell {i} has an execution count; clear outputs")
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        graded += 1
        if meta.get("schema_version") != 3 or not meta.get("grade_id"):
            out.append(f"{name}: cell {i} has incomplete nbgrader metadata {meta}")
        if meta.get("grade") and "points" not in meta:
            out.append(f"{name}: graded cell {meta.get('grade_id')} has no points")
    if not graded:
        out.append(f"{name}: no cell carries nbgrader metadata")
    return out


OBJECTIVES = ("After this assignment you can", "Learning objectives")
SILENCE = 'warnings.filterwarnings("ignore")'


def convention_problems(path, *, min_autograded: int = 6, min_manual: int = 1) -> list[str]:
    """The course conventions of a source notebook: stated objectives; enough autograded and
    hand-graded answers; every test cell locked, silencing warnings first (stderr scores a test
    0), checking form in visible asserts and values in hidden ones, with a message on every
    assert; every answer cell holding a solution region; unique grade ids."""
    nb = nbformat.read(str(path), as_version=4)
    name = Path(path).name
    out, ids, auto, manual = [], [], 0, 0
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if not any(o in prose for o in OBJECTIVES):
        out.append(f"{name}: state the learning objectives ('{OBJECTIVES[0]}: ...')")
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta:
            continue
        gid = meta.get("grade_id", "?")
        ids.append(gid)
        if meta.get("solution") and "### BEGIN SOLUTION" not in cell.source:
            out.append(f"{name}: answer cell {gid} has no ### BEGIN SOLUTION region")
        if not meta.get("grade"):
            continue
        if cell.cell_type == "markdown":
            manual += 1
            continue
        auto += 1
        out += [f"{name}: test cell {gid}: {p}" for p in _test_cell_problems(cell, meta)]
    dupes = sorted({g for g in ids if ids.count(g) > 1})
    if dupes:
        out.append(f"{name}: grade ids used more than once: {dupes}")
    if auto < min_autograded:
        out.append(f"{name}: {auto} autograded answers; the course asks for {min_autograded}")
    if manual < min_manual:
        out.append(f"{name}: {manual} answers graded by hand; the course asks for {min_manual}")
    return out


def _test_cell_problems(cell, meta) -> list[str]:
    out = []
    src = cell.source
    if not meta.get("locked"):
        out.append("not locked, so trainees could edit it")
    code = [ln for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    head = [ln for ln in code if not ln.startswith("import warnings")][:1]
    if head != [SILENCE]:
        out.append(f"start with 'import warnings' and {SILENCE}: any stderr output scores 0")
    visible, _, hidden = src.partition("### BEGIN HIDDEN TESTS")
    if "assert" not in visible:
        out.append("no visible assert checking the form of the answer")
    if "assert" not in hidden:
        out.append("no hidden assert checking the values")
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        return [*out, f"does not parse as Python ({exc.msg})"]
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert) and n.msg is None]
    if bare:
        out.append(f"asserts without a message on lines {bare}: tell the trainee what is wrong")
    return out


def grade_ids(path) -> dict[str, dict]:
    """grade_id -> nbgrader metadata of every nbgrader cell of a notebook."""
    nb = nbformat.read(str(path), as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: dict(c.metadata["nbgrader"])
        for c in nb.cells
        if "grade_id" in c.metadata.get("nbgrader", {})
    }


# --- the end-to-end check -------------------------------------------------------------------


def _with_tools_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command when it creates a database; it lives
    beside this Python, which is not on PATH when the environment is not activated."""
    here = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and (Path(here) / "alembic").exists():
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


def _api(root: Path, config):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    _with_tools_on_path()
    cfg = Config(config)
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    cfg.Exchange.root = str(exchange)
    return NbGraderAPI(config=cfg)


def _failure(outcome: dict) -> str:
    """The useful part of a failed nbgrader step: its log (the error is mostly a traceback)."""
    return "\n".join(x for x in (outcome.get("log"), outcome.get("error")) if x).strip()


def _release_problems(release: Path) -> list[str]:
    out = []
    if not release.is_dir():
        return [f"no release folder {release.name}/ was made"]
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        out += [f"release file {path.name} contains {m!r}" for m in MARKERS if m in text]
    return out


def _file(root: Path, student: str, assignment: str, notebooks) -> None:
    dest = root / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copy(nb, dest / Path(nb).name)


def _read_gradebook(api, assignment: str, students) -> tuple[list[Item], dict]:
    from nbgrader.api import Gradebook

    items, scores = [], {}
    with Gradebook(api.coursedir.db_url, api.course_id) as gb:
        for nb in gb.find_assignment(assignment).notebooks:
            for cell in nb.grade_cells:
                kind = "auto" if cell.cell_type == "code" else "manual"
                items.append(Item(nb.name, cell.name, kind, float(cell.max_score)))
            items += [Item(nb.name, t.name, "manual", float(t.max_score)) for t in nb.task_cells]
        for student in students:
            sub = gb.find_submission(assignment, student)
            scores[student] = {
                f"{snb.name}/{g.name}": float(g.score or 0.0)
                for snb in sub.notebooks
                for g in snb.grades
            }
    return items, scores


def check_assignment(course_dir, assignment: str, *, workdir=None) -> CheckResult:
    """Generate, file and autograde one assignment in a copy of its course; see the module doc.

    ``workdir`` (a folder, created if needed) keeps the copy for inspection; by default a
    temporary folder is used and removed.
    """
    course_dir = Path(course_dir).resolve()
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="cenlab-check-") as tmp:
            return check_assignment(course_dir, assignment, workdir=tmp)
    source = course_dir / "source" / assignment
    if not source.is_dir():
        found = [a for _, a in find_assignments(course_dir.parent) if _ == course_dir]
        raise ValueError(f"no assignment {assignment!r} in {course_dir.name}; found {found}")
    root = Path(workdir) / course_dir.name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy(course_dir / "nbgrader_config.py", root / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", *BUILT)
    shutil.copytree(source, root / "source" / assignment, ignore=ignore)
    result = CheckResult(course_dir.name, assignment, root=str(root))
    with warnings.catch_warnings():
        # nbgrader 0.9.6 trips SQLAlchemy 2 "not in session" warnings on every autograde.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        _run(result, course_dir, assignment, root, load_config(course_dir))
    return result


def _run(result: CheckResult, course_dir: Path, assignment: str, root: Path, config) -> None:
    source = course_dir / "source" / assignment
    api = _api(root, config)
    started = time.perf_counter()
    outcome = api.generate_assignment(assignment, force=True, create=True)
    result.seconds["generate"] = time.perf_counter() - started
    if not outcome["success"]:
        result.errors["generate_assignment"] = _failure(outcome)
        return
    release = root / "release" / assignment
    result.release_problems = _release_problems(release)

    students = {
        REFERENCE: sorted(source.glob("*.ipynb")),
        BLANK: sorted(release.glob("*.ipynb")),
    }
    for student, folder in wrong_submissions(course_dir, assignment).items():
        students[student] = sorted(folder.glob("*.ipynb"))
    for student, notebooks in students.items():
        _file(root, student, assignment, notebooks)
        started = time.perf_counter()
        outcome = api.autograde(assignment, student, force=True, create=True)
        result.seconds[student] = time.perf_counter() - started
        if not outcome["success"]:
            result.errors[f"autograde of {student}"] = _failure(outcome)
    if not result.errors:
        result.items, result.scores = _read_gradebook(api, assignment, students)


def _check_one(args) -> CheckResult:
    course_dir, assignment, workdir = args
    sub = None if workdir is None else Path(workdir) / f"{Path(course_dir).name}--{assignment}"
    return check_assignment(course_dir, assignment, workdir=sub)


def check_assignments(pairs, *, workdir=None, jobs: int = 1) -> list[CheckResult]:
    """``check_assignment`` for each (course folder, assignment), ``jobs`` at a time in
    separate processes (each has its own scratch course and gradebook)."""
    tasks = [(str(c), a, workdir) for c, a in pairs]
    if jobs <= 1 or len(tasks) <= 1:
        return [_check_one(t) for t in tasks]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # no fork of a process that holds kernels
    with ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as pool:
        return list(pool.map(_check_one, tasks))


def full_check(course_dir, assignment: str, *, workdir=None) -> tuple[CheckResult, list[str]]:
    """``check_assignment`` plus the static checks: committed notebooks clean, wrong
    submissions matching the source's cells, data files rebuilt identically."""
    course_dir = Path(course_dir)
    static = static_problems(course_dir, assignment)
    result = check_assignment(course_dir, assignment, workdir=workdir)
    return result, static + result.problems()


def static_problems(course_dir, assignment: str) -> list[str]:
    """The checks that need no kernel: committed notebooks, wrong submissions, data."""
    course_dir = Path(course_dir)
    source = course_dir / "source" / assignment
    out = []
    for nb in sorted(source.glob("*.ipynb")):
        out += notebook_problems(nb) + convention_problems(nb)
    for student, folder in wrong_submissions(course_dir, assignment).items():
        for nb in sorted(folder.glob("*.ipynb")):
            out += [f"{student}/{p}" for p in notebook_problems(nb)]
            original = source / nb.name
            if not original.exists():
                out.append(f"{student}/{nb.name} has no notebook of that name in the source")
                continue
            want, got = grade_ids(original), grade_ids(nb)
            missing = sorted(set(want) - set(got))
            if missing:
                out.append(f"{student}/{nb.name} lacks the nbgrader cells {missing}")
    out += data_problems(source)
    return out


# --- instructor commands on a course folder -------------------------------------------------


def course_api(course_dir):
    """nbgrader's Python API on a course folder (its nbgrader_config.py, its gradebook.db)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    course_dir = Path(course_dir).resolve()
    _with_tools_on_path()
    cfg = Config(load_config(course_dir))
    cfg.CourseDirectory.root = str(course_dir)
    return NbGraderAPI(config=cfg)


def _checked(outcome: dict, what: str) -> dict:
    if not outcome["success"]:
        lines = [ln for ln in _failure(outcome).splitlines() if ln.strip()]
        raise ValueError(f"{what} failed: {lines[-1] if lines else 'no log'}")
    return outcome


def build(course_dir) -> list[str]:
    """Generate the student version (``release/``) of every assignment of a course and record
    it in the gradebook; return the assignments built."""
    course_dir = Path(course_dir).resolve()
    found = [a for c, a in find_assignments(course_dir.parent) if c == course_dir]
    if not found:
        raise ValueError(f"no assignment under {course_dir.name}/source/")
    api = course_api(course_dir)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for assignment in found:
            _checked(api.generate_assignment(assignment, force=True, create=True), assignment)
    return found


def feedback(course_dir, assignment: str, students=None) -> list[Path]:
    """nbgrader's feedback (HTML) for each graded trainee, or those named; return the files."""
    course_dir = Path(course_dir).resolve()
    api = course_api(course_dir)
    graded = sorted(p.parent.name for p in (course_dir / "autograded").glob(f"*/{assignment}"))
    if not graded:
        raise ValueError(f"nobody's {assignment} is graded yet: run `cenlab course grade` first")
    for student in students or graded:
        if student not in graded:
            raise ValueError(f"{student}'s {assignment} is not graded")
        _checked(api.generate_feedback(assignment, student, force=True), f"feedback of {student}")
    root = course_dir / "feedback"
    return sorted(p for s in students or graded for p in (root / s / assignment).glob("*.html"))


def export(course_dir, to=None, *, assignments=(), students=()) -> Path:
    """The grades as CSV with nbgrader's export columns (``nbgrader export``); return the file."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    course_dir = Path(course_dir).resolve()
    db = course_dir / "gradebook.db"
    if not db.exists():
        raise ValueError(f"{course_dir.name} has no gradebook.db yet")
    to = Path(to) if to else course_dir / "grades.csv"
    plugin = CsvExportPlugin(to=str(to), assignment=list(assignments), student=list(students))
    _with_tools_on_path()
    with Gradebook(f"sqlite:///{db}", course_id(course_dir)) as gb:
        plugin.export(gb)
    return to


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cenlab.course", description="Course author tooling around nbgrader."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="generate, autograde and check assignments")
    chk.add_argument("assignments", nargs="+", help="courses/<course>/source/<assignment> folders")
    chk.add_argument("--keep", help="keep the scratch course in this folder")
    bld = sub.add_parser("build-data", help="rebuild an assignment's data files")
    bld.add_argument("assignments", nargs="+", help="courses/<course>/source/<assignment> folders")
    args = parser.parse_args(argv)
    folders = [Path(a).resolve() for a in args.assignments]
    for folder in folders:
        if folder.parent.name != "source":
            parser.error(f"{folder} is not a courses/<course>/source/<assignment> folder")
    if args.command == "build-data":
        for folder in folders:
            for path in build_data(folder):
                print(f"wrote {path}")
        return 0
    failed = 0
    for folder in folders:
        workdir = None if args.keep is None else Path(args.keep) / folder.name
        result, problems = full_check(folder.parent.parent, folder.name, workdir=workdir)
        print(result.summary())
        extra = [p for p in problems if p not in result.problems()]
        for p in extra:
            print(f"  PROBLEM: {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
