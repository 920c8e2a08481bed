"""The workshop hub against a hostile trainee or an outsider (issue 13), on a real hub as in
tests/test_hub.py (JupyterHub, configurable-http-proxy, real Unix users, nbgrader's exchange).

Each test tries one opening and checks that it is refused while the rest of the cohort is
unaffected: the exchange (collect follows nothing a trainee built and takes the submission time
from the files' change times), the login (a throttle that cannot lock the owner out, a length
cap), fair shares (processes, private /tmp and /dev/shm, file sizes) and one trainee's reach into
another's server.

Trainees' hand-made inbound folders are made as those trainees with ``runuser``: the same state
a trainee's kernel can make, without starting a server for each of them.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests
import test_hub as th
from browser import launch
from test_hub import ASSIGNMENT, COURSE, NOTEBOOK, SOLUTION, Client
from trees import remove_deep

P = f"cltest-{secrets.token_hex(2)}-"
INSTRUCTOR = f"{P}ins"
HONEST, LATE, LINK, FIFO, BADNAME, HARDLINK, DANGLING, DEEP = (
    f"{P}{x}" for x in ("ta", "tb", "tc", "td", "te", "tf", "tg", "th")
)
TRAINEES = [HONEST, LATE, LINK, FIFO, BADNAME, HARDLINK, DANGLING, DEEP]
A, B = HONEST, LATE  # the two trainees whose servers are started
PROC_LIMIT, TMP_SIZE_MB, FILE_LIMIT_MB = 64, 32, 50
MAX_WAIT = 4  # seconds, the longest wait after wrong codes on this hub (60 by default)
PYTHON = th.PREFIX / "venv" / "bin" / "python"
sys.path.insert(0, str(th.HUB))
from cenlab_hub.throttle import Throttle  # noqa: E402

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def hub(request):
    rows = [(INSTRUCTOR, "Ana Martin", "instructor")]
    rows += [(u, f"Trainee {u[-2:]}", "trainee") for u in TRAINEES]
    env = {
        "CENLAB_HUB_PROC_LIMIT": str(PROC_LIMIT),
        "CENLAB_HUB_TMP_SIZE": f"{TMP_SIZE_MB}M",
        "CENLAB_HUB_FILE_LIMIT": f"{FILE_LIMIT_MB}M",
        "CENLAB_HUB_LOGIN_MAX_WAIT": str(MAX_WAIT),
    }
    return th.start_hub(request.addfinalizer, rows, grader_prefix=f"{P}g-", env=env)


@pytest.fixture(scope="module")
def people(hub):
    return {u: hub.login(u) for u in (INSTRUCTOR, A, B)}


def as_user(user: str, code: str, stdin: str = "") -> str:
    """Run Python ``code`` as ``user`` (a trainee at a shell); return what it printed."""
    done = subprocess.run(
        ["runuser", "-u", user, "--", PYTHON, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        cwd="/",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- 1. collect follows nothing a trainee built -------------------------------------------


def _answered(hub) -> str:
    released = hub.state / "exchange" / COURSE / "outbound" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = SOLUTION
    # A markdown answer with a script, for whoever renders it (test_the_formgrader_...).
    nb.cells.append(nbformat.v4.new_markdown_cell(SCRIPT))
    return nbformat.writes(nb)


SCRIPT = (
    "Done.<script>window.cenlabPwned = document.cookie</script>"
    '<img src="x" onerror="window.cenlabPwned = 1">'
)


def file_by_hand(user: str, folder: str, stamp: str, notebook: str, extra: str = "") -> None:
    """``user`` makes inbound/``folder`` by hand, with the notebook, timestamp.txt saying
    ``stamp`` and whatever ``extra`` (Python, with ``dest`` the folder) adds."""
    code = (
        "import os, sys\n"
        f"dest = os.path.join({str(INBOUND)!r}, {folder!r})\n"
        "os.mkdir(dest)\n"
        f"open(os.path.join(dest, {NOTEBOOK!r}), 'w').write(sys.stdin.read())\n"
        f"open(os.path.join(dest, 'timestamp.txt'), 'w').write({stamp!r})\n"
        f"{extra}\n"
    )
    as_user(user, code, stdin=notebook)


INBOUND = Path()  # set by the release test: the course's inbound folder


def test_the_instructor_releases_with_a_due_date(hub, people):
    global INBOUND
    ins = people[INSTRUCTOR]
    assert ins.service("GET", "/formgrader").status_code == 200  # the OAuth login to it
    for action in ("assign", "release"):
        r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}")
        assert r.status_code == 200 and r.json()["success"], r.text
    INBOUND = hub.state / "exchange" / COURSE / "inbound"


def _stamp(when: datetime.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def test_collect_sets_aside_bad_folders_collects_the_rest_and_catches_a_backdated_one(hub, people):
    ins = people[INSTRUCTOR]
    answered = _answered(hub)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    # The honest trainee submits on time.
    file_by_hand(
        HONEST,
        f"{HONEST}+{ASSIGNMENT}+{_stamp(now)}",
        _stamp(now),
        answered,
        "open(dest + '/submission_secret.txt', 'w').write('honest-secret')",
    )
    time.sleep(1.2)
    due = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    r = ins.service(
        "PUT",
        f"/formgrader/api/assignment/{ASSIGNMENT}",
        json={"duedate_notimezone": due.isoformat(), "duedate_timezone": "UTC"},
    )
    assert r.status_code == 200 and r.json()["duedate"], r.text
    time.sleep(1.2)
    # After the deadline, one trainee files a submission that says it is from last year.
    old = now - datetime.timedelta(days=365)
    file_by_hand(LATE, f"{LATE}+{ASSIGNMENT}+{_stamp(old)}", _stamp(old), answered)
    source = hub.state / "courses" / COURSE / "source" / ASSIGNMENT / NOTEBOOK
    stamp = _stamp(now)
    # A link to the solutions, in place of the notebook.
    file_by_hand(
        LINK,
        f"{LINK}+{ASSIGNMENT}+{stamp}",
        stamp,
        "",
        f"os.remove(os.path.join(dest, {NOTEBOOK!r}))\n"
        f"os.symlink({str(source)!r}, os.path.join(dest, {NOTEBOOK!r}))",
    )
    # A FIFO: copying it raises (or blocks), which stopped the collection of everyone after it.
    file_by_hand(FIFO, f"{FIFO}+{ASSIGNMENT}+{stamp}", stamp, answered, "os.mkfifo(dest + '/x')")
    # A name without a time: nbgrader parsed every name before any check and stopped.
    file_by_hand(BADNAME, f"{BADNAME}+{ASSIGNMENT}+not-a-date", stamp, answered)
    # A dangling link.
    file_by_hand(
        DANGLING,
        f"{DANGLING}+{ASSIGNMENT}+{stamp}",
        stamp,
        answered,
        "os.symlink('/nonexistent/x', dest + '/gone')",
    )
    # Folders nested 1200 deep: Python's recursion limit is 1000, and each level held a file.
    file_by_hand(
        DEEP,
        f"{DEEP}+{ASSIGNMENT}+{stamp}",
        stamp,
        answered,
        "p = dest\nfor _ in range(1200):\n    p = os.path.join(p, 'a')\n    os.mkdir(p)",
    )
    # A hard link to a file the trainee does not own (the kernel refuses to make one with
    # fs.protected_hardlinks=1; root makes it here, as a machine without that setting would).
    folder = INBOUND / f"{HARDLINK}+{ASSIGNMENT}+{stamp}"
    file_by_hand(HARDLINK, folder.name, stamp, "")
    (folder / NOTEBOOK).unlink()
    os.link(source, folder / NOTEBOOK)

    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect")
    remove_deep(INBOUND / f"{DEEP}+{ASSIGNMENT}+{stamp}" / "a")  # the hub's clean-up recurses
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["success"], result
    log = result["log"]
    expected = {
        LINK: f"holds {NOTEBOOK}, a link",
        FIFO: "holds x, a special file",
        BADNAME: "has no valid time in its name ('not-a-date')",
        DANGLING: "holds gone, a link",
        HARDLINK: f"holds {NOTEBOOK}, which belongs to {P}g-{COURSE}",
        DEEP: "holds " + "/".join(["a"] * 16) + ", folders nested 16 deep or more",
    }
    for user, why in expected.items():
        line = next((x for x in log.splitlines() if f"Not collecting inbound/{user}+" in x), "")
        assert why in line and "Everyone else is collected." in line, (user, log)
    submitted = hub.state / "courses" / COURSE / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted([HONEST, LATE])
    for user in (HONEST, LATE):
        got = (submitted / user / ASSIGNMENT / NOTEBOOK).read_text()
        assert got == answered, user
    assert (submitted / HONEST / ASSIGNMENT / "submission_secret.txt").read_text() == (
        "honest-secret"
    )
    # The submission time is when the files were made, not what the trainee wrote.
    honest_time = th_time(submitted / HONEST / ASSIGNMENT / "timestamp.txt")
    late_time = th_time(submitted / LATE / ASSIGNMENT / "timestamp.txt")
    assert abs((honest_time - now).total_seconds()) < 30, honest_time
    assert due < late_time < due + datetime.timedelta(minutes=5), late_time
    assert f"{LATE}'s submission is late" in log, log
    assert f"{HONEST}'s submission is late" not in log, log
    assert "says it was submitted at" in log and "that is its submission time" in log, log

    # Both are autograded; the gradebook holds the backdated one as late, the honest one not.
    for student in (HONEST, LATE):
        r = ins.service("POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde")
        assert r.status_code == 200 and r.json()["success"], r.text
    from nbgrader.api import Gradebook

    db = f"sqlite:///{hub.state / 'courses' / COURSE / 'gradebook.db'}"
    with Gradebook(db, COURSE) as gb:
        scores = {
            s: (
                gb.find_submission(ASSIGNMENT, s).score,
                gb.find_submission(ASSIGNMENT, s).total_seconds_late > 0,
            )
            for s in (HONEST, LATE)
        }
    assert scores == {HONEST: (2.0, False), LATE: (2.0, True)}, scores


def th_time(path: Path) -> datetime.datetime:
    from nbgrader.utils import parse_utc

    return parse_utc(path.read_text().strip())


# --- 2. the login cannot be turned against its owner ---------------------------------------


def _from(hub, user: str, address: str) -> Client:
    """A browser of ``user`` at ``address`` (as the reverse proxy in front of the hub says)."""
    client = Client(hub, user)
    client.s.headers["X-Real-IP"] = address
    return client


def test_wrong_codes_from_one_address_do_not_keep_the_owner_out(hub):
    attacker = _from(hub, LINK, "203.0.113.66")
    statuses = [attacker.login("aaaa-bbbb-cccc").status_code for _ in range(12)]
    assert statuses[:3] == [403] * 3 and set(statuses[3:]) == {429}, statuses
    refused = attacker.login(hub.codes[LINK])  # even the right code waits, at that address
    assert refused.status_code == 429
    assert f"Too many wrong codes for {LINK} from your address: try again in" in refused.text
    # The owner, from their own address, gets in at once.
    assert _from(hub, LINK, "198.51.100.7").login(hub.codes[LINK]).status_code == 302
    # At the attacker's address the wait ends within MAX_WAIT seconds, attempts or not.
    time.sleep(MAX_WAIT + 0.5)
    assert attacker.login(hub.codes[LINK]).status_code == 302


def test_unknown_users_are_throttled_like_known_ones(hub):
    for name in (f"{P}nobody", FIFO):
        client = _from(hub, name, "203.0.113.67")
        statuses = [client.login("aaaa-bbbb-cccc").status_code for _ in range(5)]
        assert statuses == [403, 403, 403, 429, 429], (name, statuses)


def test_oversized_input_is_refused_before_hashing(hub):
    client = _from(hub, FIFO, "203.0.113.68")
    assert client.login("k" * 5_000_000).status_code == 403
    expected = f"login refused: input too long (user name {len(FIFO)}, code 5000000 characters)"
    assert expected in hub.tail(200)
    # It counts for nothing: the owner's right code still works from there.
    assert client.login(hub.codes[FIFO]).status_code == 302


def test_the_throttle_table_is_bounded_and_forgets():
    now = [0.0]
    t = Throttle(free=3, max_wait=60, size=100, forget_after=900, clock=lambda: now[0])
    for i in range(10_000):
        t.fail((f"user{i}", "203.0.113.1"))
    assert len(t) == 100
    key = ("ana", "203.0.113.2")
    waits = []
    for _ in range(12):
        t.fail(key)
        waits.append(t.wait(key))
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    now[0] = 30.0
    assert t.wait(key) == 30.0
    now[0] = 901.0
    assert t.wait(key) == 0.0 and key not in t._table


# --- 3. fair shares of the machine ------------------------------------------------------------

FORK_LOOP = """
import subprocess
children, error = [], None
try:
    for _ in range({n}):
        children.append(subprocess.Popen(["sleep", "120"]))
