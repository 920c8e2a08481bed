"""Grade a cohort: vet each submission without running it, autograde in parallel with every
kernel confined to the sandbox (``cenlab.sandbox``), merge the scores into the one gradebook.

1. Vetting, in the instructor's process, without running code. A submission whose files belong
   to an account other than the instructor's or the trainee's own is set aside untouched (it was
   filed in someone else's name). Links and special files are dropped. An empty, malformed or
   missing notebook, or one from another assignment, scores 0 and is not run. A test cell or
   read-only cell that was deleted or changed is put back from the instructor's release and the
   trainee is told (nbgrader itself would restore a changed test cell but not a deleted one).
2. Autograding, one trainee per task, ``jobs`` tasks at a time: each worker process grades a
   private copy of the course with its own copy of the gradebook; the kernel runs as the
   worker's grader account in a private view of the file system.
3. Merging, in the instructor's process only: each trainee's scores are copied from the
   private gradebook into the course gradebook through nbgrader's API, one commit per trainee,
   with nbgrader's own rules (a manual score already given keeps the cell flagged for review).

Every trainee gets a status and a plain-language message, written to
``reports/<assignment>-status.csv`` and printed as a table. Limits come from the course's
``nbgrader_config.py``: ``c.ExecutePreprocessor.timeout`` (seconds per cell),
``c.LimitOutput.max_lines``, and the ``c.CenlabGrader`` settings in ``SETTINGS``.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import sqlite3
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cenlab import sandbox
from cenlab.course import _with_tools_on_path, load_config

# Course settings (``c.CenlabGrader.<name>`` in nbgrader_config.py) and their defaults.
SETTINGS = {
    "max_output_bytes": 1_000_000,  # per cell; the rest is cut
    "notebook_timeout": 600,  # seconds for a whole submission
    "memory_mb": 4096,  # address space of a kernel
    "file_mb": 512,  # largest file a kernel may write
    "processes": 512,  # processes and threads of one grader account
}
# From least to most serious; a trainee's status is the most serious one met.
STATUSES = (
    "graded",
    "restored",
    "output-limited",
    "exited",
    "blocked",
    "timeout",
    "kernel-died",
    "missing",
    "unreadable",
    "wrong-assignment",
    "error",
    "set-aside",
)
NOT_RUN = {"missing", "unreadable", "wrong-assignment", "set-aside"}


@dataclass
class Outcome:
    """What grading did for one trainee."""

    student: str
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0

    def add(self, status: str, note: str) -> None:
        if STATUSES.index(status) > STATUSES.index(self.status):
            self.status = status
        self.notes.append(note)

    @property
    def message(self) -> str:
        return "; ".join(self.notes) if self.notes else "graded normally"


@dataclass
class Vetted:
    outcome: Outcome
    notebooks: list[str] = field(default_factory=list)  # notebooks to run


# --- vetting --------------------------------------------------------------------------------


def _uid_of(name: str) -> int | None:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def foreign_files(folder: Path, student: str) -> list[tuple[str, str]]:
    """(file, owner) for every entry of ``folder`` owned neither by the instructor (who runs
    this; ``nbgrader collect`` files submissions as the instructor) nor by the trainee's own
    account, if the trainee has one."""
    allowed = {os.geteuid(), _uid_of(student)}
    out = []
    for dirpath, dirs, files in os.walk(folder, followlinks=False):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in dirs + files)]:
            uid = os.lstat(name).st_uid
            if uid not in allowed:
                out.append((os.path.relpath(name, folder), _owner_name(uid)))
    return out


def _copy_plain(src: Path, dest: Path, outcome: Outcome) -> None:
    """Copy regular files and folders only; links and special files are dropped."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):
            outcome.notes.append(f"ignored {entry.name}: links and special files are not graded")
        elif entry.is_dir():
            _copy_plain(entry, dest / entry.name, outcome)
        else:
            shutil.copy2(entry, dest / entry.name)


