"""In a real browser, the Voilà page of the CEN dashboard renders its charts and answers a click.

Serves ``dashboards/cen-dashboard.ipynb`` with Voilà, opens it in Debian's chromium driven by
Playwright, waits for every chart, takes a screenshot, then chooses a section and checks that the
figures change; then opens the quantity view's tab, checks its chart and table, and chooses an
area and countries. The screenshots stay in pytest's temporary folder; ``make screenshots``
copies them to ``docs/dashboard.png`` and ``docs/quantity.png`` (shown in the README). Chromium
comes from apt (``apt-get install chromium``), never from ``playwright install``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import keep_screenshot, launch

from cenlab.ui.dashboard import CHARTS, LISTS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "dashboards/cen-dashboard.ipynb"
ERRORS = ("Traceback", "There was an error")
# True once every chart image has loaded, or as soon as the notebook shows an error.
CHARTS_DRAWN_OR_ERROR = """([n, errors]) =>
    [...document.querySelectorAll('img.widget-image')]
        .filter(img => img.complete && img.naturalWidth > 0).length >= n
    || errors.some(e => document.body.innerText.includes(e))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    """Wait until the server accepts connections (asking for a page would start a kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode}:\n{proc.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"voila did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="module")
def voila_url():
    """One Voilà server for the module; each test opens its own page (its own kernel)."""
    with voila_server() as url:
        yield url


@contextmanager
def voila_server():
    """A Voilà server for the dashboard notebook on a free port, stopped (kernel too) after."""
    port = free_port()
    cmd = [
        str(Path(sys.executable).parent / "voila"),
        NOTEBOOK,
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as a whole
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        for sig, wait in [(signal.SIGTERM, 10), (signal.SIGKILL, 5)]:
            if proc.poll() is not None:
                break
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
        proc.stdout.close()


def seizures_shown(page) -> tuple[int, int]:
    """The numbers in "Showing X of Y seizures." on the page."""
    text = page.get_by_text(re.compile(r"Showing [\d,]+ of [\d,]+ seizures")).inner_text()
    shown, total = re.findall(r"[\d,]+", text)[:2]
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def test_voila_page_renders_the_charts_and_answers_a_click(voila_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(voila_url, wait_until="domcontentloaded", timeout=30_000)
            page.wait_for_function(CHARTS_DRAWN_OR_ERROR, arg=[len(CHARTS), ERRORS], timeout=45_000)
            text = page.inner_text("body")
            assert not any(e in text for e in ERRORS), f"the notebook failed:\n{text[-3000:]}"
            assert page.locator("img.widget-image").count() == len(CHARTS)
            shown, total = seizures_shown(page)
            assert shown == total > 0
            # Voilà scrolls inside #rendered_cells: make the window as tall as the dashboard
            height = page.evaluate("document.getElementById('rendered_cells').scrollHeight")
            page.set_viewport_size({"width": 1280, "height": height})
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot))

            lists = page.locator(".widget-select-multiple select")
            section_list = lists.nth(list(LISTS).index("sections"))
            section_list.select_option("Drugs")
            page.wait_for_function(
                """() => /Showing ([\\d,]+) of \\1 seizures/.test(document.body.innerText) === false""",
                timeout=15_000,
            )
            shown, total_after = seizures_shown(page)
            assert 0 < shown < total_after == total
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    keep_screenshot(shot)


# True once the quantity view's chart has loaded, or as soon as the notebook shows an error.
QUANTITY_DRAWN_OR_ERROR = """(errors) =>
    [...document.querySelectorAll('img.cenq-chart')]
        .some(img => img.complete && img.naturalWidth > 0)
    || errors.some(e => document.body.innerText.includes(e))"""
QUANTITY_STATUS = re.compile(r"^(.+), \w{3} \d{4} to \w{3} \d{4}: (\d+) countries", re.M)


def quantity_status(page) -> tuple[str, int]:
    """The area and the number of countries in the quantity view's status line."""
    area, countries = QUANTITY_STATUS.search(page.inner_text("body")).groups()
    return area, int(countries)


def test_the_quantity_tab_draws_coverage_and_answers_a_filter_change(voila_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(voila_url, wait_until="domcontentloaded", timeout=30_000)
            page.wait_for_function(QUANTITY_DRAWN_OR_ERROR, arg=list(ERRORS), timeout=45_000)
            text = page.inner_text("body")
            assert not any(e in text for e in ERRORS), f"the notebook failed:\n{text[-3000:]}"
            page.get_by_role("tab", name="Reporting to CEN").click()
            chart = page.locator("img.cenq-chart")
            chart.wait_for(state="visible", timeout=10_000)
            assert chart.get_attribute("alt").startswith("Line chart of coverage by quarter")
            area, countries = quantity_status(page)
            assert area == "World (all countries)" and countries == 180
            assert page.locator(".cenq-table tbody tr").count() == countries

            page.locator(".widget-dropdown select").select_option(label="Europe (EUR)")
            page.wait_for_function(
                """() => document.body.innerText.includes('Europe (EUR), ')""", timeout=15_000
            )
            area, countries = quantity_status(page)
            assert 0 < countries < 180
            page.wait_for_function(
                """() => document.querySelector('img.cenq-chart').alt.includes('Europe (EUR)')""",
                timeout=15_000,
            )
            page.wait_for_function(
                "(n) => document.querySelectorAll('.cenq-table tbody tr').length === n",
                arg=countries,
                timeout=15_000,
            )
            # choose two countries that switched on the automated transfer (the table's last
            # column): their lines and switch-ons join the chart, and its description
            country_list = page.locator(".widget-select-multiple select").last
            automated = page.evaluate(
                """() => [...document.querySelectorAll('.cenq-table tbody tr')]
                    .filter(tr => tr.lastElementChild.innerText.trim() !== '–')
                    .map(tr => tr.firstElementChild.innerText.trim())"""
            )
            offered = country_list.locator("option").all_inner_texts()
            two = [o for o in offered if o.replace("\xa0", " ").rsplit(" (")[0] in automated[:2]]
            assert len(two) == 2
            country_list.select_option(label=two)
            page.wait_for_function(
                """(names) => names.every(n =>
                    document.querySelector('img.cenq-chart').alt.includes(n))""",
                arg=[name.replace("\xa0", " ") for name in two],  # lists show spaces as nbsp
                timeout=15_000,
            )
            page.wait_for_function(  # the table marks the two drawn
                "() => document.querySelector('.cenq-table').innerText.split('▶').length === 3",
                timeout=15_000,
            )
            height = page.evaluate("document.getElementById('rendered_cells').scrollHeight")
            page.set_viewport_size({"width": 1280, "height": min(height, 1400)})
            shot = tmp_path / "quantity.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    keep_screenshot(shot)
