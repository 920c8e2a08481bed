"""Self-paced use of the graded courses, without an instructor or a hub.

``build`` makes the trainee's own ``work/`` folder: the student version of every assignment
(nbgrader ``generate_assignment``, run in a scratch copy of each course) copied to
``work/<course>/<assignment>/``, the self-paced exercises to ``work/exercises/``, the CEN
dashboard to ``work/dashboards/`` and the start page to ``work/start.ipynb``. Work already in
``work/`` is never overwritten (``--force`` replaces it).

``grade`` autogrades the trainee's own notebooks in ``work/`` in a scratch copy of each course
(the solutions never enter ``work/``), writes the feedback pages to
``work/feedback/<course>/<assignment>/`` and prints the scores and where the pages are.

    python courses/selfpaced.py build [--work work] [--force] [course/assignment ...]
    python courses/selfpaced.py grade [--work work] [course/assignment ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from cenlab import course

REPO = Path(__file__).resolve().parent.parent
COURSES = REPO / "courses"
WORK = REPO / "work"
STUDENT = "me"
IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "outbox", "outbox-*")
EXTRAS = {"exercises": REPO / "exercises", "dashboards": REPO / "dashboards"}


@dataclass
class Graded:
    """One assignment graded: points scored by the autograder, out of its maximum, and the
    points of answers an instructor grades by hand (not counted here)."""

    course: str
    assignment: str
    auto_score: float
    auto_max: float
    manual_max: float
    feedback: list[Path]

    def line(self) -> str:
        by_hand = f"; {self.manual_max:g} more by hand" if self.manual_max else ""
        return (f"{self.course}/{self.assignment}: {self.auto_score:g} of {self.auto_max:g} "
                f"autograded points{by_hand}")  # fmt: skip


def _assignments(courses_root: Path, only) -> list[tuple[Path, str]]:
    pairs = course.find_assignments(courses_root)
    if not only:
        return pairs
    known = {f"{c.name}/{a}": (c, a) for c, a in pairs}
    unknown = [
        o for o in only if o.rstrip("/") not in known and o not in {c.name for c, _ in pairs}
    ]
    if unknown:
        raise ValueError(f"unknown assignment {unknown[0]!r}; known: {', '.join(known)}")
    return [(c, a) for c, a in pairs if f"{c.name}/{a}" in only or c.name in only]


def _scratch(tmp: Path, course_dir: Path, assignments: list[str]):
    """A copy of the course's config and of the sources of ``assignments``, and nbgrader's
    API on it with the course's own settings."""
    own, scratch = course.CoursePaths(course_dir), course.CoursePaths(tmp / course_dir.name)
    scratch.root.mkdir(parents=True)
    shutil.copy(own.config, scratch.config)
    for a in assignments:
        shutil.copytree(own.source(a), scratch.source(a), ignore=IGNORE)
    return scratch, course.course_api(course_dir, scratch=scratch.root)


def _by_course(pairs) -> dict[Path, list[str]]:
    out: dict[Path, list[str]] = {}
    for c, a in pairs:
        out.setdefault(c, []).append(a)
    return out


def _generate(api, assignment: str) -> None:
    outcome = api.generate_assignment(assignment, force=True, create=True)
    if not outcome["success"]:
        raise RuntimeError(f"generate_assignment {assignment} failed:\n{outcome.get('log', '')}")


def _copy(src: Path, dest: Path, force: bool) -> bool:
    """Copy a file or folder unless ``dest`` exists (the trainee's work); True when copied."""
    if dest.exists() and not force:
        return False
    if dest.exists():
        shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, ignore=IGNORE)
    else:
        shutil.copy(src, dest)
    return True


def build(work=WORK, *, only=None, force: bool = False, courses_root=COURSES) -> list[Path]:
    """Make ``work`` (see the module docstring); returns what was copied this time."""
    work, courses_root = Path(work), Path(courses_root)
    copied = []
    with tempfile.TemporaryDirectory(prefix="cenlab-build-") as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader + SQLAlchemy 2
        for course_dir, names in _by_course(_assignments(courses_root, only)).items():
            scratch, api = _scratch(Path(tmp), course_dir, names)
            for a in names:
                _generate(api, a)
                dest = work / course_dir.name / a
                if _copy(scratch.release(a), dest, force):
                    copied.append(dest)
    for name, src in EXTRAS.items():
        if src.is_dir():
            for item in sorted(src.iterdir()):
                if item.name in (".ipynb_checkpoints", "__pycache__"):
                    continue
                if _copy(item, work / name / item.name, force):
                    copied.append(work / name / item.name)
    if _copy(courses_root / "start.ipynb", work / "start.ipynb", force):
        copied.append(work / "start.ipynb")
    return copied


def _scores(api, assignment: str) -> tuple[float, float, float]:
    from nbgrader.api import Gradebook

    auto = auto_max = manual_max = 0.0
    with Gradebook(api.coursedir.db_url, api.course_id) as gb:
        for nb in gb.find_submission(assignment, STUDENT).notebooks:
            for grade in nb.grades:
                if grade.cell.cell_type == "code":
                    auto += float(grade.auto_score or 0.0)
                    auto_max += float(grade.max_score)
                else:
                    manual_max += float(grade.max_score)
    return auto, auto_max, manual_max


def grade(work=WORK, *, only=None, courses_root=COURSES) -> list[Graded]:
    """Autograde the trainee's notebooks in ``work``; feedback pages go to ``work/feedback``."""
    work, courses_root = Path(work), Path(courses_root)
    pairs = [(c, a) for c, a in _assignments(courses_root, only)
             if any((work / c.name / a).glob("*.ipynb"))]  # fmt: skip
    if not pairs:
        raise ValueError(f"no work found in {work}: run 'python courses/selfpaced.py build' first")
    results = []
    with tempfile.TemporaryDirectory(prefix="cenlab-grade-") as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for course_dir, names in _by_course(pairs).items():
            scratch, api = _scratch(Path(tmp), course_dir, names)
            for a in names:
                _generate(api, a)
                submitted = scratch.submitted(STUDENT, a)
                shutil.copytree(work / course_dir.name / a, submitted, ignore=IGNORE)
                outcome = api.autograde(a, STUDENT, force=True, create=True)
                if not outcome["success"]:
                    raise RuntimeError(f"autograding {a} failed:\n{outcome.get('log', '')}")
                api.generate_feedback(a, STUDENT, force=True)
                dest = work / "feedback" / course_dir.name / a
                if dest.exists():
                    shutil.rmtree(dest)
                dest.mkdir(parents=True)
                for page in scratch.feedback(STUDENT, a).glob("*.html"):
                    shutil.copy(page, dest / page.name)
                auto, auto_max, manual_max = _scores(api, a)
                pages = sorted(dest.glob("*.html"))
                results.append(Graded(course_dir.name, a, auto, auto_max, manual_max, pages))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python courses/selfpaced.py", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, what in (("build", "make the work folder"), ("grade", "grade my work")):
        p = sub.add_parser(name, help=what)
        p.add_argument("only", nargs="*", help="course or course/assignment (default: all)")
        p.add_argument("--work", default=str(WORK), help="the work folder (default: work/)")
        if name == "build":
            p.add_argument("--force", action="store_true", help="replace work already there")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            copied = build(args.work, only=args.only, force=args.force)
            print(f"{len(copied)} new items in {args.work}; open {Path(args.work) / 'start.ipynb'}")
            return 0
        for g in grade(args.work, only=args.only):
            print(g.line())
            for page in g.feedback:
                print(f"  feedback: {page}")
    except (ValueError, RuntimeError) as err:
        print(f"selfpaced: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