except OSError as err:
    error = err.errno
for child in children:
    child.kill()
    child.wait()
print(len(children), error)
"""


def test_a_fork_loop_stops_at_the_process_limit_and_the_others_work_on(hub, people):
    a, b = people[A], people[B]
    for client in (a, b):
        client.start_server()
    started, error = a.run_in_kernel(FORK_LOOP.format(n=3 * PROC_LIMIT)).split()
    assert error == "11", (started, error)  # EAGAIN: no more processes for this trainee
    assert 0 < int(started) < PROC_LIMIT
    assert b.run_in_kernel("print(6 * 7)") == "42\n"
    assert a.run_in_kernel("print(6 * 7)") == "42\n"  # and A's own work goes on


def test_tmp_and_dev_shm_are_private_and_bounded(hub, people):
    a, b = people[A], people[B]
    mark = f"cenlab-{secrets.token_hex(4)}"
    out = a.run_in_kernel(
        "import os\n"
        f"open('/tmp/{mark}', 'w').write('a secret')\n"
        f"open('/dev/shm/{mark}', 'w').write('a secret')\n"
        "for d in ('/tmp', '/dev/shm'):\n"
        "    s = os.statvfs(d)\n"
        "    print(d, s.f_blocks * s.f_frsize // 2**20)\n"
    )
    assert out == f"/tmp {TMP_SIZE_MB}\n/dev/shm {TMP_SIZE_MB}\n", out
    seen = b.run_in_kernel(
        f"import os\nprint(os.path.exists('/tmp/{mark}'), os.path.exists('/dev/shm/{mark}'))"
    )
    assert seen == "False False\n", seen
    assert not Path("/tmp", mark).exists() and not Path("/dev/shm", mark).exists()
    # Filling one's /dev/shm fills one's own only.
    full = a.run_in_kernel(
        "import errno\n"
        "try:\n"
        "    with open('/dev/shm/fill', 'wb') as fh:\n"
        "        for _ in range(64):\n"
        "            fh.write(b'x' * 2**20)\n"
        "except OSError as err:\n"
        "    print(errno.errorcode[err.errno])\n"
        "import os\nos.remove('/dev/shm/fill')\n"
    )
    assert full == "ENOSPC\n", full
    assert b.run_in_kernel("open('/dev/shm/b', 'wb').write(b'x' * 2**20)\nprint('ok')") == "ok\n"


def test_a_file_cannot_outgrow_the_file_limit(hub, people):
    out = people[A].run_in_kernel(
        "import errno, os\n"
        "path = os.path.expanduser('~/big.bin')\n"
        "try:\n"
        "    with open(path, 'wb') as fh:\n"
        f"        for _ in range({FILE_LIMIT_MB + 10}):\n"
        "            fh.write(b'x' * 2**20)\n"
        "except OSError as err:\n"
        "    print(errno.errorcode[err.errno], err.strerror)\n"
        "print(os.path.getsize(path) // 2**20)\n"
        "os.remove(path)\n"
    )
    assert out == f"EFBIG File too large\n{FILE_LIMIT_MB}\n", out


# --- 4. one trainee cannot reach another's server --------------------------------------------


def _service_url(user: str) -> str:
    """The address ``user``'s server listens on, behind the proxy (as root reads it)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        env = dict(e.decode(errors="replace").split("=", 1) for e in environ if b"=" in e)
        if env.get("JUPYTERHUB_USER") == user and "JUPYTERHUB_SERVICE_URL" in env:
            return env["JUPYTERHUB_SERVICE_URL"].rstrip("/")
    raise AssertionError(f"no server of {user} found")


