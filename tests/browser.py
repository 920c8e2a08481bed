"""Debian's chromium driven by Playwright, as every browser test starts it, and where the
pictures they take may be kept (`make screenshots` sets CENLAB_SCREENSHOTS=docs)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(pw):
    """A headless chromium from apt (`playwright install` downloads a browser: never here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium`")
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def keep_screenshot(shot: Path) -> None:
    """Copy the picture into the folder CENLAB_SCREENSHOTS names (docs, for `make screenshots`)."""
    folder = os.environ.get("CENLAB_SCREENSHOTS")
    if folder:
        shutil.copy(shot, REPO / folder / shot.name)
