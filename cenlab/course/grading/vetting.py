"""Check a trainee's submission before anything of it runs, in the instructor's process.

A submission whose files belong to any account but the trainee's own, the course's (the owner
of the course folder, who alone writes collected submissions: on a hub, the course's grader
account, as which the hub's collect copies them) or the one grading is set aside untouched
(someone filed it in that trainee's name). Links and special files are dropped. An empty,
malformed or missing notebook, or one from another assignment, scores 0 and is not run. A test
cell or read-only cell that was deleted or changed is put back from the instructor's release and
the trainee is told (nbgrader itself would restore a changed test cell but not a deleted one).

Every trainee's result is an ``Outcome``: the most serious status met and plain-language notes.
"""

from __future__ import annotations

import os
import pwd
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

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


def course_owner(folder: Path) -> int | None:
    """The owner of the course folder around ``folder`` when ``folder`` is a submission in it
    (``<course>/submitted/<trainee>/<assignment>``), else None."""
    folder = Path(os.path.abspath(folder))
    if len(folder.parents) < 3 or folder.parents[1].name != "submitted":
        return None
    return os.stat(folder.parents[2]).st_uid


def foreign_files(folder: Path, student: str) -> list[tuple[str, str]]:
    """(file, owner) for every entry of ``folder`` owned by none of: the account grading (who
    runs this), the course's owner (``nbgrader collect`` files submissions as the account that
    owns the course: the instructor, or the grader account on a hub) and the trainee's own
    account, if the trainee has one."""
    allowed = {os.geteuid(), course_owner(folder), _uid_of(student)}
    names, todo = [str(folder)], [str(folder)]
    while todo:  # a stack, not recursion: a submission may nest folders by the thousand
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                names.append(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
    out = []
    for name in names:
        uid = os.lstat(name).st_uid
        if uid not in allowed:
            out.append((os.path.relpath(name, folder), _owner_name(uid)))
    return out


MAX_DEPTH = 16  # folders in a submission nested deeper are not copied


def _copy_plain(src: Path, dest: Path, outcome: Outcome) -> None:
    """Copy regular files and folders only, ``MAX_DEPTH`` folders deep at most; links, special
    files and what lies deeper are dropped, with a note. No recursion: a submission of a
    thousand nested folders is one more note, not a crash of the whole cohort's grading."""
    todo = [(src, dest, 0)]
    while todo:
        here, there, depth = todo.pop()
        there.mkdir(parents=True, exist_ok=True)
        for entry in sorted(here.iterdir()):
            rel = entry.relative_to(src)
            if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):
                outcome.notes.append(f"ignored {rel}: links and special files are not graded")
            elif entry.is_dir() and depth + 1 >= MAX_DEPTH:
                outcome.notes.append(f"ignored {rel}: folders {MAX_DEPTH} deep are not graded")
            elif entry.is_dir():
                todo.append((entry, there / entry.name, depth + 1))
            else:
                shutil.copy2(entry, there / entry.name)


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


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if _gid(c)]


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