def test_another_trainees_server_refuses_my_token_and_cookie(hub, people):
    import websocket

    a, b = people[A], people[B]
    kernel = a.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
    try:
        for path in ("/api/contents", "/api/kernels", f"/api/kernels/{kernel}"):
            url = f"{hub.url}/user/{A}{path}"
            with_token = requests.get(url, headers={"Authorization": f"token {b.token}"})
            assert with_token.status_code == 403, (path, with_token.status_code)
            # B's browser, with B's cookies for the hub and for B's own server.
            with_cookie = b.s.get(url)
            assert with_cookie.status_code == 403, (path, with_cookie.status_code)
            assert with_cookie.url == url and A not in with_cookie.text.replace(url, ""), path
        for method, path in (("POST", "/api/kernels"), ("DELETE", f"/api/kernels/{kernel}")):
            r = requests.request(
                method, f"{hub.url}/user/{A}{path}", headers={"Authorization": f"token {b.token}"}
            )
            assert r.status_code == 403, (method, path, r.status_code)
        ws_url = hub.url.replace("http", "ws") + f"/user/{A}/api/kernels/{kernel}/channels"
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(ws_url, header=[f"Authorization: token {b.token}"])
        assert refused.value.status_code == 403
        # A's kernel is still A's and still there.
        assert a.server("GET", f"/api/kernels/{kernel}").status_code == 200
    finally:
        a.server("DELETE", f"/api/kernels/{kernel}")


