"""Where things are in an nbgrader course folder: every path rule, spelled once.

A course root holds ``nbgrader_config.py``, ``source/<assignment>/`` (versioned, with the course's
``build_data.py`` beside it and committed wrong submissions under ``tests/<assignment>/<student>/``)
and what nbgrader builds: ``release/``, ``submitted/``, ``autograded/``, ``feedback/``,
``gradebook.db``. cenlab adds ``reports/`` (grading statuses, item analysis).
"""

from __future__ import annotations

from pathlib import Path

CONFIG = "nbgrader_config.py"
GRADEBOOK = "gradebook.db"
BUILT = ("release", "submitted", "autograded", "feedback", GRADEBOOK, ".nbgrader.log")


def find_assignments(courses_root) -> list[tuple[Path, str]]:
    """(course folder, assignment name) for every ``<course>/source/<assignment>/`` with a
    notebook, sorted."""
    found = []
    for nb in sorted(Path(courses_root).glob("*/source/*/*.ipynb")):
        pair = (nb.parent.parent.parent, nb.parent.name)
        if pair not in found and ".ipynb_checkpoints" not in nb.parts:
            found.append(pair)
    return found


def course_id(course_dir) -> str:
    """The ``CourseDirectory.course_id`` set in the course's ``nbgrader_config.py``."""
    cfg = load_config(course_dir)
    return cfg.CourseDirectory.course_id if "course_id" in cfg.CourseDirectory else ""


def load_config(course_dir):
    """The traitlets Config of ``<course_dir>/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course_dir) / CONFIG
    if not path.exists():
        raise ValueError(f"{path} not found: every course needs an nbgrader_config.py")
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def wrong_submissions(course_dir, assignment: str) -> dict[str, Path]:
    """Student name -> folder holding that student's committed notebooks, from
    ``<course>/tests/<assignment>/<student>/``."""
    root = Path(course_dir) / "tests" / assignment
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and any(p.glob("*.ipynb"))}
