"""nbgrader's Python API on a course folder, and its outcomes as plain errors."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from cenlab.course.paths import load_config


def with_tools_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command when it creates a database; it lives
    beside this Python, which is not on PATH when the environment is not activated."""
    here = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and (Path(here) / "alembic").exists():
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


def failure(outcome: dict) -> str:
    """The useful part of a failed nbgrader step: its log (the error is mostly a traceback)."""
    return "\n".join(x for x in (outcome.get("log"), outcome.get("error")) if x).strip()


def scratch_api(root: Path, config):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    with_tools_on_path()
    cfg = Config(config)
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    cfg.Exchange.root = str(exchange)
    return NbGraderAPI(config=cfg)


def course_api(course_dir):
    """nbgrader's Python API on a course folder (its nbgrader_config.py, its gradebook.db)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    course_dir = Path(course_dir).resolve()
    with_tools_on_path()
    cfg = Config(load_config(course_dir))
    cfg.CourseDirectory.root = str(course_dir)
    return NbGraderAPI(config=cfg)


def checked(outcome: dict, what: str) -> dict:
    if not outcome["success"]:
        lines = [ln for ln in failure(outcome).splitlines() if ln.strip()]
        raise ValueError(f"{what} failed: {lines[-1] if lines else 'no log'}")
    return outcome
