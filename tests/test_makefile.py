"""The Makefile's bootstrap: JupyterLab from `make lab` never asks trainees about Jupyter news."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from jupyterlab_server.settings_utils import get_settings

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / ".venv" / "share" / "jupyter" / "lab"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def make(*args: str) -> None:
    done = subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_news_question_is_answered_never_in_the_environment_make_builds(tmp_path):
    make("venv")  # nothing to do when the environment is up to date
    # What JupyterLab serves as the setting for someone who never changed it.
    found, _warnings = get_settings(
        str(LAB / "settings"), str(LAB / "schemas"), str(tmp_path), schema_name=NOTIFICATION
    )
    assert found["schema"]["properties"]["fetchNews"]["default"] == "false"


def test_the_news_setting_is_merged_into_overrides_already_there(tmp_path):
    overrides = tmp_path / "overrides.json"
    mine = {"@jupyterlab/notebook-extension:tracker": {"scrollPastEnd": False}}
    overrides.write_text(json.dumps(mine))
    os.utime(overrides, (0, 0))  # older than the environment: make brings it up to date
    make(f"LAB_OVERRIDES={overrides}", str(overrides))
    assert json.loads(overrides.read_text()) == mine | {NOTIFICATION: {"fetchNews": "false"}}