REACH = """
import json, os, urllib.request, urllib.error
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect
token = os.environ["JUPYTERHUB_API_TOKEN"]
headers = {{"Authorization": "token " + token}}
for base in ({proxy!r}, {direct!r}):
    for path in ("/api/contents", "/api/kernels", "/api/kernels/{kernel}"):
        try:
            urllib.request.urlopen(urllib.request.Request(base + path, headers=headers))
            print(path, "OPEN")
        except urllib.error.HTTPError as err:
            print(path, err.code)
    ws = base.replace("http", "ws", 1) + "/api/kernels/{kernel}/channels"
    try:
        await websocket_connect(HTTPRequest(ws, headers=headers))
        print("websocket OPEN")
    except HTTPClientError as err:
        print("websocket", err.code)
"""


def test_another_trainees_server_refuses_my_kernel(hub, people):
    a, b = people[A], people[B]
    kernel = a.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
    try:
        code = REACH.format(proxy=f"{hub.url}/user/{A}", direct=_service_url(A), kernel=kernel)
        out = b.run_in_kernel(code).splitlines()
        expected = [
            "/api/contents 403",
            "/api/kernels 403",
            f"/api/kernels/{kernel} 403",
            "websocket 403",
        ]
        assert out == expected * 2, out
        assert a.server("GET", f"/api/kernels/{kernel}").status_code == 200
    finally:
        a.server("DELETE", f"/api/kernels/{kernel}")


