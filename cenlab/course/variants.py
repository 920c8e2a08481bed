"""Does an assignment stay fair on every trainee's data? The source notebook, run on many
trainees' data.

For each trainee id, the assignment's data are built for that trainee (``personal``) and the
source notebook (the model answers and every test, hidden ones included) runs on them, in one
kernel kept from one trainee to the next (namespace reset, figures closed). A trainee's run
fails when any cell raises, or when a test cell writes to stderr (nbgrader scores such a cell
0). No failure means the model answers score full marks on every one of these datasets.

This runs the author's own code only, so it runs unconfined; trainees' code never comes here.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from cenlab.course import personal
from cenlab.course.paths import CoursePaths, wrong_submissions
from cenlab.course.personal import CHECK_SECRET

RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"


def trainee_ids(n: int) -> list[str]:
    """``n`` trainee ids for a check: ``trainee-000``, ``trainee-001``, ..."""
    return [f"trainee-{k:03d}" for k in range(n)]


@dataclass(frozen=True)
class Failure:
    """One cell that failed on one trainee's data."""

    trainee: str
    cell: str
    message: str

    def line(self) -> str:
        return f"{self.trainee}: {self.cell}: {self.message}"


def report_variants(folders, n: int) -> int:
    """Run ``check_variants`` on each assignment folder for ``n`` trainees, print a line per
    assignment and one per failure; the exit code (1 when any failed)."""
    failed = 0
    for folder in map(Path, folders):
        course_dir, name = folder.parent.parent, folder.name
        if not personal.is_personal(course_dir, name):
            print(f"{course_dir.name}/{name}: not personalised (build takes no variant)")
            failed += 1
            continue
        failures = check_variants(course_dir, name, trainee_ids(n))
        bad = sorted({f.trainee for f in failures})
        print(f"{course_dir.name}/{name}: full marks on {n - len(bad)} of {n} trainees")
        for f in failures:
            print(f"  {f.line()}")
        failed += bool(failures)
    return 1 if failed else 0


def _cell_name(cell, index: int) -> str:
    meta = cell.metadata.get("nbgrader", {})
    return meta.get("grade_id") or f"cell {index + 1}"


