"""nbgrader's Execute step, made safe for trainees' code.

``executor_class()`` returns a subclass of nbgrader's ``Execute`` preprocessor that

- starts the kernel through the sandbox launcher (``RUN["prefix"]``) in a fresh working copy
  of the trainee's files that only the grader account may write (``RUN["run_dir"]``);
- caps each cell's output at ``RUN["max_output_bytes"]``;
- turns what a cell did to the kernel into a status and a plain message in ``EVENTS``: a cell
  that timed out, called ``sys.exit()``, reached outside its folder, printed too much, or
  stopped Python (a dead kernel is one trainee's status, not a crash of the grading);
- stops early when the kernel ignores the interrupt after a cell timed out, instead of letting
  every later cell wait out its own time limit.

``RUN`` and ``EVENTS`` are per process: each grading worker grades one trainee at a time.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from cenlab.course.grading.launcher import under

RUN: dict = {}  # the worker's settings: prefix, run_dir, account, max_output_bytes
EVENTS: list[tuple[str, str]] = []  # (status, message) met while executing the current task
_EXECUTE = None


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


def prepare_run_dir(src: str) -> str:
    """A fresh working copy of the assignment's files (not the notebooks) that only the grader
    account may write: the kernel's folder."""
    run = Path(RUN["run_dir"])
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(src, run, ignore=shutil.ignore_patterns("*.ipynb"), symlinks=False)
    account = RUN["account"]
    for folder, dirs, files in os.walk(run):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, account.uid, account.gid)
    run.chmod(0o700)
    return str(run)


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


def executor_class():
    """nbgrader's Execute preprocessor, made to start the kernel through the launcher, cap
    each cell's output, and turn a dead kernel into a per-trainee status instead of a crash.
    Built on first use, so that importing this module does not import nbgrader."""
    global _EXECUTE
    if _EXECUTE is None:
        _EXECUTE = _sandbox_execute(_sandbox_kernel_manager())
    return _EXECUTE


def _sandbox_kernel_manager():
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            return [*RUN["prefix"], *cmd] if RUN.get("prefix") else cmd

    return SandboxKernelManager


def _sandbox_execute(kernel_manager_class):
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbgrader.preprocessors import Execute

    class SandboxExecute(Execute):
        def create_kernel_manager(self):
            self.kernel_manager_class = kernel_manager_class
            return super().create_kernel_manager()

        def preprocess(self, nb, resources=None, km=None):
            self._stopped = None  # the cell that stopped Python: later cells are not run
            if RUN.get("run_dir"):
                resources["metadata"]["path"] = prepare_run_dir(resources["metadata"]["path"])
            try:
                return super().preprocess(nb, resources, km)
            except DeadKernelError:  # died before running a single cell
                _died_at_start(nb)
                return nb, resources

        async def _async_handle_timeout(self, timeout, cell=None):
            self._timed_out = True
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            data = content.get("data", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in data.values())
            self._out_bytes += size
            if self._out_bytes > RUN.get("max_output_bytes", 10**6):
                self._capped = True
                return None
            return super().output(outs, msg, display_id, cell_index)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return cell, resources
            name = _cell_name(cell, index)
            if self._stopped:
                _not_run(cell, self._stopped)
                return cell, resources
            self._out_bytes, self._capped, self._timed_out = 0, False, False
            try:
                cell, resources = super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._stopped = name
                _kernel_died(cell, name)
                return cell, resources
            except CellTimeoutError:
                if not self._timed_out:
                    raise
                self._stopped = name
                _ignored_interrupt(cell, name, self.timeout)
                return cell, resources
            _note_cell(
                cell, name, capped=self._capped, timed_out=self._timed_out, timeout=self.timeout
            )
            return cell, resources

    return SandboxExecute