def _read(path: Path):
    """The notebook at ``path``, or the reason it cannot be graded."""
    if path.stat().st_size == 0:
        return None, f"{path.name} is empty (0 bytes): 0 points"
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - any parse failure means unreadable
        return None, f"{path.name} is damaged (not valid notebook JSON): 0 points"
    try:
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001
        why = (str(exc).splitlines() or [type(exc).__name__])[0][:100]
        return None, f"{path.name} does not follow the notebook format ({why}): 0 points"
    return nb, None


def _ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if _gid(c)]


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _kind(cell) -> str:
    meta = cell.metadata.nbgrader
    return "test cell" if meta.get("grade") and not meta.get("solution") else "read-only cell"


def restore_locked_cells(nb, release, outcome: Outcome) -> bool:
    """Put back, from the release, every locked cell (tests, read-only text) that the
    submission deleted or changed; return whether anything changed."""
    from nbgrader.utils import compute_checksum, is_locked

    changed = False
    have = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
    previous = None
    for cell in release.cells:
        gid = _gid(cell)
        if not gid:
            continue
        if is_locked(cell):
            if gid not in have:
                at = have[previous] + 1 if previous in have else 0
                nb.cells.insert(at, nbformat.from_dict(cell))
                have = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
                outcome.add("restored", f"{_kind(cell)} {gid} was deleted and was put back")
                changed = True
            elif compute_checksum(nb.cells[have[gid]]) != compute_checksum(cell):
                nb.cells[have[gid]] = nbformat.from_dict(cell)
                outcome.add("restored", f"{_kind(cell)} {gid} was changed; the original was used")
                changed = True
        previous = gid
    return changed


def vet(submitted: Path, dest: Path, student: str, releases: dict, others: dict) -> Vetted:
    """Check one trainee's submission folder and write what may be graded into ``dest``.

    ``releases``: notebook name -> release notebook; ``others``: grade id -> the assignment
    it belongs to, for the other assignments of the course.
    """
    outcome = Outcome(student)
    foreign = foreign_files(submitted, student)
    if foreign:
        names = ", ".join(sorted({o for _, o in foreign}))
        outcome.add(
            "set-aside",
            f"filed under {student} but its files belong to {names}: set aside, {student}'s "
            "earlier work is untouched",
        )
        return Vetted(outcome)
    _copy_plain(submitted, dest, outcome)
    run = []
    for name, release in releases.items():
        path = dest / f"{name}.ipynb"
        if not path.is_file():
            extra = sorted(p.name for p in dest.glob("*.ipynb"))
            also = f" (found {', '.join(extra)})" if extra else ""
            outcome.add("missing", f"no {name}.ipynb in the submission{also}: 0 points")
            continue
        nb, why = _read(path)
        if nb is None:
            path.unlink()
            outcome.add("unreadable", why)
            continue
        ids, wanted = set(_ids(nb)), set(_ids(release))
        if not ids & wanted:
            path.unlink()
            where = sorted({others[i] for i in ids if i in others})
            from_ = f" (it belongs to {', '.join(where)})" if where else ""
            msg = f"{name}.ipynb is not a notebook of this assignment{from_}: 0 points"
            outcome.add("wrong-assignment", msg)
            continue
        if restore_locked_cells(nb, release, outcome):
            nbformat.write(nb, str(path))
        run.append(name)
    return Vetted(outcome, run)


# --- the course, its limits and its submissions ----------------------------------------------


def grading_settings(cfg) -> dict:
    """SETTINGS overridden by ``c.CenlabGrader.*``, plus the cell timeout."""
    out = dict(SETTINGS)
    out.update({k: v for k, v in cfg.get("CenlabGrader", {}).items() if k in SETTINGS})
    unknown = sorted(set(cfg.get("CenlabGrader", {})) - set(SETTINGS))
    if unknown:
        raise ValueError(f"unknown CenlabGrader settings {unknown}; known: {sorted(SETTINGS)}")
    timeout = cfg.get("ExecutePreprocessor", {}).get("timeout")
    out["cell_timeout"] = cfg.get("Execute", {}).get("timeout", timeout or 30)
    return out