def _problem(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {str(out.get('evalue'))[:300]}"
    is_test = cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata.get(
        "nbgrader", {}
    ).get("solution")
    if is_test:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                return f"wrote to stderr: {out.get('text', '')[:300]}"
    return None


def _is_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def _with_answers(cells, notebook: Path) -> list:
    """``cells`` with each answer cell replaced by the same grade id's cell of ``notebook``."""
    theirs = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.source
        for c in nbformat.read(str(notebook), 4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    out = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in theirs:
            cell = new_code_cell(theirs[meta["grade_id"]], metadata=cell.metadata)
        out.append(cell)
    return out


def expected_losses(student: str, tests: list[str]) -> tuple[set[str], set[str]]:
    """The test cells a committed wrong submission must fail, and those it must pass (the
    rule of ``checks._wrong_problem``: ``wrong`` fails all, ``q<N>-...`` question N's,
    ``q<N>-...-once`` question N's and passes the rest)."""
    one = re.fullmatch(r"(q\d+)-.+", student)
    if one is None:
        return set(tests), set()
    lose = {t for t in tests if t.startswith(f"{one.group(1)}-")}
    return lose, (set(tests) - lose if student.endswith("-once") else set())


def check_variants(
    course_dir,
    assignment: str,
    trainees,
    *,
    secret: bytes = CHECK_SECRET,
    wrong: bool = True,
    wrong_for: int | None = None,
    timeout: int = 120,
) -> list[Failure]:
    """Run ``assignment``'s source notebook on each trainee's data, and (``wrong``) each of its
    committed wrong submissions (on the first ``wrong_for`` trainees only, when given); return
    what failed: a model answer that loses, a wrong submission that keeps a point it must
    lose."""
    course_dir = Path(course_dir)
    paths = CoursePaths(course_dir)
    notebooks = sorted(paths.source(assignment).glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(f"{assignment} should have one source notebook, not {len(notebooks)}")
    cells = [c for c in nbformat.read(str(notebooks[0]), 4).cells if c.cell_type == "code"]
    tests = [_cell_name(c, i) for i, c in enumerate(cells) if _is_test(c)]
    others = {}
    if wrong:
        for student, folder in wrong_submissions(course_dir, assignment).items():
            mine = folder / notebooks[0].name
            if mine.exists():
                others[student] = _with_answers(cells, mine)
    failures: list[Failure] = []
    env = {**os.environ, "MPLBACKEND": "agg", "PYTHONWARNINGS": "ignore"}
    with tempfile.TemporaryDirectory(prefix="cenlab-variants-") as tmp:
        client = NotebookClient(
            new_notebook(), timeout=timeout, kernel_name="python3", allow_errors=True
        )
        client.km = client.create_kernel_manager()
        client.start_new_kernel(cwd=tmp, env=env)
        client.start_new_kernel_client()
        try:
            for k, trainee in enumerate(trainees):
                folder = Path(tmp) / trainee
                _fill(course_dir, assignment, trainee, folder, secret)
                failed = _run_all(client, folder, cells, stop=True)
                failures += [Failure(trainee, cell, why) for cell, why in failed.items()]
                for student, theirs in others.items() if wrong_for is None or k < wrong_for else ():
                    shutil.rmtree(folder)  # each submission in a fresh folder: nothing left over
                    _fill(course_dir, assignment, trainee, folder, secret)
                    lost = set(_run_all(client, folder, theirs, stop=False)) & set(tests)
                    lose, keep = expected_losses(student, tests)
                    for cell in sorted(lose - lost):
                        failures.append(Failure(trainee, cell, f"{student} keeps its points"))
                    for cell in sorted(keep & lost):
                        failures.append(Failure(trainee, cell, f"{student} loses it too"))
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            client._cleanup_kernel()
    return failures


def _run_all(client: NotebookClient, folder: Path, cells, *, stop: bool) -> dict[str, str]:
    """Run ``cells`` afresh in ``folder``; cell name -> why it failed (the first only when
    ``stop``)."""
    start = new_code_cell(f"%cd {str(folder)!r}\n{RESET}")  # cd first: the last folder is gone
    _run(client, start)
    if _problem(start):
        raise RuntimeError(f"the check's kernel could not start afresh: {_problem(start)}")
    failed = {}
    for index, cell in enumerate(cells):
        run = new_code_cell(cell.source, metadata=cell.metadata)
        _run(client, run)
        why = _problem(run)
        if why:
            failed[_cell_name(cell, index)] = why
            if stop:
                break
    return failed


def _fill(course_dir: Path, assignment: str, trainee: str, folder: Path, secret: bytes) -> None:
    """The assignment's own files (not notebooks), then the trainee's data over them."""
    source = CoursePaths(course_dir).source(assignment)
    shutil.copytree(
        source, folder, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "outbox*")
    )
    personal.build_for(course_dir, assignment, trainee, folder, secret=secret)


def _run(client: NotebookClient, cell) -> None:
    client.nb.cells = [cell]
    client.execute_cell(cell, 0)


def model_answers(course_dir, assignment: str, trainee: str, out, *, timeout: int = 120):
    """Write ``trainee``'s data for ``assignment`` into ``out``, with the source notebook run
    on them: ``<notebook>-model-answers.ipynb`` and ``.html``, every model answer and test
    with its output (for an instructor answering "why is my answer wrong?"). Returns the
    files written."""
    from nbconvert import HTMLExporter

    course_dir, out = Path(course_dir), Path(out)
    if not personal.is_personal(course_dir, assignment):
        raise ValueError(f"{assignment} is not personalised: every trainee has the course's data")
    (notebook,) = sorted(CoursePaths(course_dir).source(assignment).glob("*.ipynb"))
    out.mkdir(parents=True, exist_ok=True)
    written = personal.build_for(course_dir, assignment, trainee, out)
    nb = nbformat.read(str(notebook), 4)
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(out)}},
    )  # fmt: skip
    client.execute(env=env)
    stem = notebook.stem + "-model-answers"
    nbformat.write(nb, str(out / f"{stem}.ipynb"))
    html, _ = HTMLExporter().from_notebook_node(nb)
    (out / f"{stem}.html").write_text(html, encoding="utf-8")
    return [*written, out / f"{stem}.ipynb", out / f"{stem}.html"]
