"""The course author's check of an assignment, end to end, the way a cohort will meet it.

``check_assignment`` copies one assignment of a course to a scratch folder, generates the student
version with nbgrader's Python API, files three kinds of submission (the instructor's source as
student ``reference``, the blank release as ``blank``, each committed wrong submission under
``tests/<assignment>/<student>/`` as that student), autogrades them all and reads the scores back
from the gradebook. It never trusts ``nbgrader validate``, which exits 0 even when it fails.

From a shell: ``python -m cenlab.course check courses/seizure-analysis/source/01-exploring-seizures``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from cenlab.course.api import course_api, failure
from cenlab.course.data import data_problems
from cenlab.course.notebooks import MARKERS, convention_problems, grade_ids, notebook_problems
from cenlab.course.paths import BUILT, CoursePaths, find_assignments, wrong_submissions
from cenlab.course.personal import CHECK_SECRET

REFERENCE, BLANK = "reference", "blank"


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
    why: dict[str, str] = field(default_factory=dict)  # item -> the source's error there

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
                why = f" ({self.why[item.key]})" if item.key in self.why else ""
                out.append(
                    f"the source notebook scores {got:g}/{item.max_score:g} on {item.key}{why}"
                )
            got = self.score(BLANK, item)
            if got != 0:
                out.append(f"the blank release scores {got:g}/{item.max_score:g} on {item.key}")
            for student in self.wrong_students:
                out += _wrong_problem(student, item, self.score(student, item))
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


def _wrong_problem(student: str, item: Item, score: float) -> list[str]:
    """A committed wrong submission ``wrong`` (any name) loses every item. One named
    ``q<N>-<mistake>`` makes one mistake: it loses question N's items; named
    ``q<N>-<mistake>-once``, it also keeps full marks on every other item (a mistake costs
    once: later tests take the trainee's own earlier result)."""
    one = re.fullmatch(r"(q\d+)-.+", student)
    if one is None or item.name.startswith(f"{one.group(1)}-"):
        if score >= item.max_score:
            return [f"wrong submission {student!r} keeps full marks on {item.key}"]
    elif student.endswith("-once") and score < item.max_score:
        return [f"wrong submission {student!r} loses {item.key}, which its one mistake is not"]
    return []


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


def _file(scratch: CoursePaths, student: str, assignment: str, notebooks) -> None:
    dest = scratch.submitted(student, assignment)
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
    course = CoursePaths(Path(course_dir).resolve())
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="cenlab-check-") as tmp:
            return check_assignment(course.root, assignment, workdir=tmp)
    source = course.source(assignment)
    if not source.is_dir():
        found = [a for c, a in find_assignments(course.root.parent) if c == course.root]
        raise ValueError(f"no assignment {assignment!r} in {course.root.name}; found {found}")
    scratch = CoursePaths(Path(workdir) / course.root.name)
    if scratch.root.exists():
        shutil.rmtree(scratch.root)
    scratch.root.mkdir(parents=True)
    shutil.copy(course.config, scratch.config)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", *BUILT)
    shutil.copytree(source, scratch.source(assignment), ignore=ignore)
    if course.data_builder.exists():  # personalised: each student graded on their own data
        shutil.copy(course.data_builder, scratch.data_builder)
        scratch.secret.write_bytes(CHECK_SECRET + b"\n")
    result = CheckResult(course.root.name, assignment, root=str(scratch.root))
    with warnings.catch_warnings():
        # nbgrader 0.9.6 trips SQLAlchemy 2 "not in session" warnings on every autograde.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        _run(result, course, assignment, scratch)
    return result


def _run(result: CheckResult, course: CoursePaths, assignment: str, scratch: CoursePaths) -> None:
    api = course_api(course.root, scratch=scratch.root)
    started = time.perf_counter()
    outcome = api.generate_assignment(assignment, force=True, create=True)
    result.seconds["generate"] = time.perf_counter() - started
    if not outcome["success"]:
        result.errors["generate_assignment"] = failure(outcome)
        return
    release = scratch.release(assignment)
    result.release_problems = _release_problems(release)

    students = {
        REFERENCE: sorted(course.source(assignment).glob("*.ipynb")),
        BLANK: sorted(release.glob("*.ipynb")),
    }
    for student, folder in wrong_submissions(course.root, assignment).items():
        students[student] = sorted(folder.glob("*.ipynb"))
    for student, notebooks in students.items():
        _file(scratch, student, assignment, notebooks)
        started = time.perf_counter()
        outcome = api.autograde(assignment, student, force=True, create=True)
        result.seconds[student] = time.perf_counter() - started
        if not outcome["success"]:
            result.errors[f"autograde of {student}"] = failure(outcome)
    if not result.errors:
        result.items, result.scores = _read_gradebook(api, assignment, students)
        result.why = _reference_errors(scratch.autograded(REFERENCE, assignment))


def _reference_errors(folder: Path) -> dict[str, str]:
    """Item key -> the first error of that test cell in the source notebook's graded copy:
    why the source loses points there."""
    import nbformat

    out = {}
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if errors and grade_id:
                out[f"{path.stem}/{grade_id}"] = f"{errors[0]['ename']}: {errors[0]['evalue']}"[
                    :300
                ]
    return out


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
    source = CoursePaths(course_dir).source(assignment)
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