def assignment_info(course_dir: Path, assignment: str) -> tuple[dict, dict]:
    """(notebook name -> release notebook, grade id -> other assignment) from the gradebook
    and the release, which ``cenlab course build`` makes."""
    from nbgrader.api import Gradebook, MissingEntry

    db = course_dir / "gradebook.db"
    build = f"run `cenlab course build {course_dir.name}` first"
    if not db.exists():
        raise ValueError(f"{course_dir.name} has no gradebook.db: {build}")
    _with_tools_on_path()
    with Gradebook(f"sqlite:///{db}") as gb:
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
    releases = {}
    for name in names:
        path = course_dir / "release" / assignment / f"{name}.ipynb"
        if not path.exists():
            raise ValueError(f"no release of {assignment}/{name}.ipynb: {build}")
        releases[name] = nbformat.read(str(path), as_version=4)
    return releases, others


def submissions(course_dir: Path, assignment: str, students=None) -> dict[str, Path]:
    """Trainee -> ``submitted/<trainee>/<assignment>`` folder, for every trainee (or those
    named) who submitted the assignment."""
    found = {
        p.parent.name: p
        for p in sorted((course_dir / "submitted").glob(f"*/{assignment}"))
        if p.is_dir() or p.is_symlink()
    }
    if students:
        missing = sorted(set(students) - set(found))
        if missing:
            raise ValueError(f"no submission of {assignment} from {missing}")
        found = {s: found[s] for s in students}
    return found


def _hidden_from_kernels(course_dir: Path, scratch: Path) -> list[str]:
    homes = {str(Path.home()), "/root"}
    if os.environ.get("SUDO_USER"):
        homes.add(os.path.expanduser(f"~{os.environ['SUDO_USER']}"))
    return sorted(homes | {str(course_dir), str(scratch)})


def _sandbox_setup(jobs: int, scratch: Path, hide: list[str], limits: dict):
    """The grader accounts, and whether a private mount namespace works here."""
    accounts = sandbox.ensure_accounts(jobs)
    probe_dir = scratch / "probe"
    probe_dir.mkdir()
    os.chown(probe_dir, accounts[0].uid, accounts[0].gid)
    errors = []
    for namespace in (True, False):
        prefix = sandbox.write_spec(
            scratch / "probe.json",
            account=accounts[0],
            workdir=probe_dir,
            hide=hide,
            namespace=namespace,
            limits=limits,
            quiet=False,
        )
        error = sandbox.probe(prefix)
        if error is None:
            return accounts, namespace
        errors.append(error)
    raise ValueError(
        f"the grader account {accounts[0].name} cannot start this Python ({errors[-1]}); "
        "grade from a Python environment that other users can read (see docs/instructors.md)"
    )


# --- grading a cohort ----------------------------------------------------------------------


