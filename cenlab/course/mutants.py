"""The mutation check of an assignment: do its tests catch small wrong variants of each answer?

``check_mutants(assignment_dir)`` makes every single-change mutant of each autograded answer
cell (``cenlab.course.mutations``) and runs each through that question's tests, the cells after
the answer cell up to its last test cell, hidden tests included. It never autogrades: each
notebook of a scratch copy of the assignment runs once, top to bottom, in one kernel. Before each
answer cell, the kernel runs the reference answer and then every mutant on its own copy of the
namespace: pandas and numpy objects are copied, lists, dicts and sets deep-copied where they can
be, everything else (modules, functions, other objects) shared. So a mutant that changes a shared
object in place, writes a file or changes module state can leak into later runs; the reference
cell then runs for real and the notebook goes on. Files are put back as they were before the
question after each run (only those in the assignment folder).

Each mutant is ``crash`` (the mutated cell raised), ``timeout`` (ran past ``timeout`` seconds),
``equivalent?`` (every name of the namespace holds the same value as after the reference answer,
on this data: no test could tell them apart), ``caught`` (a test cell raised) or ``survived``.
Score = (caught + crash + timeout) / (those + survived); authors aim at 0.95 or more.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cenlab.course.mutations import Mutation, mutate
from cenlab.course.paths import BUILT

CAUGHT, CRASH, TIMEOUT, EQUIVALENT, SURVIVED = (
    "caught",
    "crash",
    "timeout",
    "equivalent?",
    "survived",
)
KILLED = (CAUGHT, CRASH, TIMEOUT)

# Runs in the kernel: copies the namespace, runs a cell variant and the tests, reports in .last.
DRIVER = r"""
class __CenlabMutants:
    import copy, json, sys, types

    def __init__(self):
        self.last, self.cells, self.state = "", [], {}

    def _copy(self, value):
        if type(value).__module__.split(".")[0] in ("pandas", "numpy") and hasattr(value, "copy"):
            try:
                return value.copy()
            except Exception:
                return value
        if isinstance(value, (list, dict, set)):
            try:
                return self.copy.deepcopy(value)
            except Exception:
                return self.copy.copy(value)
        return value

    def _names(self, ns):
        hidden = {"In", "Out", "exit", "quit", "get_ipython"}
        return [k for k in ns if not k.startswith("_") and k not in hidden
                and not isinstance(ns[k], self.types.ModuleType)]

    def _snapshot(self):
        ns = get_ipython().user_ns
        names = set(self._names(ns))
        return {k: (self._copy(v) if k in names else v) for k, v in ns.items()}

    def _same(self, a, b, depth=0):
        if a is b:
            return True
        if type(a) is not type(b) or depth > 4:
            return False
        mod = type(a).__module__.split(".")[0]
        try:
            if mod == "pandas" and hasattr(a, "equals"):
                named = type(a).__name__ == "Series"  # a DataFrame's .name may be a column
                return bool(a.equals(b)) and (not named or bool(a.name == b.name))
            if mod == "numpy" and hasattr(a, "shape"):
                import numpy
                return a.shape == b.shape and bool(numpy.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
            if isinstance(a, float):
                return a == b or (a != a and b != b)
            if isinstance(a, (list, tuple)):
                return len(a) == len(b) and all(self._same(x, y, depth + 1) for x, y in zip(a, b))
            if isinstance(a, dict):
                return a.keys() == b.keys() and all(self._same(a[k], b[k], depth + 1) for k in a)
            if isinstance(a, self.types.FunctionType):
                return a.__code__ == b.__code__ and self._same(a.__defaults__, b.__defaults__, depth + 1)
            plain = type(a).__eq__ is object.__eq__ or hasattr(a, "__dataclass_fields__")
            if plain and hasattr(a, "__dict__"):
                return self._same(vars(a), vars(b), depth + 1)
            result = a == b
            return result if isinstance(result, bool) else bool(result.all())
        except Exception:
            return False

    def _run(self, code, ns):
        try:
            exec(compile(code, "<answer>", "exec"), ns)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return None

    def _tests(self, ns):
        shell = get_ipython()
        for kind, grade_id, source in self.cells:
            error = self._run(shell.transform_cell(source), ns)
            if error and kind == "test":
                return f"{grade_id}: {error}"
        return None

    def _figures(self):
        plt = self.sys.modules.get("matplotlib.pyplot")
        return set(plt.get_fignums()) if plt else set()

    def _close(self, before):
        plt = self.sys.modules.get("matplotlib.pyplot")
        for number in self._figures() - before:
            plt.close(number)

    def reference(self, payload):
        code, self.cells = self.json.loads(payload)
        figures, ns = self._figures(), self._snapshot()
        error = self._run(code, ns)
        self.state = {k: self._copy(ns[k]) for k in self._names(ns)}
        self.last = error and f"the answer raised {error}" or self._tests(ns) or ""
        self._close(figures)

    def mutant(self, code):
        figures, ns = self._figures(), self._snapshot()
        error = self._run(code, ns)
        if error:
            self.last = self.json.dumps(["crash", error])
        else:
            names = set(self._names(ns)) | set(self.state)
            miss = object()
            changed = sorted(k for k in names if not self._same(ns.get(k, miss), self.state.get(k, miss)))
            failed = changed and self._tests(ns)
            if not changed:
                self.last = self.json.dumps(["equivalent?", ""])
            else:
                self.last = self.json.dumps(["caught" if failed else "survived", failed or "changes " + ", ".join(changed)])
        self._close(figures)

__cenlab_mutants = __CenlabMutants()
del __CenlabMutants
"""


@dataclass(frozen=True)
class Outcome:
    """What became of one mutant: its question (the answer cell's grade_id), the change, the
    status and, for caught and crashed ones, the first line of the error."""

    notebook: str
    question: str
    mutation: Mutation
    status: str
    detail: str = ""

    def describe(self) -> str:
        m = self.mutation
        return f"{self.question} line {m.line} [{m.operator}]: {m.before}  ->  {m.after}"


@dataclass
class MutantReport:
    """Every mutant's outcome for one assignment, the problems met and the time taken."""

    assignment: str
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, Counter]:
        """question -> Counter of statuses, in notebook order."""
        out: dict[str, Counter] = {}
        for o in self.outcomes:
            out.setdefault(o.question, Counter())[o.status] += 1
        return out

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == SURVIVED]

    @property
    def score(self) -> float:
        """Share of the non-equivalent mutants that lose marks (1.0 when there are none)."""
        killed = sum(o.status in KILLED for o in self.outcomes)
        counted = killed + len(self.survivors)
        return killed / counted if counted else 1.0

    def table(self) -> str:
        statuses = (CAUGHT, CRASH, TIMEOUT, SURVIVED, EQUIVALENT)
        total = Counter(o.status for o in self.outcomes)
        lines = [
            f"{self.assignment}: {len(self.outcomes)} mutants, score {self.score:.0%} "
            f"({self.seconds:.0f} s)"
        ]
        width = max([len(q) for q in self.counts()] + [8]) + 2
        lines.append("  " + "question".ljust(width) + "".join(s.rjust(12) for s in statuses))
        for question, counts in [*self.counts().items(), ("all", total)]:
            row = "".join(str(counts[s]).rjust(12) for s in statuses)
            lines.append(f"  {question:<{width}}{row}")
        lines += [f"  SURVIVED {o.describe()}" for o in self.survivors]
        lines += [f"  EQUIVALENT? {o.describe()}" for o in self.outcomes if o.status == EQUIVALENT]
        lines += [f"  PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)


def questions(path) -> list[tuple[int, str, str, list[tuple[str, str, str]]]]:
    """(cell index, grade_id, answer source, following cells) for each autograded answer cell
    of a notebook with a test cell after it before the next answer cell; following cells are
    (kind "test" or "given", grade_id or "", source), up to the last test cell."""
    nb = nbformat.read(str(path), as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution") or meta.get("grade"):
            continue
        after = []
        for nxt in nb.cells[i + 1 :]:
            nmeta = nxt.metadata.get("nbgrader", {})
            if nmeta.get("solution"):
                break
            if nxt.cell_type == "code":
                kind = "test" if nmeta.get("grade") else "given"
                after.append((kind, nmeta.get("grade_id", ""), nxt.source))
        while after and after[-1][0] != "test":
            after.pop()
        if after:
            out.append((i, meta.get("grade_id", f"cell {i}"), cell.source, after))
    return out


class _Kernel:
    """One kernel in a folder, with one call per request and a timeout that interrupts."""

    def __init__(self, folder: Path, kernel_name: str):
        from jupyter_client.manager import KernelManager

        self.folder = folder
        self.km = KernelManager(kernel_name=kernel_name)
        env = {**os.environ, "MPLBACKEND": "agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.km.start_kernel(cwd=str(folder), env=env, **quiet)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str, *, timeout: float, expression: str = "") -> tuple[str, str]:
        """("ok", value of ``expression``), ("error", first line), or ("timeout", "")."""
        exprs = {"x": expression} if expression else {}
        msg_id = self.kc.execute(code, store_history=False, user_expressions=exprs)
        reply = self._reply(msg_id, timeout)
        status = "timeout"
        if reply is None:
            self.km.interrupt_kernel()
            if self._reply(msg_id, 30) is None:
                raise RuntimeError("the kernel does not answer after an interrupt")
        elif reply["status"] == "ok":
            data = reply["user_expressions"].get("x", {}).get("data", {})
            return "ok", data.get("text/plain", "")
        else:
            status = f"error: {reply.get('ename')}: {reply.get('evalue', '')}".splitlines()[0]
        return status, ""

    def _reply(self, msg_id: str, timeout: float):
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = self.kc.get_shell_msg(timeout=left)
            except queue.Empty:
                break
            finally:
                while self.kc.iopub_channel.msg_ready():
                    self.kc.get_iopub_msg()
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        return None

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


class _Files:
    """A folder's files, saved once and put back after each run: answers write outboxes."""

    def __init__(self, folder: Path, saved: Path):
        self.folder, self.saved = folder, saved
        shutil.rmtree(saved, ignore_errors=True)
        shutil.copytree(folder, saved, symlinks=True)
        self.stats = self._stats(folder)

    @staticmethod
    def _stats(folder: Path) -> dict:
        return {
            p.relative_to(folder): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()
        }

    def restore(self) -> None:
        now = self._stats(self.folder)
        for rel in now.keys() - self.stats.keys():
            (self.folder / rel).unlink()
        for rel, stat in self.stats.items():
            if now.get(rel) != stat:
                (self.folder / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.saved / rel, self.folder / rel)
        for path in sorted(self.folder.rglob("*"), reverse=True):
            if path.is_dir() and not (self.saved / path.relative_to(self.folder)).is_dir():
                shutil.rmtree(path)


def _literal(text: str) -> str:
    import ast

    return ast.literal_eval(text) if text else ""


def _run_notebook(path: Path, report: MutantReport, *, timeout: float) -> None:
    nb = nbformat.read(str(path), as_version=4)
    answers = {i: (gid, after) for i, gid, _, after in questions(path)}
    kernel = _Kernel(path.parent, nb.metadata.get("kernelspec", {}).get("name", "python3"))
    try:
        if kernel.run(DRIVER, timeout=60)[0] != "ok":
            raise RuntimeError("the mutant driver does not start in the kernel")
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if i in answers:
                _question(kernel, path.name, cell.source, *answers[i], report, timeout)
            status, _ = kernel.run(cell.source, timeout=max(timeout, 60))
            if status != "ok":
                where = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {i}")
                report.problems.append(f"{path.name}: {where} of the source fails: {status}")
    except RuntimeError as exc:
        report.problems.append(f"{path.name}: {exc}; its remaining mutants were not run")
    finally:
        kernel.close()


def _question(kernel, notebook, source, grade_id, after, report, timeout) -> None:
    files = _Files(kernel.folder, kernel.folder.parent / f"{kernel.folder.name}.saved")
    payload = json.dumps([source, after])
    status, error = kernel.run(
        f"__cenlab_mutants.reference({payload!r})",
        timeout=timeout,
        expression="__cenlab_mutants.last",
    )
    files.restore()
    if status != "ok" or _literal(error):
        why = _literal(error) if status == "ok" else status
        report.problems.append(f"{notebook}: {grade_id}: the reference fails its tests: {why}")
        return
    for mutation in mutate(source):
        status, result = kernel.run(
            f"__cenlab_mutants.mutant({mutation.source!r})",
            timeout=timeout,
            expression="__cenlab_mutants.last",
        )
        files.restore()
        if status.startswith("error"):  # the driver failed, not the mutant: a bug here
            report.problems.append(f"{notebook}: {grade_id}: the mutant run failed: {status}")
            return
        kind, detail = json.loads(_literal(result)) if status == "ok" else (TIMEOUT, "")
        report.outcomes.append(Outcome(notebook, grade_id, mutation, kind, detail or ""))


def check_mutants(assignment_dir, *, timeout: float = 30.0) -> MutantReport:
    """Run every mutant of every autograded answer of one assignment
    (``courses/<course>/source/<assignment>``) through its tests; see the module doc.
    ``timeout`` bounds each mutant's run, tests included, in seconds."""
    folder = Path(assignment_dir).resolve()
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no notebook in {folder}")
    report = MutantReport(f"{folder.parent.parent.name}/{folder.name}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cenlab-mutants-") as tmp:
        scratch = Path(tmp) / folder.name
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", *BUILT)
        shutil.copytree(folder, scratch, ignore=ignore)
        for nb in notebooks:
            _run_notebook(scratch / nb.name, report, timeout=timeout)
    report.seconds = time.perf_counter() - started
    return report
