"""What a trainee's cell did to its kernel, as a status and a plain message.

The confined Execute step (``confined.ConfinedExecute``) reports here, in ``EVENTS``: a cell
that timed out, called ``sys.exit()``, reached outside its folder, printed too much, or stopped
Python (a dead kernel is one trainee's status, not a crash of the grading); a kernel that
ignored the interrupt after a cell timed out stops the notebook early, instead of letting every
later cell wait out its own time limit.

``RUN`` and ``EVENTS`` are per process: each grading worker grades one trainee at a time.
``RUN`` holds the worker's grader account, the output cap and the current kernel's folder.
"""

from __future__ import annotations

import re


def under(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or lies inside it (both absolute, normalised)."""
    return path == root or path.startswith(root.rstrip("/") + "/")


RUN: dict = {}  # the worker's settings: account, max_output_bytes; run_dir: the kernel's folder
EVENTS: list[tuple[str, str]] = []  # (status, message) met while executing the current task
TIMES: dict[str, float] = {}  # seconds of the current task: start, trainee (cells), tests


def _error(ename: str, message: str):
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def _cell_name(cell, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"number {index + 1}"


def _outside_folder(out, run_dir: str) -> bool:
    """An error raised because a cell reached for files outside its own folder."""
    text = f"{out.get('ename')}: {out.get('evalue')}"
    if out.get("ename") == "PermissionError" or "Read-only file system" in text:
        return True
    if out.get("ename") == "FileNotFoundError":
        paths = re.findall(r"'(/[^']*)'", text)
        return any(not under(p, run_dir) for p in paths)
    return False


def _not_run(cell, stopped_in: str) -> None:
    """A cell after the one that stopped Python: it says why it has no output."""
    cell.outputs = [_error("NotRun", f"not run: Python stopped in cell {stopped_in}")]


def _died_at_start(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type == "code":
            _not_run(cell, "its first cell")
    EVENTS.append(("kernel-died", "Python stopped before the first cell ran"))


def _kernel_died(cell, name: str) -> None:
    cell.outputs.append(_error("KernelDied", "Python stopped in this cell"))
    why = f"cell {name} stopped Python (os._exit, exit() or a crash)"
    EVENTS.append(("kernel-died", f"{why}; the cells after it were not run and score 0"))


def _ignored_interrupt(cell, name: str, timeout) -> None:
    """Interrupted after its time limit, the kernel did not answer within ``iopub_timeout``:
    every later cell would only wait out its own limit, so none is run."""
    msg = f"ran longer than the {timeout} s limit and ignored the interrupt"
    cell.outputs.append(_error("CellTimeoutError", f"this cell {msg}"))
    EVENTS.append(("timeout", f"cell {name} {msg}; the cells after it were not run and score 0"))


def _note_cell(cell, name: str, *, capped: bool, timed_out: bool, timeout) -> None:
    """Turn what a cell that ran did (too much output, its time limit, ``sys.exit()``, a reach
    outside its folder) into events, and tell the trainee in the cell when output was cut."""
    from nbformat.v4 import new_output

    limit = RUN.get("max_output_bytes", 10**6)
    if capped:
        note = f"\n... output cut: this cell printed more than {limit:,} bytes ...\n"
        cell.outputs.append(new_output("stream", name="stdout", text=note))
        EVENTS.append(("output-limited", f"cell {name} printed more than {limit:,} bytes; cut"))
    if timed_out:
        why = f"cell {name} ran longer than the {timeout} s limit"
        EVENTS.append(("timeout", f"{why} and was stopped (an endless loop?)"))
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    if any(o.get("ename") == "SystemExit" for o in errors):
        EVENTS.append(("exited", f"cell {name} called sys.exit(); grading went on"))
    run_dir = RUN.get("run_dir") or ""
    for out in errors:
        if _outside_folder(out, run_dir):
            what = f"{out.get('ename')}: {out.get('evalue')}"[:160]
            msg = f"cell {name} reached outside its folder and was stopped ({what})"
            EVENTS.append(("blocked", msg))
            break