@dataclass
class GradeRun:
    course: str
    assignment: str
    outcomes: dict[str, Outcome]
    status_file: Path | None = None
    sandbox: str = ""

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
    unsafe_same_user: bool = False,
    progress: bool = True,
) -> GradeRun:
    """Vet, autograde (``jobs`` trainees at a time, each kernel sandboxed) and merge the scores
    of every trainee who submitted ``assignment``; see the module doc."""
    course_dir = Path(course_dir).resolve()
    cfg = load_config(course_dir)
    limits = grading_settings(cfg)
    sandboxed = os.geteuid() == 0
    if not sandboxed and not unsafe_same_user:
        raise ValueError(
            "grading runs trainees' code as an unprivileged account, which needs root: run it "
            "with sudo, or pass --unsafe-same-user to run their code as yourself"
        )
    if jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, got {jobs}")
    releases, others = assignment_info(course_dir, assignment)
    folders = submissions(course_dir, assignment, students)
    scratch = Path(tempfile.mkdtemp(prefix="cenlab-grade-"))
    scratch.chmod(0o711)
    run = GradeRun(course_dir.name, assignment, {})
    try:
        hide = _hidden_from_kernels(course_dir, scratch)
        kernel_limits = {k: limits[k] for k in ("memory_mb", "file_mb", "processes")}
        accounts, namespace = [None] * jobs, False
        if sandboxed:
            accounts, namespace = _sandbox_setup(jobs, scratch, hide, kernel_limits)
            view = "a private view of the files" if namespace else "file permissions only"
            run.sandbox = f"kernels run as {accounts[0].name}..{jobs}, {view}"
        else:
            run.sandbox = "UNSAFE: kernels run as the instructor"
        tasks = []
        for student, folder in folders.items():
            private = scratch / student
            private.mkdir(mode=0o700)
            dest = private / "course" / "submitted" / student / assignment
            vetted = vet(folder, dest, student, releases, others)
            run.outcomes[student] = vetted.outcome
            if vetted.notebooks:
                _private_course(course_dir, assignment, private / "course")
                task = dict(student=student, assignment=assignment, private=str(private))
                task.update(course_dir=str(course_dir), run_dir=str(private / "run"), hide=hide)
                task.update(sandbox=sandboxed, namespace=namespace, limits=kernel_limits)
                task.update({k: limits[k] for k in ("max_output_bytes", "notebook_timeout")})
                tasks.append(task)
        _with_tools_on_path()
        from nbgrader.api import Gradebook

        cid = cfg.CourseDirectory.get("course_id", "default_course")
        db_url = f"sqlite:///{course_dir / 'gradebook.db'}"
        with warnings.catch_warnings(), Gradebook(db_url, cid) as gb:
            # nbgrader 0.9.6 trips SQLAlchemy 2 "not in session" warnings on every submission.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            for result in _autograde(tasks, accounts, jobs, progress):
                _take(gb, run, result, course_dir, scratch)
            for student, outcome in run.outcomes.items():
                if outcome.status in NOT_RUN - {"set-aside"}:
                    _merge_zero(gb, assignment, student, folders[student])
                    _publish(course_dir, assignment, student, None, outcome)
            _read_scores(gb, run)
        run.status_file = write_status(course_dir, run)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return run


def _private_course(course_dir: Path, assignment: str, root: Path) -> None:
    """The assignment's files (not the solution notebooks) and a copy of the gradebook."""
    source = course_dir / "source" / assignment
    ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(source, root / "source" / assignment, ignore=ignore)
    src = sqlite3.connect(f"file:{course_dir / 'gradebook.db'}?mode=ro", uri=True)
    dst = sqlite3.connect(root / "gradebook.db")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def _autograde(tasks, accounts, jobs, progress):
    """Yield each task's result as it completes, ``jobs`` at a time, with a progress bar."""
    if not tasks:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    ctx = multiprocessing.get_context("spawn")  # never fork a process that holds kernels
    queue = ctx.Queue()
    for account in accounts:
        queue.put(account)
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(workers, ctx, sandbox.init_worker, (queue,)) as pool:
        futures = {pool.submit(sandbox.grade_task, t): t for t in tasks}
        bar = tqdm(total=len(tasks), desc="autograding", unit="trainee", disable=not progress)
        with bar:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a broken worker is one trainee's error
                    result = {"student": task["student"], "success": False, "events": []}
                    result.update(log=f"{type(exc).__name__}: {exc}", seconds=0.0)
                result["task"] = task
                bar.update()
                yield result


