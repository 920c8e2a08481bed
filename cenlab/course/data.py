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


# Loaded builders by (path, modification time, size): a grader asks for one per trainee.
_BUILDERS: dict[tuple, object] = {}


def course_builder(course_dir):
    """The course's ``build_data.py`` as a module, or None when the course has none. It is
    executed once and kept until the file changes."""
    path = CoursePaths(Path(course_dir)).data_builder
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    module = _BUILDERS.get(key)
    if module is None:
        name = f"_cenlab_build_{Path(course_dir).name}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if len(_BUILDERS) >= 32:  # builders edited again and again in one session
            _BUILDERS.clear()
        _BUILDERS[key] = module
    return module


def build_data(assignment_dir, out=None) -> list[Path]:
    """Write the data files of an assignment (into ``out``, by default the assignment folder)
    by calling ``build(assignment, out)`` from the course's ``build_data.py``.

    Returns the files written, or an empty list when the assignment needs no data files.
    """
    assignment_dir = Path(assignment_dir)
    course_dir = assignment_dir.parent.parent
    module = course_builder(course_dir)
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
