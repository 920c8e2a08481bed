"""Grade a cohort: vet each submission without running it, autograde in parallel with every
kernel confined to the sandbox, merge the scores into the one gradebook.

1. Vetting (``cenlab.course.grading.vetting``), in the instructor's process, without running
   code: a submission filed in another trainee's name is set aside, links and special files
   are dropped, a missing, empty, damaged or foreign notebook scores 0 without running, and
   deleted or changed test cells are put back.
2. Autograding (``cenlab.course.grading.worker``), ``jobs`` trainees at a time: each of
   ``jobs`` long-lived worker processes grades one trainee after another in its own private
   course with its own copy of the gradebook. The trainee's cells and the tests run in two
   kernels, each in bubblewrap (``confined``, ``bubble``), as the worker's grader account when
   root grades (``sandbox``), else as whoever grades. The workers are forked from a server
   process that has imported nbgrader once.
3. Merging (``cenlab.course.grading.merge``), in the instructor's process only, as each trainee
   finishes: the scores go into the course gradebook through nbgrader's API, one commit per
   trainee in one gradebook session, with nbgrader's own rules (a manual score already given
   keeps the cell flagged for review).

Every trainee gets a status and a plain-language message, written to
``reports/<assignment>-status.csv`` and printed as a table. Limits come from the course's
``nbgrader_config.py``: ``c.ExecutePreprocessor.timeout`` (seconds per cell),
``c.LimitOutput.max_lines``, and the ``c.CenlabGrader`` settings (``settings.CenlabGrader``).
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import sqlite3
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cenlab.course import personal
from cenlab.course.grading import sandbox, worker
from cenlab.course.grading.settings import CenlabGrader
from cenlab.course.paths import GRADEBOOK, SUBMITTED, CoursePaths, load_config

if TYPE_CHECKING:
    from cenlab.course.grading.vetting import Outcome

# --- the course and its submissions ----------------------------------------------------------


def assignment_info(course_dir: Path, assignment: str) -> tuple[dict, dict]:
    """(notebook name -> release notebook, grade id -> other assignment) from the gradebook
    and the release, which ``cenlab course build`` makes."""
    from nbgrader.api import Gradebook, MissingEntry

    from cenlab.course.api import with_tools_on_path

    course = CoursePaths(course_dir)
    build = f"run `cenlab course build {course_dir.name}` first"
    if not course.gradebook.exists():
        raise ValueError(f"{course_dir.name} has no {GRADEBOOK}: {build}")
    with_tools_on_path()
    with Gradebook(course.db_url) as gb:
        try:
            names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise ValueError(f"{assignment!r} is not in the gradebook: {build}") from None
        others = {
            cell.name: other.name
            for other in gb.assignments
            if other.name != assignment
            for nb in other.notebooks
            for cell in nb.source_cells
        }
    import nbformat

    releases = {}
    for name in names:
        path = course.release(assignment) / f"{name}.ipynb"
        if not path.exists():
            raise ValueError(f"no release of {assignment}/{name}.ipynb: {build}")
        releases[name] = nbformat.read(str(path), as_version=4)
    return releases, others


def submissions(course_dir: Path, assignment: str, students=None) -> dict[str, Path]:
    """Trainee -> ``submitted/<trainee>/<assignment>`` folder, for every trainee (or those
    named) who submitted the assignment."""
    found = {
        student: p
        for student, p in CoursePaths(course_dir).each_student(SUBMITTED, assignment).items()
        if p.is_dir() or p.is_symlink()
    }
    if students:
        missing = sorted(set(students) - set(found))
        if missing:
            raise ValueError(f"no submission of {assignment} from {missing}")
        found = {s: found[s] for s in students}
    return found


# --- grading a cohort ----------------------------------------------------------------------


@dataclass
class GradeRun:
    course: str
    assignment: str
    outcomes: dict[str, Outcome]
    status_file: Path | None = None
    sandbox: str = ""
    splits: dict[str, dict[str, float]] = field(default_factory=dict)  # seconds per step

    def table(self) -> str:
        width = max([len(s) for s in self.outcomes] + [7]) + 2
        lines = [f"{'trainee':<{width}}{'status':<18}{'score':>9}  message"]
        for o in self.outcomes.values():
            score = "-" if o.score is None else f"{o.score:g}/{o.max_score:g}"
            lines.append(f"{o.student:<{width}}{o.status:<18}{score:>9}  {o.message}")
        return "\n".join(lines)

    def scores(self) -> dict[str, float | None]:
        return {s: o.score for s, o in self.outcomes.items()}


def grade(
    course_dir,
    assignment: str,
    *,
    jobs: int = 1,
    students=None,
    progress: bool = True,
) -> GradeRun:
    """Vet, autograde (``jobs`` trainees at a time, each kernel sandboxed) and merge the scores
    of every trainee who submitted ``assignment``; see the module doc."""
    worker.start_server()  # imports nbgrader for the workers while this process vets
    course = CoursePaths(Path(course_dir).resolve())
    cfg = load_config(course.root)
    limits = CenlabGrader.from_config(cfg)
    scratch = Path(tempfile.mkdtemp(prefix="cenlab-grade-"))
    scratch.chmod(0o711)
    run = GradeRun(course.root.name, assignment, {})
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        accounts = _confine(stack, run, jobs, scratch, limits)
        releases, others = assignment_info(course.root, assignment)
        if personal.is_personal(course.root, assignment):
            personal.course_secret(course.root)  # made now, before the workers copy it
        folders = submissions(course.root, assignment, students)
        for private in ("vetted", "graded"):  # submissions before and after grading
            (scratch / private).mkdir(mode=0o700)
        tasks = _vet_all(run, folders, scratch, releases, others)
        # What each worker needs, as plain data: it crosses into another process.
        setup = dict(course_dir=str(course.root), assignment=assignment, scratch=str(scratch))
        setup.update(gradebook=_snapshot(course.gradebook, scratch))
        setup.update(max_output_bytes=limits.max_output_bytes)
        setup.update(notebook_timeout=limits.notebook_timeout)
        course_id = cfg.CourseDirectory.get("course_id", "default_course")
        with _course_gradebook(course, course_id) as gb:
            for result in worker.autograde(tasks, accounts, setup, jobs, progress):
                _take(gb, run, result, course.root)
            _merge_not_run(gb, run, folders, course.root)
        run.status_file = write_status(course.root, run)
    return run


def _confine(stack, run: GradeRun, jobs: int, scratch: Path, limits) -> list:
    """The grader account of each job (as root; held until ``stack`` closes), or None for
    each when kernels run as whoever grades; an error in one line when bubblewrap cannot
    start a kernel here. ``run.sandbox`` says how kernels run."""
    from cenlab.course.grading import bubble

    if jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, got {jobs}")
    accounts = [None] * jobs
    if os.geteuid() == 0:
        accounts = stack.enter_context(sandbox.reserved_accounts(jobs))
    probe_dir = scratch / "probe"
    probe_dir.mkdir()
    first = accounts[0]
    if first is not None:
        os.chown(probe_dir, first.uid, first.gid)
    why = bubble.probe(
        workdir=probe_dir,
        limits=limits.bubble_limits(),
        uid=None if first is None else first.uid,
        gid=None if first is None else first.gid,
    )
    if why is not None:
        raise ValueError(f"cannot sandbox trainees' code: {why}")
    who = "you" if first is None else ", ".join(a.name for a in accounts)
    run.sandbox = f"kernels run in bubblewrap as {who}; tests in a kernel of their own"
    return accounts


def _vet_all(run: GradeRun, folders: dict, scratch: Path, releases, others) -> list[dict]:
    """Vet every submission into ``scratch/vetted``, recording each trainee's outcome; the
    grading tasks of those with a notebook left to run."""
    from cenlab.course.grading.vetting import vet

    tasks = []
    for student, folder in folders.items():
        dest = scratch / "vetted" / student / run.assignment
        vetted = vet(folder, dest, student, releases, others)
        run.outcomes[student] = vetted.outcome
        if vetted.notebooks:
            tasks.append({"student": student, "vetted": str(dest)})
    return tasks


@contextlib.contextmanager
def _course_gradebook(course: CoursePaths, course_id: str):
    """The course gradebook, open for the whole cohort: only this process writes it."""
    from nbgrader.api import Gradebook

    from cenlab.course.api import with_tools_on_path

    with_tools_on_path()
    with warnings.catch_warnings(), Gradebook(course.db_url, course_id) as gb:
        # nbgrader 0.9.6 trips SQLAlchemy 2 "not in session" warnings on every submission.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        yield gb


def _merge_not_run(gb, run: GradeRun, folders: dict, course_dir: Path) -> None:
    """0 on every cell for trainees whose notebooks could not run (a set-aside submission
    keeps the trainee's earlier grades), then every trainee's score from the gradebook."""
    from cenlab.course.grading import merge
    from cenlab.course.grading.vetting import NOT_RUN

    for student, outcome in run.outcomes.items():
        if outcome.status in NOT_RUN - {"set-aside"}:
            merge.merge_zero(gb, run.assignment, student, folders[student])
            merge.publish(course_dir, run.assignment, student, None, outcome)
    merge.read_scores(gb, run.assignment, run.outcomes)


def _snapshot(db: Path, scratch: Path) -> str:
    """A consistent copy of the course gradebook, from which each worker's private copy is
    made."""
    dest = scratch / GRADEBOOK
    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    dest.chmod(0o600)
    return str(dest)


def _take(gb, run: GradeRun, result: dict, course_dir: Path) -> None:
    """Merge one trainee's autograding into the course: statuses, scores, notebooks."""
    from cenlab.course.grading import merge

    student = result["student"]
    outcome = run.outcomes[student]
    outcome.seconds = result["seconds"]
    run.splits[student] = result.get("split", {})
    for status, note in dict.fromkeys(result["events"]):
        outcome.add(status, note)
    if not result["success"]:
        last = [ln for ln in result["log"].splitlines() if ln.strip()][-1:] or ["no log"]
        outcome.add("error", f"grading failed, scores left as they were ({last[0][:200]})")
        return
    merge.merge_scores(gb, result["scores"], run.assignment, student)
    merge.publish(course_dir, run.assignment, student, result["graded"], outcome)


def write_status(course_dir: Path, run: GradeRun) -> Path:
    """``reports/<assignment>-status.csv``: one row per trainee."""
    path = CoursePaths(course_dir).status_file(run.assignment)
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        steps = ("start", "trainee", "tests")
        out.writerow(["student", "status", "score", "max_score", "seconds", "message"]
                     + [f"{s}_seconds" for s in steps])  # fmt: skip
        for o in run.outcomes.values():
            split = run.splits.get(o.student, {})
            times = [f"{split[s]:.2f}" if s in split else "" for s in steps]
            out.writerow([o.student, o.status, o.score, o.max_score, f"{o.seconds:.1f}", o.message, *times])  # fmt: skip
    return path


def read_status(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}
