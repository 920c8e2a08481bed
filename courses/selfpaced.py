"""Self-paced use of the graded courses, without an instructor or a hub.

``build`` makes the trainee's own ``work/`` folder: the student version of every assignment
(nbgrader ``generate_assignment``, run in a scratch copy of each course) copied to
``work/<course>/<assignment>/``, the self-paced exercises to ``work/exercises/``, the glossary
(``docs/glossary.md``) beside them, the CEN dashboard to ``work/dashboards/`` and the start page
to ``work/start.ipynb``. Work already in ``work/`` is never overwritten (``--force`` replaces it).

Each assignment's data are the trainee's own (``cenlab.course.personal``): built at ``build``
from a secret and a trainee id made once for this work folder and kept in
``work/.cenlab/trainee.json``, so the same work folder always gets the same data and another
trainee's folder other data.

``grade`` autogrades the trainee's own notebooks in ``work/`` in a scratch copy of each course
(the solutions never enter ``work/``), writes the feedback pages to
``work/feedback/<course>/<assignment>/`` and prints the scores and where the pages are. Beside
each feedback page, ``<notebook>-mark-scheme.html`` gives the model answer and mark scheme of
every answer graded by hand, taken from the source notebook: a trainee sees them only once
graded, never in the work folder before.

    python courses/selfpaced.py build [--work work] [--force] [course/assignment ...]
    python courses/selfpaced.py grade [--work work] [course/assignment ...]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from cenlab import course
from cenlab.course import personal

REPO = Path(__file__).resolve().parent.parent
COURSES = REPO / "courses"
WORK = REPO / "work"
IDENTITY = ".cenlab/trainee.json"  # in the work folder: this trainee's id and local secret
IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "outbox", "outbox-*")
EXTRAS = {"exercises": REPO / "exercises", "dashboards": REPO / "dashboards"}
# Single files copied into the work folder, by their place there: the exercises and the start
# page link the glossary as exercises/glossary.md.
FILES = {"exercises/glossary.md": REPO / "docs" / "glossary.md"}
SOLUTION = re.compile(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", re.DOTALL)
MARK_SCHEME = "-mark-scheme.html"


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
    mark_schemes: list[Path]

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


def identity(work: Path) -> tuple[str, bytes]:
    """This work folder's trainee id and secret, made the first time (readable by its owner
    only)."""
    path = Path(work) / IDENTITY
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"trainee": f"selfpaced-{secrets.token_hex(4)}", "secret": secrets.token_hex(32)}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh, indent=1)
    try:
        record = json.loads(path.read_text())
        return str(record["trainee"]), str(record["secret"]).encode()
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{path} is damaged: move it away and build again") from None


def _scratch(tmp: Path, course_dir: Path, assignments: list[str], secret: bytes | None = None):
    """A copy of the course's config, data builder and of the sources of ``assignments``,
    with ``secret`` as its secret, and nbgrader's API on it with the course's own settings."""
    own, scratch = course.CoursePaths(course_dir), course.CoursePaths(tmp / course_dir.name)
    scratch.root.mkdir(parents=True)
    shutil.copy(own.config, scratch.config)
    if own.data_builder.exists():
        shutil.copy(own.data_builder, scratch.data_builder)
    if secret is not None:
        scratch.secret.write_bytes(secret + b"\n")
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
    trainee, secret = identity(work)
    with tempfile.TemporaryDirectory(prefix="cenlab-build-") as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader + SQLAlchemy 2
        for course_dir, names in _by_course(_assignments(courses_root, only)).items():
            scratch, api = _scratch(Path(tmp), course_dir, names)
            for a in names:
                _generate(api, a)
                dest = work / course_dir.name / a
                if _copy(scratch.release(a), dest, force):
                    if personal.is_personal(course_dir, a):  # their own data over the course's
                        personal.build_for(course_dir, a, trainee, dest, secret=secret)
                    copied.append(dest)
    for name, src in EXTRAS.items():
        if src.is_dir():
            for item in sorted(src.iterdir()):
                if item.name in (".ipynb_checkpoints", "__pycache__"):
                    continue
                if _copy(item, work / name / item.name, force):
                    copied.append(work / name / item.name)
    for place, src in FILES.items():
        if _copy(src, work / place, force):
            copied.append(work / place)
    if _copy(courses_root / "start.ipynb", work / "start.ipynb", force):
        copied.append(work / "start.ipynb")
    return copied


def _scores(api, assignment: str, student: str) -> tuple[float, float, float]:
    from nbgrader.api import Gradebook

    auto = auto_max = manual_max = 0.0
    with Gradebook(api.coursedir.db_url, api.course_id) as gb:
        for nb in gb.find_submission(assignment, student).notebooks:
            for grade in nb.grades:
                if grade.cell.cell_type == "code":
                    auto += float(grade.auto_score or 0.0)
                    auto_max += float(grade.max_score)
                else:
                    manual_max += float(grade.max_score)
    return auto, auto_max, manual_max


def _by_hand(nb) -> list[tuple[str, str, float, str]]:
    """The answers of ``nb`` graded by hand: (grade id, the question, points, model answer and
    mark scheme). The question is the nearest markdown cell before the answer that asks one."""
    out, question = [], ""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade"):
            found = SOLUTION.search(cell.source)
            answer = (found.group(1) if found else cell.source).strip()
            if cell.cell_type == "code":
                answer = f"```python\n{answer}\n```"
            out.append((meta["grade_id"], question, float(meta.get("points", 0)), answer))
        elif cell.cell_type == "markdown" and not meta and "**Question" in cell.source:
            question = cell.source
    return out


def write_mark_schemes(source: Path, dest: Path) -> list[Path]:
    """For each notebook of the assignment folder ``source`` with answers graded by hand, the page
    ``<notebook>-mark-scheme.html`` in ``dest``, linked from the end of its feedback page."""
    import nbformat
    from nbconvert import HTMLExporter

    pages = []
    for path in sorted(source.glob("*.ipynb")):
        answers = _by_hand(nbformat.read(str(path), as_version=4))
        if not answers:
            continue
        cells = [nbformat.v4.new_markdown_cell(
            f"# Mark scheme: {path.stem}\n\nThe model answer and mark scheme of each question "
            "graded by hand. Compare them with your own answers in the feedback page; your "
            "instructor, if you have one, gives these points."
        )]  # fmt: skip
        for grade_id, question, points, answer in answers:
            cells.append(nbformat.v4.new_markdown_cell(f"---\n\n*{grade_id}, {points:g} points*"))
            if question:
                cells.append(nbformat.v4.new_markdown_cell(question))
            cells.append(nbformat.v4.new_markdown_cell(answer))
        body, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=cells))
        page = dest / f"{path.stem}{MARK_SCHEME}"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        feedback = dest / f"{path.stem}.html"
        if feedback.exists():
            link = (f'<p><a href="{html.escape(page.name)}">Model answers and mark scheme of the '
                    "questions graded by hand</a></p>")  # fmt: skip
            text = feedback.read_text(encoding="utf-8")
            at = text.rfind("</body>")
            text = text[:at] + link + text[at:] if at >= 0 else text + link
            feedback.write_text(text, encoding="utf-8")
    return pages


def grade(work=WORK, *, only=None, courses_root=COURSES) -> list[Graded]:
    """Autograde the trainee's notebooks in ``work``; feedback pages go to ``work/feedback``."""
    work, courses_root = Path(work), Path(courses_root)
    pairs = [(c, a) for c, a in _assignments(courses_root, only)
             if any((work / c.name / a).glob("*.ipynb"))]  # fmt: skip
    if not pairs:
        raise ValueError(f"no work found in {work}: run 'python courses/selfpaced.py build' first")
    results = []
    student, secret = identity(work)
    with tempfile.TemporaryDirectory(prefix="cenlab-grade-") as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for course_dir, names in _by_course(pairs).items():
            scratch, api = _scratch(Path(tmp), course_dir, names, secret)
            for a in names:
                _generate(api, a)
                submitted = scratch.submitted(student, a)
                shutil.copytree(work / course_dir.name / a, submitted, ignore=IGNORE)
                outcome = api.autograde(a, student, force=True, create=True)
                if not outcome["success"]:
                    raise RuntimeError(f"autograding {a} failed:\n{outcome.get('log', '')}")
                api.generate_feedback(a, student, force=True)
                dest = work / "feedback" / course_dir.name / a
                if dest.exists():
                    shutil.rmtree(dest)
                dest.mkdir(parents=True)
                for page in scratch.feedback(student, a).glob("*.html"):
                    shutil.copy(page, dest / page.name)
                auto, auto_max, manual_max = _scores(api, a, student)
                pages = sorted(dest.glob("*.html"))
                schemes = write_mark_schemes(scratch.source(a), dest)
                results.append(
                    Graded(course_dir.name, a, auto, auto_max, manual_max, pages, schemes)
                )
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
            for page in g.mark_schemes:
                print(f"  model answers and mark scheme: {page}")
    except (ValueError, RuntimeError) as err:
        print(f"selfpaced: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
