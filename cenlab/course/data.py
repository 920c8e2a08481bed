"""An assignment's data files, built deterministically by the course's ``build_data.py``.

Rebuild with ``python -m cenlab.course build-data courses/<course>/source/<assignment>``; the
author check fails when a committed file differs from what the builder makes today.
"""

from __future__ import annotations

import filecmp
import importlib.util
import tempfile
from pathlib import Path

from cenlab.course.paths import CoursePaths

MAX_DATA_BYTES = 5_000_000  # per file; nbgrader skips files above max_file_size with a warning


def _course_builder(course_dir: Path):
    path = CoursePaths(course_dir).data_builder
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_cenlab_build_{course_dir.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_data(assignment_dir, out=None) -> list[Path]:
    """Write the data files of an assignment (into ``out``, by default the assignment folder)
    by calling ``build(assignment, out)`` from the course's ``build_data.py``.

    Returns the files written, or an empty list when the assignment needs no data files.
    """
    assignment_dir = Path(assignment_dir)
    course_dir = assignment_dir.parent.parent
    module = _course_builder(course_dir)
    if module is None or assignment_dir.name not in getattr(module, "ASSIGNMENTS", ()):
        return []
    out = Path(out) if out is not None else assignment_dir
    out.mkdir(parents=True, exist_ok=True)
    return [Path(p) for p in module.build(assignment_dir.name, out)]


def data_problems(assignment_dir) -> list[str]:
    """Data files that are not what ``build_data`` makes today, or too large to hand out."""
    assignment_dir = Path(assignment_dir)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for built in build_data(assignment_dir, tmp):
            committed = assignment_dir / built.name
            if not committed.exists():
                out.append(f"{built.name} is built but not in {assignment_dir.name}/")
            elif not filecmp.cmp(built, committed, shallow=False):
                out.append(f"{built.name} differs from what build_data makes: rebuild it")
            if built.stat().st_size > MAX_DATA_BYTES:
                out.append(f"{built.name} is {built.stat().st_size:,} bytes; keep data small")
    return out