# --- 5. one origin: nothing a trainee wrote runs as someone else ------------------------------


def test_the_formgrader_shows_a_submission_without_its_scripts(hub, people):
    from nbgrader.api import Gradebook

    db = f"sqlite:///{hub.state / 'courses' / COURSE / 'gradebook.db'}"
    with Gradebook(db, COURSE) as gb:
        nb_id = gb.find_submission_notebook(NOTEBOOK[: -len(".ipynb")], ASSIGNMENT, HONEST).id
    r = people[INSTRUCTOR].service("GET", f"/formgrader/submissions/{nb_id}")
    assert r.status_code == 200, r.status_code
    assert "Add up the weights of a consignment" in r.text and "Done." in r.text
    # What the trainee wrote is shown as text, and nothing of it runs.
    assert "&lt;script&gt;window.cenlabPwned = document.cookie&lt;/script&gt;" in r.text
    assert re.search(r"<script[^>]*>[^<]*cenlabPwned", r.text) is None
    assert re.search(r"<img[^>]*onerror", r.text) is None


def restart(client: Client) -> None:
    """Stop the client's server (if running) and start it again."""
    r = client.hub_api("DELETE", f"/users/{client.user}/server")
    assert r.status_code in (202, 204), r.text
    deadline = time.monotonic() + 60
    while client.hub_api("GET", f"/users/{client.user}").json()["servers"]:
        assert time.monotonic() < deadline, "the server did not stop"
        time.sleep(0.5)
    client.start_server()


