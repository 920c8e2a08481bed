"""Self-paced use of the graded courses, without an instructor or a hub.

``build`` makes the trainee's own ``work/`` folder: the student version of every assignment
(nbgrader ``generate_assignment``, run in a scratch copy of each course) copied to
``work/<course>/<assignment>/``, the self-paced exercises to ``work/exercises/``, the glossary
(``docs/glossary.md``) beside them, the CEN dashboard to ``work/dashboards/`` and the start page
to ``work/start.ipynb``. Work already in ``work/`` is never overwritten.

Each assignment's data are the trainee's own (``cenlab.course.personal``): built at ``build``
from a secret and a trainee id made once for this work folder and kept in
``work/.cenlab/trainee.json``, so the same work folder always gets the same data and another
trainee's folder other data. ``build`` again restores them: in an assignment folder that already
exists, when a data file is missing or differs from the stamp (or the stamp is missing), it
writes the trainee's data files back, and nothing else there (never a notebook); a data file
the trainee changed is kept first as ``<name>.edited`` (``<name>.edited-2``, ``-3``, ... when
that is taken). It prints one line per assignment restored.

``--force`` replaces the files of a fresh copy (the release and the trainee's data) in what it
builds, and never silently loses what the trainee wrote: a notebook whose cells (their type
and text; outputs do not count) differ from the fresh copy is kept first as
``<name>.ipynb.bak`` (``.ipynb.bak-2``, ... when taken), any other file that differs as
``<name>.edited``, and a line says so; files of the trainee's own stay. With assignments
named (or courses), only those are built or replaced; the shared items (exercises, glossary, dashboards,
start page) are copied when missing, and replaced only by a ``--force`` naming no assignment.

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
import fnmatch
import html
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cenlab import course
from cenlab.course import personal

REPO = Path(__file__).resolve().parent.parent
COURSES = REPO / "courses"
WORK = REPO / "work"
IDENTITY = ".cenlab/trainee.json"  # in the work folder: this trainee's id and local secret
SKIPPED = (".ipynb_checkpoints", "__pycache__", "outbox", "outbox-*")  # never copied
IGNORE = shutil.ignore_patterns(*SKIPPED)
EXTRAS = {"exercises": REPO / "exercises", "dashboards": REPO / "dashboards"}
# Single files copied into the work folder, by their place there: the exercises and the start
# page link the glossary as exercises/glossary.md.
FILES = {"exercises/glossary.md": REPO / "docs" / "glossary.md"}
SOLUTION = re.compile(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", re.DOTALL)
MARK_SCHEME = "-mark-scheme.html"
EDITED, BACKUP = ".edited", ".bak"  # what a trainee changed, kept beside the fresh file


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


def _copy(src: Path, dest: Path) -> None:
    """Copy a file or folder to ``dest``, which does not exist yet."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, ignore=IGNORE)
    else:
        shutil.copy(src, dest)


def _cells(path: Path):
    """The type and text of each cell of the notebook at ``path``; None when it is not one."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _files(src: Path) -> list[Path]:
    """The files of ``src`` (itself when a file) that a copy takes, relative to ``src``."""
    if not src.is_dir():
        return [Path()]
    return sorted(p.relative_to(src) for p in src.rglob("*") if p.is_file()
                  and not any(fnmatch.fnmatch(part, pattern) for part in p.relative_to(src).parts
                              for pattern in SKIPPED))  # fmt: skip


def _replace(src: Path, dest: Path) -> list[Path]:
    """Put the files of ``src`` in place of those of ``dest`` (``--force``); returns the copies
    kept of what the trainee had changed: a notebook whose cells differ (``.ipynb.bak``), any
    other file that differs (``.edited``). The stamp is only rewritten; files of ``dest`` that
    ``src`` has not are left."""
    if src.is_dir() != dest.is_dir():  # a file where a folder goes, or the other way
        kept = [personal.keep_aside(dest, EDITED)]
        _copy(src, dest)
        return kept
    kept = []
    for rel in _files(src):
        new, old = src / rel, dest / rel
        if old.is_file() and not old.is_symlink():
            same = old.read_bytes() == new.read_bytes()
            if not same and old.name != personal.STAMP:
                if old.suffix != ".ipynb" or _cells(old) != _cells(new):
                    kept.append(
                        personal.keep_aside(old, BACKUP if old.suffix == ".ipynb" else EDITED)
                    )
        elif old.exists() or old.is_symlink():  # a folder or a link where a file goes
            kept.append(personal.keep_aside(old, EDITED))
            same = False
        else:
            same = False
        if not same:
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(new, old)
    return kept


def _replaced_line(dest: Path, kept: list[Path]) -> str:
    names = ", ".join(str(k.relative_to(dest) if k.is_relative_to(dest) else k.name) for k in kept)
    copies = "copy" if len(kept) == 1 else "copies"
    return f"replaced {dest} with a fresh copy; your edited {copies} kept as {names}"


def _is_intact(folder: Path, stamp: dict | None, course_name: str, assignment: str,
               trainee: str) -> bool:  # fmt: skip
    """True when ``folder`` holds ``trainee``'s data of the assignment, as its stamp says."""
    whose = (course_name, assignment, trainee)
    if stamp is None or tuple(stamp.get(k) for k in ("course", "assignment", "trainee")) != whose:
        return False
    return not personal.changed_files(folder, stamp)


