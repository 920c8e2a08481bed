"""nbgrader's Python API on a course folder, and its outcomes as plain errors."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from cenlab.course.paths import CoursePaths, load_config


def with_tools_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command when it creates a database; it lives
    beside this Python, which is not on PATH when the environment is not activated."""
    here = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and (Path(here) / "alembic").exists():
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


def failure(outcome: dict) -> str:
    """The useful part of a failed nbgrader step: its log (the error is mostly a traceback)."""
    return "\n".join(x for x in (outcome.get("log"), outcome.get("error")) if x).strip()


def course_config(course_dir, *, scratch=None):
    """The course's ``nbgrader_config.py`` set to work on the course folder, or on ``scratch``:
    a copy of the course elsewhere, with its own gradebook and exchange, so that nothing of the
    course folder or of the machine's exchange is touched."""
    from traitlets.config import Config

    from cenlab.course.grading.settings import AUTOGRADE_PREPROCESSORS, FEEDBACK_PREPROCESSORS

    cfg = Config(load_config(course_dir))
    # Trainee code never runs unconfined, nor in the kernel that runs the tests.
    cfg.Autograde.autograde_preprocessors = list(AUTOGRADE_PREPROCESSORS)
    cfg.GenerateFeedback.preprocessors = list(FEEDBACK_PREPROCESSORS)  # no hidden test shown
    where = CoursePaths(Path(course_dir if scratch is None else scratch).resolve())
    cfg.CourseDirectory.root = str(where.root)
    if scratch is not None:
        # The course's own settings may name its gradebook or exchange: never the scratch's.
        cfg.CourseDirectory.db_url = where.db_url
        where.exchange.mkdir(exist_ok=True)
        cfg.Exchange.root = str(where.exchange)
    return cfg


def course_api(course_dir, *, scratch=None):
    """nbgrader's Python API with the course's settings, on the course folder or on
    ``scratch`` (see ``course_config``)."""
    from nbgrader.apps import NbGraderAPI

    with_tools_on_path()
    return NbGraderAPI(config=course_config(course_dir, scratch=scratch))


def checked(outcome: dict, what: str) -> dict:
    if not outcome["success"]:
        lines = [ln for ln in failure(outcome).splitlines() if ln.strip()]
        raise ValueError(f"{what} failed: {lines[-1] if lines else 'no log'}")
    return outcome
