"""Author checks of committed notebooks that need no kernel: no outputs, nbgrader metadata kept,
and the course conventions (objectives, enough graded answers, locked and silent test cells)."""

from __future__ import annotations

import ast
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
