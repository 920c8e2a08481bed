"""Which cell runs in which kernel, and which names a test reads of the trainee's work.

Read from the assignment's source notebook, the course's own copy, never from a submission:

- test cells (nbgrader ``grade`` and not ``solution``) run in the test kernel;
- context cells (the author's cells that are neither answers nor tests: imports, loading the
  data, given constants) run in the test kernel too, from the source, before the first test
  that follows them, so a trainee who edits them changes nothing of what the tests see;
- answer names: every name the source's answer cells set. A test reads those from the
  trainee's kernel even when the test kernel has a name of its own (a given ``record`` the
  trainee fills in).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field


def is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def _tree(source: str):
    """The Python of a cell, without IPython's ``%magic`` and ``!shell`` lines; None when it
    does not parse."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None


def _stored(tree) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            out.add(node.arg)
    return out


def _changed(tree) -> set[str]:
    """Names whose items or attributes a cell sets (``monthly["months"] = ...``)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)
    return out


def assigned_names(source: str) -> set[str]:
    """Names a cell sets or changes (assignments, definitions, imports, items set)."""
    tree = _tree(source)
    return set() if tree is None else _stored(tree) | _changed(tree)


def read_names(source: str) -> list[str]:
    """Names a cell reads that it does not set itself and that are not built in."""
    tree = _tree(source)
    if tree is None:
        return []
    stored = _stored(tree)
    found = [
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in stored
    ]
    return [n for n in dict.fromkeys(found) if not hasattr(builtins, n)]


@dataclass
class CellPlan:
    """The source notebook's context cells (in order), the position of each test cell by its
    grade id, and the names its answer cells set."""

    context: list = field(default_factory=list)  # (position, source) of each context cell
    tests: dict[str, int] = field(default_factory=dict)  # grade id -> position
    answers: set[str] = field(default_factory=set)
    done: int = 0  # context cells already run in the test kernel

    @classmethod
    def from_source(cls, nb) -> CellPlan:
        plan = cls()
        for pos, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if is_test(cell):
                plan.tests[cell.metadata["nbgrader"].get("grade_id", "")] = pos
            elif is_answer(cell):
                plan.answers |= assigned_names(cell.source)
            elif cell.source.strip():
                plan.context.append((pos, cell.source))
        return plan

    def context_before(self, grade_id: str) -> list[str]:
        """The sources of the context cells before test ``grade_id`` not yet run (all that
        remain when the source has no such test)."""
        stop = self.tests.get(grade_id, 10**9)
        todo = [src for pos, src in self.context[self.done :] if pos < stop]
        self.done += len(todo)
        return todo