def test_a_trainees_server_ignores_configuration_in_the_home_folder(hub, people):
    a = people[A]
    evil = "<script>alert(document.cookie)</script>"
    setup = (
        "import json, os\n"
        "home = os.path.expanduser('~')\n"
        "for sub in ('.jupyter', '.local/etc/jupyter', 'pages'):\n"
        "    os.makedirs(os.path.join(home, sub), exist_ok=True)\n"
        f"open(os.path.join(home, 'pages', 'evil.html'), 'w').write({evil!r})\n"
        "cfg = {'ServerApp': {'extra_static_paths': [os.path.join(home, 'pages')]}}\n"
        "for sub in ('.jupyter', '.local/etc/jupyter'):\n"
        "    with open(os.path.join(home, sub, 'jupyter_server_config.json'), 'w') as fh:\n"
        "        json.dump(cfg, fh)\n"
        "open(os.path.join(home, '.jupyter', 'jupyter_server_config.py'), 'w').write(\n"
        "    'c.ServerApp.extra_static_paths = [' + repr(os.path.join(home, 'pages')) + ']')\n"
    )
    as_user(A, setup)
    restart(a)
    # The page is not served, to anyone (the static files of a server need no login).
    r = requests.get(f"{hub.url}/user/{A}/static/evil.html")
    assert r.status_code == 404, (r.status_code, r.text[:200])
    # The server still works, with its own JupyterLab settings in the home folder.
    assert a.run_in_kernel("print(6 * 7)") == "42\n"
    settings = "/lab/api/settings/@jupyterlab/apputils-extension:themes"
    r = a.server("PUT", settings, json={"raw": '{"theme": "JupyterLab Dark"}'})
    assert r.status_code == 204, (r.status_code, r.text[:300])


def test_a_trainees_server_serves_no_page_of_the_trainee_to_others(hub, people):
    """Pages a trainee puts where JupyterLab looks for extensions (~/.local/share/jupyter) are
    not served: the extension folders are served without login, so such a page would run on
    the hub's origin in whoever's browser opened the link."""
    a = people[A]
    setup = (
        "import os\n"
        "d = os.path.expanduser('~/.local/share/jupyter/labextensions/evil/static')\n"
        "os.makedirs(d, exist_ok=True)\n"
        "open(os.path.join(d, 'evil.html'), 'w').write('<script>alert(1)</script>')\n"
        "open(os.path.join(d, '..', 'package.json'), 'w').write("
        '\'{"name": "evil", "version": "1.0.0", "jupyterlab": {"_build": '
        '{"load": "static/remoteEntry.js"}}}\')\n'
    )
    as_user(A, setup)
    restart(a)
    for path in ("lab/extensions/evil/static/evil.html", "static/lab/extensions/evil/evil.html"):
        r = requests.get(f"{hub.url}/user/{A}/{path}", allow_redirects=False)
        assert r.status_code in (302, 403, 404), (path, r.status_code, r.text[:100])
        assert "alert(1)" not in r.text
    assert a.run_in_kernel("print(6 * 7)") == "42\n"


# The script a trainee's HTML would run in a visitor's browser, once it runs on a page of one
# server (the instructor's JupyterLab, say): it tries the paths of the formgrader, of another
# trainee's server, and another trainee's kernel websocket. What it could reach is returned.
ATTACK = """async ([formgrader, other, kernelWs]) => {
  const reached = {};
  for (const url of [formgrader, other]) {
    try {
      const r = await fetch(url, {credentials: "same-origin", redirect: "manual"});
      reached[url] = r.type === "opaqueredirect" ? "redirect" : r.status;
    } catch (err) {
      reached[url] = "blocked";
    }
  }
  reached[kernelWs] = await new Promise((done) => {
    let ws;
    try { ws = new WebSocket(kernelWs); } catch (err) { return done("blocked"); }
    ws.onopen = () => { ws.close(); done("open"); };
    ws.onerror = () => done("error");
  });
  await new Promise((r) => setTimeout(r, 500));  // let the violation events arrive
  return reached;
}"""

# Records the Content-Security-Policy violations of every page, from its first script on.
RECORD_VIOLATIONS = """
window.cenlabViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cenlabViolations.push(e.effectiveDirective + " " + e.blockedURI);
});
"""