def _take(gb, run: GradeRun, result: dict, course_dir: Path, scratch: Path) -> None:
    """Merge one trainee's autograding into the course: statuses, scores, notebooks."""
    student = result["student"]
    outcome = run.outcomes[student]
    outcome.seconds = result["seconds"]
    for status, note in dict.fromkeys(result["events"]):
        outcome.add(status, note)
    private = scratch / student / "course"
    if not result["success"]:
        last = [ln for ln in result["log"].splitlines() if ln.strip()][-1:] or ["no log"]
        outcome.add("error", f"grading failed, scores left as they were ({last[0][:200]})")
        return
    merge_scores(gb, private / "gradebook.db", run.assignment, student)
    _publish(course_dir, run.assignment, student, private, outcome)


def merge_scores(gb, private_db: Path, assignment: str, student: str) -> None:
    """Copy one trainee's autograding of ``assignment`` from a private gradebook into ``gb``
    (one commit); the private copy started as a copy of ``gb``, so nbgrader's rules about
    manual scores already given hold."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{private_db}") as pgb:
        psub = pgb.find_submission(assignment, student)
        timestamp = psub.timestamp
        data = {
            nb.name: (
                nb.late_submission_penalty,
                {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades},
                {c.name: c.auto_comment for c in nb.comments},
            )
            for nb in psub.notebooks
        }
    try:
        gb.update_or_create_student(student)
        kwargs = {"timestamp": timestamp} if timestamp else {}
        sub = gb.update_or_create_submission(assignment, student, **kwargs)
        for nb in sub.notebooks:
            late, grades, comments = data[nb.name]
            nb.late_submission_penalty = late
            for g in nb.grades:
                g.auto_score, g.needs_manual_grade = grades[g.name]
            for c in nb.comments:
                c.auto_comment = comments[c.name]
        gb.db.commit()
    except Exception:
        gb.db.rollback()
        raise


def _merge_zero(gb, assignment: str, student: str, folder: Path) -> None:
    """Nothing could be run: 0 on every cell, as nbgrader does for a missing notebook."""
    from nbgrader.utils import parse_utc

    stamp = folder / "timestamp.txt"
    kwargs = {}
    if stamp.is_file() and not stamp.is_symlink():
        try:
            kwargs["timestamp"] = parse_utc(stamp.read_text().strip())
        except ValueError:
            pass
    try:
        gb.update_or_create_student(student)
        sub = gb.update_or_create_submission(assignment, student, **kwargs)
        for nb in sub.notebooks:
            for g in nb.grades:
                g.auto_score, g.needs_manual_grade = 0, False
        gb.db.commit()
    except Exception:
        gb.db.rollback()
        raise


def _publish(course_dir: Path, assignment: str, student: str, private, outcome) -> None:
    """Replace the trainee's autograded folder; notes open each notebook, for the feedback."""
    dest = course_dir / "autograded" / student / assignment
    if dest.exists():
        shutil.rmtree(dest)
    src = None if private is None else private / "autograded" / student / assignment
    if src is not None and src.is_dir():
        shutil.copytree(src, dest)
    else:
        dest.mkdir(parents=True)
    if not outcome.notes:
        return
    text = "**Notes from the grader**\n\n" + "\n".join(f"- {n}" for n in outcome.notes)
    for path in dest.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
        mode = path.stat().st_mode
        path.chmod(0o644)
        nbformat.write(nb, str(path))
        path.chmod(mode)


def _read_scores(gb, run: GradeRun) -> None:
    from nbgrader.api import MissingEntry

    for student, outcome in run.outcomes.items():
        try:
            sub = gb.find_submission(run.assignment, student)
        except MissingEntry:
            continue
        outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)


def write_status(course_dir: Path, run: GradeRun) -> Path:
    """``reports/<assignment>-status.csv``: one row per trainee."""
    path = course_dir / "reports" / f"{run.assignment}-status.csv"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["student", "status", "score", "max_score", "seconds", "message"])
        for o in run.outcomes.values():
            out.writerow([o.student, o.status, o.score, o.max_score, f"{o.seconds:.1f}", o.message])
    return path


def read_status(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


if __name__ == "__main__":  # pragma: no cover - handy while developing
    print(json.dumps(grading_settings(load_config(sys.argv[1])), indent=1))
