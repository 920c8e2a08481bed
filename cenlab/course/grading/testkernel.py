"""The test kernel, kept from one trainee to the next.

A test kernel never runs trainee code: it runs the assignment's context cells and its tests,
and reads each trainee's answers as data (``remote``). So one test kernel can serve every
trainee of an assignment that a process grades in turn (a grading worker, the formgrader):
between two trainees its namespace is emptied (``%reset``), its folder gets a fresh copy of
the course's data files, and the context cells run again, with their imports already loaded.
That saves a cold kernel start per trainee. A test kernel that timed out or died is thrown
away and the next trainee gets a new one.

``Capped`` (output cut per cell, error messages and tracebacks counted) is shared with the
trainee's kernel.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from pathlib import Path

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from cenlab.course.grading.executor import RUN

RESET = (
    "%reset -f\n"
    "import sys as _sys\n"
    "_sys.modules.get('matplotlib.pyplot') and _sys.modules['matplotlib.pyplot'].close('all')"
)
_KEPT: dict = {}  # "key", "kernel", "scratch": the test kernel this process keeps


class Capped:
    """Output capped per cell, error messages and tracebacks counted and cut like the rest."""

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        data = content.get("data", {}).values()
        size = len(content.get("text", "")) + sum(len(str(v)) for v in data)
        size += len(str(content.get("evalue", "")))
        size += sum(len(t) for t in content.get("traceback", []))
        self._out_bytes = getattr(self, "_out_bytes", 0) + size
        if self._out_bytes > RUN.get("max_output_bytes", 10**6):
            self._capped = True
            return None
        return super().output(outs, msg, display_id, cell_index)


class TestKernel(Capped, NotebookClient):
    """The kernel that runs the tests."""

    __test__ = False  # not a pytest class

    def run(self, cell):
        """Execute ``cell`` here, as the only cell of this client's notebook."""
        self.nb.cells = [cell]
        self._out_bytes, self._capped = 0, False
        return self.execute_cell(cell, 0)

    def alive(self) -> bool:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None


def take(key, *, fill, manager, timeout, startup_timeout) -> tuple[TestKernel, Path, Path]:
    """The test kernel for ``key`` (an assignment's source notebook, the account, the limits),
    with its folder (filled afresh by ``fill(folder)``) and its socket folder; kept from the
    last trainee when it is alive, else started (``manager(folder, io)`` makes its manager)."""
    kept = _KEPT.get("kernel")
    if kept is not None and _KEPT.get("key") == key and kept.alive():
        folder, io = _KEPT["scratch"] / "tests", _KEPT["scratch"] / "tests-io"
        for entry in folder.iterdir():
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        fill(folder)
        kept.run(new_code_cell(RESET))
        return kept, folder, io
    discard()
    scratch = Path(tempfile.mkdtemp(prefix="cenlab-tests-"))
    scratch.chmod(0o711)
    folder, io = scratch / "tests", scratch / "tests-io"
    folder.mkdir()
    io.mkdir()
    fill(folder)
    kernel = TestKernel(
        new_notebook(),
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        shutdown_kernel="immediate",
        startup_timeout=startup_timeout,
        resources={"metadata": {"path": str(folder)}},
    )
    kernel.km = manager(folder, io)
    kernel.reset_execution_trackers()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    kernel.start_new_kernel(cwd=str(folder), **quiet)
    _KEPT.update(key=key, kernel=kernel, scratch=scratch)
    return kernel, folder, io


def discard() -> None:
    """Stop the kept test kernel, if any, and remove its folders."""
    kernel, scratch = _KEPT.pop("kernel", None), _KEPT.pop("scratch", None)
    _KEPT.clear()
    if kernel is not None and kernel.km is not None:
        try:
            kernel._cleanup_kernel()
        except Exception:  # noqa: BLE001, S110 - its PID namespace ends it anyway
            pass
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


atexit.register(discard)