# JupyterLab's own way to its server, from its page: a kernel over HTTP, code over the websocket.
OWN_KERNEL = """async () => {
  const base = document.location.pathname.split("lab")[0];
  const xsrf = document.cookie.match(/_xsrf=([^;]*)/)[1];
  const r = await fetch(base + "api/kernels", {
    method: "POST", headers: {"X-XSRFToken": xsrf}, body: JSON.stringify({name: "python3"}),
  });
  const kernel = (await r.json()).id;
  const ws = new WebSocket(
    location.origin.replace("http", "ws") + base + "api/kernels/" + kernel + "/channels");
  const out = await new Promise((done) => {
    const id = crypto.randomUUID();
    ws.onopen = () => ws.send(JSON.stringify({
      header: {msg_id: id, username: "", session: crypto.randomUUID(),
               msg_type: "execute_request", version: "5.3"},
      parent_header: {}, metadata: {}, channel: "shell",
      content: {code: "print(6 * 7)", silent: false, store_history: false},
    }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.parent_header.msg_id === id && msg.msg_type === "stream") done(msg.content.text);
    };
    ws.onerror = () => done("websocket error");
  });
  ws.close();
  await fetch(base + "api/kernels/" + kernel, {method: "DELETE", headers: {"X-XSRFToken": xsrf}});
  return out;
}"""


def _lab(browser, hub, user: str):
    """``user`` logs in in ``browser`` and opens JupyterLab; the page records violations."""
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.codes[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
    page.wait_for_selector(".jp-LabShell", timeout=120_000)
    page.wait_for_selector(".jp-Launcher", timeout=60_000)
    return page


def test_a_script_on_one_server_reaches_no_other_path(hub, people):
    """The servers share one origin: a script running on a page of one server (a trainee's
    HTML that found a way to run there) could use the visitor's cookies on every other path.
    Each server's Content-Security-Policy lets its pages connect to that server only (and the
    hub's API), and JupyterLab works as before."""
    from playwright.sync_api import sync_playwright

    a, ins = people[A], people[INSTRUCTOR]
    for client in (a, ins):
        client.start_server()
    host = hub.url.split("//", 1)[1]
    sent = {
        f"/user/{A}/": a.server("GET", "/lab"),
        f"/user/{INSTRUCTOR}/": ins.server("GET", "/api/status"),
        f"/services/{COURSE}/": ins.service("GET", "/formgrader"),
    }
    for prefix, r in sent.items():
        assert r.status_code == 200, (prefix, r.status_code)
        expected = (
            f"connect-src {host}{prefix} ws://{host}{prefix} wss://{host}{prefix} {host}/hub/api/;"
        )
        assert expected in r.headers["Content-Security-Policy"], (prefix, r.headers)
    kernel = a.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
    formgrader = f"{hub.url}/services/{COURSE}/formgrader/api/assignments"
    other = f"{hub.url}/user/{A}/api/contents"
    kernel_ws = hub.url.replace("http", "ws") + f"/user/{A}/api/kernels/{kernel}/channels"
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                page = _lab(browser, hub, INSTRUCTOR)
                # The instructor has opened the formgrader today (its cookie is set).
                page.goto(f"{hub.url}/services/{COURSE}/formgrader")
                page.wait_for_selector("text=Manage Assignments", timeout=60_000)
                page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)  # from its API
                assert page.evaluate("window.cenlabViolations") == []
                page.goto(f"{hub.url}/user/{INSTRUCTOR}/lab")
                page.wait_for_selector(".jp-Launcher", timeout=60_000)
                assert page.evaluate("window.cenlabViolations") == []  # JupyterLab loaded clean
                reached = page.evaluate(ATTACK, [formgrader, other, kernel_ws])
                violations = page.evaluate("window.cenlabViolations")
                # The trainee's own JupyterLab still runs code over its own websocket.
                own = _lab(browser.new_context(), hub, A)
                ran = own.evaluate(OWN_KERNEL)
                own_violations = own.evaluate("window.cenlabViolations")
            finally:
                browser.close()
    finally:
        a.server("DELETE", f"/api/kernels/{kernel}")
    assert reached == {formgrader: "blocked", other: "blocked", kernel_ws: "error"}, reached
    for url in (formgrader, other, kernel_ws):
        assert f"connect-src {url}" in violations, (url, violations)
    assert ran == "42\n", ran
    assert own_violations == [], own_violations