def restore_data(course_dir: Path, assignment: str, dest: Path, trainee: str, secret: bytes,
                 tmp: Path) -> str | None:  # fmt: skip
    """Write ``trainee``'s data files back into the assignment folder ``dest`` when one is
    missing or differs from the stamp (or the stamp is missing), keeping a changed one as
    ``<name>.edited``; nothing else of ``dest`` is touched. The line to print, or None when
    nothing was to be done."""
    if not personal.is_personal(course_dir, assignment):
        return None
    if _is_intact(dest, personal.read_stamp(dest), course_dir.name, assignment, trainee):
        return None
    fresh = tmp / "data" / course_dir.name / assignment
    files = personal.build_for(course_dir, assignment, trainee, fresh, secret=secret)
    restored = []
    for new in files:
        old = dest / new.name
        if old.is_file() and not old.is_symlink() and old.read_bytes() == new.read_bytes():
            continue
        kept = personal.keep_aside(old, EDITED) if old.exists() or old.is_symlink() else None
        shutil.copy(new, old)
        restored.append(f"{new.name} (your edited copy kept as {kept.name})" if kept else new.name)
    shutil.copy(fresh / personal.STAMP, dest / personal.STAMP)
    if not restored:
        return (f"restored the record of your own data ({personal.STAMP}) in {dest}; your data "
                "files were already right")  # fmt: skip
    return f"restored your own data in {dest}: {', '.join(restored)}"


def _shared(courses_root: Path) -> list[tuple[Path, Path]]:
    """(source, place in the work folder) of every shared item: exercises, dashboards, the
    glossary and the start page."""
    items = []
    for name, src in EXTRAS.items():
        if src.is_dir():
            items += [(item, Path(name) / item.name) for item in sorted(src.iterdir())
                      if item.name not in (".ipynb_checkpoints", "__pycache__")]  # fmt: skip
    items += [(src, Path(place)) for place, src in FILES.items()]
    return [*items, (courses_root / "start.ipynb", Path("start.ipynb"))]


def build(
    work=WORK,
    *,
    only=None,
    force: bool = False,
    courses_root=COURSES,
    say: Callable[[str], None] = print,
) -> list[Path]:
    """Make ``work`` (see the module docstring); returns what was copied or replaced this time.
    ``say`` gets the line of each assignment whose data were restored and of each item replaced
    with a copy of the trainee's kept."""
    work, courses_root = Path(work), Path(courses_root)
    pairs = _assignments(courses_root, only)  # a wrong name: nothing made
    copied = []
    trainee, secret = identity(work)
    with tempfile.TemporaryDirectory(prefix="cenlab-build-") as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader + SQLAlchemy 2
        tmp = Path(tmp)
        for course_dir, names in _by_course(pairs).items():
            dests = {a: work / course_dir.name / a for a in names}
            fresh = [a for a in names if force or not dests[a].is_dir()]
            if fresh:
                scratch, api = _scratch(tmp / "scratch", course_dir, fresh)
            for a in names:
                dest = dests[a]
                if a not in fresh:  # the trainee's: only their data, when changed
                    line = restore_data(course_dir, a, dest, trainee, secret, tmp)
                    if line:
                        say(line)
                    continue
                _generate(api, a)
                staged = tmp / "staged" / course_dir.name / a
                shutil.copytree(scratch.release(a), staged, ignore=IGNORE)
                if personal.is_personal(course_dir, a):  # their own data over the course's
                    personal.build_for(course_dir, a, trainee, staged, secret=secret)
                if dest.exists():
                    kept = _replace(staged, dest)
                    if kept:
                        say(_replaced_line(dest, kept))
                else:
                    _copy(staged, dest)
                copied.append(dest)
    for src, place in _shared(courses_root):
        dest = work / place
        if not (dest.exists() or dest.is_symlink()):
            _copy(src, dest)
            copied.append(dest)
        elif force and not only:
            kept = _replace(src, dest)
            if kept:
                say(_replaced_line(dest, kept))
            copied.append(dest)
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
            p.add_argument(
                "--force",
                action="store_true",
                help="replace with a fresh copy (your edited files are kept beside it)",
            )
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            copied = build(args.work, only=args.only, force=args.force)
            items = "item" if len(copied) == 1 else "items"
            print(
                f"{len(copied)} new {items} in {args.work}; open {Path(args.work) / 'start.ipynb'}"
            )
            return 0
        for g in grade(args.work, only=args.only):
            print(g.line())
            for page in g.feedback:
                print(f"  feedback: {page}")
            for page in g.mark_schemes:
                print(f"  model answers and mark scheme: {page}")
    except ValueError as err:  # bad input: a wrong name, no work, a damaged identity
        print(f"selfpaced: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"selfpaced: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
