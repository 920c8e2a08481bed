"""A simulated cohort for tests and demos: plausible submissions filed into ``submitted/``.

Each trainee is one of these kinds:

- ``perfect``: every answer from the instructor's solution;
- ``mistakes``: each answer right, wrong (the committed wrong submission's answer for that
  cell, under ``tests/<assignment>/wrong/``) or left blank, by a drawn skill level;
- ``blank``: the release as handed out;
- a hostile or broken kind from ``HOSTILE``: all answers right except for what the kind breaks.

Submissions are built from the release (``cenlab course build`` first), as a trainee's would
be; in a personalised assignment each holds the data made for its trainee (``personal``). Everything drawn comes from ``cenlab.seeding.make_rng(seed)``: same seed, same files.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import nbformat

from cenlab.course import personal
from cenlab.course.paths import TIMESTAMP, CoursePaths
from cenlab.seeding import make_rng

ORDINARY = ("perfect", "mistakes", "blank")
HOSTILE = (
    "malformed",  # the file is cut in half: not JSON
    "empty",  # 0 bytes
    "missing",  # the folder holds no notebook
    "deleted-test",  # a test cell deleted
    "edited-test",  # a test cell's code replaced by `pass`
    "edited-readonly",  # a test cell unlocked and its points raised to 100
    "infinite-loop",  # an answer never ends
    "big-output",  # an answer prints 100 MB
    "sys-exit",  # an answer calls sys.exit()
    "os-exit",  # an answer kills Python with os._exit()
    "deletes-files",  # an answer deletes the gradebook and the course's solutions
    "writes-outside",  # an answer writes into the instructor's home and the gradebook
    "other-assignment",  # the notebook of another assignment under this one's name
    "ignores-interrupt",  # an answer ignores the interrupt (Ctrl-C) and never ends
)
KINDS = ORDINARY + HOSTILE
BROKEN_ANSWER = 2  # hostile code goes into the third answer cell: answers 1-2 keep their points
STAMP = datetime(2026, 5, 9, 15, 0, 0)


def _strip_markers(source: str) -> str:
    keep = [ln for ln in source.splitlines() if "### BEGIN SOLUTION" not in ln]
    keep = [ln for ln in keep if "### END SOLUTION" not in ln]
    return "\n".join(keep).strip("\n")


def _answers(path: Path) -> dict[str, str]:
    """grade id -> answer source of every solution cell of a notebook (markers removed)."""
    if not path.exists():
        return {}
    nb = nbformat.read(str(path), as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            out[meta["grade_id"]] = _strip_markers(cell.source)
    return out


def _solution_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def _test_cells(nb) -> list:
    return [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
        if not c.metadata["nbgrader"].get("solution")
    ]


def plan(n_students: int, *, seed: int = 0, hostile: float = 0.3) -> list[str]:
    """The kinds of ``n_students`` trainees: a share ``hostile`` of hostile kinds (each kind
    once before any repeats), the rest about 1/4 perfect, 1/8 blank, the others with mistakes."""
    if n_students < 0 or not 0 <= hostile <= 1:
        raise ValueError("n_students must be 0 or more and hostile a share between 0 and 1")
    rng = make_rng(seed, stream="cohort-plan")
    n_hostile = round(n_students * hostile)
    bad = [HOSTILE[i % len(HOSTILE)] for i in range(n_hostile)]
    rest = n_students - n_hostile
    n_perfect, n_blank = round(rest / 4), round(rest / 8)
    kinds = bad + ["perfect"] * n_perfect + ["blank"] * n_blank
    kinds += ["mistakes"] * (n_students - len(kinds))
    return [kinds[i] for i in rng.permutation(len(kinds))]


def simulate(
    course_dir,
    assignment: str,
    n_students: int = 30,
    *,
    seed: int = 0,
    hostile: float = 0.3,
    kinds=None,
    prefix: str = "trainee",
) -> dict[str, str]:
    """Write ``n_students`` submissions (or one per entry of ``kinds``) into
    ``submitted/<prefix>NN/<assignment>/``; return trainee -> kind."""
    kinds = list(kinds) if kinds is not None else plan(n_students, seed=seed, hostile=hostile)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown submission kinds {unknown}; known: {list(KINDS)}")
    width = max(2, len(str(len(kinds))))
    out = {}
    for k, kind in enumerate(kinds, start=1):
        student = f"{prefix}{k:0{width}d}"
        write_submission(course_dir, assignment, student, kind, seed=seed * 1000 + k)
        out[student] = kind
    return out


def write_submission(course_dir, assignment: str, student: str, kind: str, *, seed=0) -> Path:
    """File one submission of ``kind`` for ``student``; return its folder."""
    course_dir = Path(course_dir).resolve()
    course = CoursePaths(course_dir)
    release = course.release(assignment)
    notebooks = sorted(release.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no release of {assignment}: run `cenlab course build` first")
    dest = course.submitted(student, assignment)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for path in release.iterdir():
        if path.is_file() and path.suffix != ".ipynb":
            shutil.copy(path, dest / path.name)
    if personal.is_personal(course_dir, assignment):  # each trainee worked on their own data
        personal.build_for(course_dir, assignment, student, dest)
    rng = make_rng(seed, stream=f"submission-{student}")
    stamp = STAMP + timedelta(minutes=int(rng.integers(0, 120)))
    (dest / TIMESTAMP).write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    if kind == "missing":
        return dest
    for path in notebooks:
        target = dest / path.name
        if kind == "empty":
            target.write_bytes(b"")
            continue
        if kind == "other-assignment":
            shutil.copy(_other_notebook(course_dir, assignment), target)
            continue
        nb = _fill(course_dir, assignment, path, kind, rng)
        text = nbformat.writes(nb)
        target.write_text(text[: len(text) // 2] if kind == "malformed" else text)
    return dest


def _fill(course_dir: Path, assignment: str, release_path: Path, kind: str, rng):
    nb = nbformat.read(str(release_path), as_version=4)
    if kind == "blank":
        return nb
    course = CoursePaths(course_dir)
    right = _answers(course.source(assignment) / release_path.name)
    wrong = _answers(course.wrong_submissions_dir(assignment) / "wrong" / release_path.name)
    skill = rng.beta(4, 2)
    for cell in _solution_cells(nb):
        gid = cell.metadata.nbgrader.grade_id
        answer = right.get(gid, cell.source)
        if kind == "mistakes":
            draw = rng.random()
            if draw > skill:
                answer = wrong.get(gid, cell.source) if draw > skill / 2 + 0.5 else cell.source
        cell.source = answer
    _break(nb, kind, course_dir)
    return nb


def _hostile_code(kind: str, course_dir: Path) -> str:
    course = CoursePaths(course_dir)
    gradebook = str(course.gradebook)
    targets = {
        "deletes-files": [("remove", gradebook), ("rmtree", str(course.source()))],
        "writes-outside": [
            ("write", str(Path.home() / "cenlab-was-here.txt")),
            ("write", gradebook),
        ],
    }
    if kind in targets:
        return (
            "import os, shutil\n_refused = []\n"
            f"for _how, _path in {targets[kind]!r}:\n"
            "    try:\n"
            "        if _how == 'remove':\n            os.remove(_path)\n"
            "        elif _how == 'rmtree':\n            shutil.rmtree(_path)\n"
            "        else:\n            open(_path, 'a').write('a trainee was here')\n"
            "    except OSError as _exc:\n        _refused.append(_exc)\n"
            "if _refused:\n    raise _refused[0]\n"
        )
    return {
        "infinite-loop": "while True:\n    pass\n",
        "ignores-interrupt": (
            "import signal\n\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
        ),
        "big-output": 'print("x" * 100_000_000)\n',
        "sys-exit": "import sys\n\nsys.exit()\n",
        "os-exit": "import os\n\nos._exit(1)\n",
    }.get(kind, "")


def _break(nb, kind: str, course_dir: Path) -> None:
    tests, answers = _test_cells(nb), _solution_cells(nb)
    code = _hostile_code(kind, course_dir)
    if code:
        cell = [c for c in answers if c.cell_type == "code"][BROKEN_ANSWER]
        cell.source = code + cell.source
    elif kind == "deleted-test":
        nb.cells.remove(tests[1])
    elif kind == "edited-test":
        tests[BROKEN_ANSWER + 1].source = "# the checks get in my way\npass"
    elif kind == "edited-readonly":
        meta = tests[BROKEN_ANSWER + 2].metadata.nbgrader
        meta["points"], meta["locked"] = 100, False


def _other_notebook(course_dir: Path, assignment: str) -> Path:
    """A notebook of another assignment: of this course if it has one, else of any course."""
    for root in map(CoursePaths, (course_dir, *sorted(course_dir.parent.iterdir()))):
        for folder in (root.release(), root.source()):
            for path in sorted(folder.glob("*/*.ipynb")):
                if path.parent.name != assignment:
                    return path
    raise ValueError("no notebook of another assignment to submit")


def describe(kinds: dict[str, str]) -> str:
    """One line per kind: how many trainees, which ones."""
    by_kind: dict[str, list[str]] = {}
    for student, kind in kinds.items():
        by_kind.setdefault(kind, []).append(student)
    return "\n".join(f"{k:<17}{len(v):>3}  {', '.join(v)}" for k, v in by_kind.items())


__all__ = ["HOSTILE", "KINDS", "ORDINARY", "plan", "simulate", "write_submission", "describe"]
