"""The workshop hub, for real: JupyterHub with configurable-http-proxy on 127.0.0.1, system users
made from a roster, nbgrader's exchange and a formgrader service, all driven over HTTP (and once
in Debian's chromium), the way trainees and an instructor use it.

Needs root (it creates system users) and Node's configurable-http-proxy in hub/node_modules
(`npm ci --prefix hub`); it builds the hub environment with hub/hubenv.py if needed. One hub
serves the whole module; the tests run in file order, each step building on the one before.
Every user, process and folder made here is removed at the end, also after a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import requests
from browser import keep_screenshot, launch

REPO = Path(__file__).resolve().parents[1]
HUB = REPO / "hub"
PREFIX = Path(os.environ.get("CENLAB_HUB_PREFIX", "/opt/cenlab-hub"))
CHP = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE, ASSIGNMENT, NOTEBOOK = "customs-basics", "01-weights", "weights.ipynb"
TAG = secrets.token_hex(2)
P = f"cltest-{TAG}-"  # every user made here starts with this
INSTRUCTOR, A, B = f"{P}ins", f"{P}ta", f"{P}tb"
GRADER = f"{P}g-{COURSE}"
SOLUTION = "def total_kg(weights):\n    return float(sum(weights))"

pytestmark = pytest.mark.timeout(600)


# --- a tiny course, made here so the test does not depend on the real courses' content ------


def _cell(kind, source, **nbgrader):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def make_course(root: Path) -> None:
    course = root / COURSE
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE!r}\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        _cell("markdown", "Add up the weights of a consignment, in kilograms."),
        _cell(
            "code",
            f"### BEGIN SOLUTION\n{SOLUTION}\n### END SOLUTION",
            grade=False,
            solution=True,
            locked=False,
            grade_id="answer",
        ),
        _cell(
            "code",
            "assert total_kg([1, 2.5]) == 3.5",
            grade=True,
            solution=False,
            locked=True,
            grade_id="test_total",
            points=2,
        ),
    ]
    nbformat.write(nb, course / "source" / ASSIGNMENT / NOTEBOOK)


# --- the hub --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _need(condition: bool, message: str) -> None:
    if not condition:
        pytest.fail(message, pytrace=False)


class Hub:
    def __init__(self, state: Path, url: str, codes: dict[str, str], log: Path):
        self.state, self.url, self.codes, self.log = state, url, codes, log

    def login(self, user: str, code: str | None = None) -> Client:
        client = Client(self, user)
        r = client.login(self.codes[user] if code is None else code)
        assert r.status_code == 302, f"login of {user} failed: {r.status_code}\n{self.tail()}"
        return client

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


class Client:
    """One person's browser, without the browser: cookies, the hub's XSRF token, an API token."""

    def __init__(self, hub: Hub, user: str):
        self.hub, self.user = hub, user
        self.s = requests.Session()
        self.token = None

    def login(self, code: str) -> requests.Response:
        self.s.get(f"{self.hub.url}/hub/login")
        data = {"username": self.user, "password": code, "_xsrf": self.s.cookies.get("_xsrf")}
        return self.s.post(f"{self.hub.url}/hub/login", data=data, allow_redirects=False)

    def _xsrf(self, path: str) -> dict:
        cookie = next(
            (c for c in self.s.cookies if c.name == "_xsrf" and path.startswith(c.path)), None
        )
        return {"X-XSRFToken": cookie.value} if cookie else {}

    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        headers = self._xsrf("/hub/") | kw.pop("headers", {})
        return self.s.request(method, f"{self.hub.url}/hub/api{path}", headers=headers, **kw)

    def start_server(self, timeout: float = 180) -> None:
        r = self.hub_api("POST", f"/users/{self.user}/server")
        assert r.status_code in (201, 202, 400), r.text
        self.wait_until_ready(timeout)
        r = self.hub_api(
            "POST", f"/users/{self.user}/tokens", json={"note": "test", "expires_in": 3600}
        )
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        # Open the server once in the browser way, so its own cookies and XSRF token are set.
        assert self.s.get(f"{self.hub.url}/user/{self.user}/lab").status_code == 200

    def wait_until_ready(self, timeout: float = 180) -> None:
        """Follow the hub's progress stream of the spawn (one long request, as JupyterHub's own
        spawn page does) rather than polling the user model."""
        url = f"{self.hub.url}/hub/api/users/{self.user}/server/progress"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.s.get(url, stream=True, timeout=30) as r:
                assert r.status_code == 200, r.text
                for line in r.iter_lines():
                    if not line.startswith(b"data:"):
                        continue  # keep-alive
                    event = json.loads(line[len(b"data:") :])
                    if event.get("ready"):
                        return
                    if event.get("failed"):
                        raise AssertionError(
                            f"{self.user}'s server did not start: {event.get('message')}\n"
                            f"{self.hub.tail()}"
                        )
            time.sleep(0.5)  # the stream ended early (no spawn pending yet): follow it again
        raise AssertionError(f"{self.user}'s server did not start\n{self.hub.tail()}")

    def server(self, method: str, path: str, **kw) -> requests.Response:
        """The user's own Jupyter server, with the user's API token."""
        headers = {"Authorization": f"token {self.token}"} | kw.pop("headers", {})
        url = f"{self.hub.url}/user/{self.user}{path}"
        return requests.request(method, url, headers=headers, timeout=120, **kw)

    def nbgrader(self, action: str, **data) -> dict:
        r = self.server("POST", f"/assignments/{action}", data=data)
        assert r.status_code == 200, r.text
        return r.json()

    def run_in_kernel(self, code: str, timeout: float = 60) -> str:
        """Run ``code`` in a new kernel of this user's server; return what it printed."""
        kernel = self.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
        try:
            return self.execute(kernel, code, timeout)
        finally:
            self.server("DELETE", f"/api/kernels/{kernel}")

    def execute(self, kernel: str, code: str, timeout: float = 60) -> str:
        """Run ``code`` in this user's running ``kernel``; return what it printed."""
        import websocket

        ws_url = (
            self.hub.url.replace("http", "ws") + f"/user/{self.user}/api/kernels/{kernel}/channels"
        )
        ws = websocket.create_connection(
            ws_url, header=[f"Authorization: token {self.token}"], timeout=timeout
        )
        try:
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "username": self.user,
                            "session": uuid.uuid4().hex,
                            "msg_type": "execute_request",
                            "version": "5.3",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "content": {"code": code, "silent": False, "store_history": False},
                    }
                )
            )
            out, deadline = [], time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    out.append("\n".join(msg["content"]["traceback"]))
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    return "".join(out)
            raise AssertionError(f"kernel code timed out; got {''.join(out)!r}")
        finally:
            ws.close()

    def service(self, method: str, path: str, **kw) -> requests.Response:
        """The course's formgrader service, through the hub's OAuth, as this user."""
        url = f"{self.hub.url}/services/{COURSE}{path}"
        if method != "GET":
            kw["headers"] = self._xsrf(f"/services/{COURSE}/") | kw.get("headers", {})
        return self.s.request(method, url, timeout=300, **kw)


def _remove_accounts(names) -> None:
    for name in names:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
    for name in names:
        subprocess.run(["userdel", "-r", "-f", name], capture_output=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)


def start_hub(
    addfinalizer,
    roster_rows,
    grader_prefix: str = f"{P}g-",
    config: Path | None = None,
    env: dict | None = None,
    make=None,
) -> Hub:
    """Build the environment, apply a roster of (user, full name, role) rows for COURSE, or
    (user, full name, role, courses) rows (the courses made by ``make(folder)``, ``make_course``
    by default), start the hub (with ``config``,
    hub/jupyterhub_config.py by default, and the settings ``env`` on top of this process's
    environment); ``addfinalizer`` receives the clean-up, which removes everything made here."""
    _need(os.geteuid() == 0, "the hub tests must run as root: they create system users")
    _need(shutil.which("useradd") is not None, "useradd is missing (Debian package passwd)")
    _need(shutil.which("node") is not None, "node is missing: install Node.js 20 or newer")
    _need(CHP.exists(), f"{CHP.relative_to(REPO)} is missing: run `npm ci --prefix hub`")
    built = subprocess.run(
        [sys.executable, HUB / "hubenv.py", "build", "--prefix", PREFIX],
        capture_output=True,
        text=True,
    )
    _need(built.returncode == 0, f"hub/hubenv.py build failed:\n{built.stdout}\n{built.stderr}")

    made: list[str] = []
    procs: list[subprocess.Popen] = []
    tmp = Path(tempfile.mkdtemp(prefix="cltest-hub-"))

    def cleanup():
        for proc in procs:
            _stop(proc)
        proxy_pid = tmp / "state" / "hub" / "jupyterhub-proxy.pid"
        if proxy_pid.exists():  # the hub starts the proxy in a session of its own
            try:
                os.kill(int(proxy_pid.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass
        _remove_accounts(made)
        for ctl in ("memory", "cpu", ""):
            for user in made:
                shutil.rmtree(Path("/sys/fs/cgroup", ctl, "cenlab-hub", user), ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)

    addfinalizer(cleanup)
    os.chmod(tmp, 0o755)
    state, courses = tmp / "state", tmp / "courses"
    (make or make_course)(courses)
    roster = tmp / "roster.csv"
    # A row may name its courses (a fourth item, "a;b"); COURSE by default.
    rows = [(*row, COURSE)[:4] for row in roster_rows]
    roster.write_text(
        "username,full_name,role,courses\n" + "".join(",".join(row) + "\n" for row in rows)
    )
    courses_named = sorted({c for row in rows for c in row[3].split(";")})
    made += [row[0] for row in rows] + [f"{grader_prefix}{c}" for c in courses_named]
    applied = subprocess.run(
        [
            PREFIX / "venv" / "bin" / "cenlab-hub-roster",
            "--state",
            state,
            "--courses",
            courses,
            "--datasets",
            REPO / "datasets",
            "--grader-prefix",
            grader_prefix,
            "apply",
            roster,
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert applied.returncode == 0, applied.stderr
    assert "warning" not in applied.stderr, applied.stderr  # the formgrader can autograde
    sheet = (state / "codes-sheet.csv").read_text().splitlines()[1:]
    codes = {line.split(",")[0]: line.split(",")[2] for line in sheet}

    port = _free_port()
    log = tmp / "hub.log"
    env = dict(os.environ, **(env or {}), CENLAB_HUB_STATE=str(state), CENLAB_HUB_PORT=str(port))
    with open(log, "wb") as fh:
        procs.append(
            subprocess.Popen(
                [
                    PREFIX / "venv" / "bin" / "jupyterhub",
                    "-f",
                    config or HUB / "jupyterhub_config.py",
                ],
                cwd=state / "hub",
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    the_hub = Hub(state, f"http://127.0.0.1:{port}", codes, log)
    the_hub.proc = procs[0]
    deadline = time.monotonic() + 90
    paths = ["/hub/api", f"/services/{COURSE}/api"]  # the hub, and the course's formgrader
    while time.monotonic() < deadline:
        assert procs[0].poll() is None, f"the hub stopped:\n{the_hub.tail()}"
        try:
            up = [requests.get(f"{the_hub.url}{path}", timeout=2).status_code for path in paths]
            if up == [200, 200]:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    else:
        pytest.fail(f"the hub did not come up:\n{the_hub.tail()}")
    return the_hub


@pytest.fixture(scope="module")
def hub(request):
    rows = [
        (INSTRUCTOR, "Ana Martin", "instructor"),
        (A, "Kemi Okafor", "trainee"),
        (B, "Thanh Nguyen", "trainee"),
    ]
    return start_hub(request.addfinalizer, rows)


@pytest.fixture(scope="module")
def people(hub):
    """Logged-in clients of the instructor and both trainees (servers started on demand)."""
    return {u: hub.login(u) for u in (INSTRUCTOR, A, B)}


# --- who gets in ----------------------------------------------------------------------------


def test_an_unknown_user_and_a_wrong_code_are_refused(hub):
    assert Client(hub, "cltest-nobody").login("abcd-efgh-jkmn").status_code == 403
    assert Client(hub, A).login("wrong-code-here").status_code == 403
    assert Client(hub, A).login("").status_code == 403
    # Nobody signs up, and nobody sets a password on first login.
    assert requests.get(f"{hub.url}/hub/signup").status_code == 404
    # The right code works whatever the case and dashes.
    code = hub.codes[A]
    assert Client(hub, A).login(code.upper().replace("-", " ")).status_code == 302


def test_an_unauthenticated_request_is_sent_to_the_login_page(hub):
    for path in ("/hub/home", f"/hub/user/{A}/lab"):
        r = requests.get(f"{hub.url}{path}", allow_redirects=False)
        assert r.status_code == 302 and "/hub/login" in r.headers["location"], path
    r = requests.get(f"{hub.url}/user/{A}/lab")
    assert r.url.split("?")[0].endswith("/hub/login"), r.url
    assert requests.get(f"{hub.url}/hub/api/users").status_code == 403


def test_homes_are_private_and_codes_readable_by_root_only(hub):
    import pwd

    for user in (INSTRUCTOR, A, B, GRADER):
        assert Path(pwd.getpwnam(user).pw_dir).stat().st_mode & 0o777 == 0o700, user
    for name in ("codes.json", "codes-sheet.csv", "roster.csv"):
        assert (hub.state / name).stat().st_mode & 0o777 == 0o600, name
    assert "scrypt$" in (hub.state / "codes.json").read_text()
    assert hub.codes[A] not in (hub.state / "codes.json").read_text()


# --- an assignment's way through the exchange -----------------------------------------------


def test_the_instructor_releases_an_assignment_through_the_formgrader(hub, people):
    ins = people[INSTRUCTOR]
    page = ins.service("GET", "/formgrader")
    assert page.status_code == 200, hub.tail()
    assert "frame-ancestors 'self'" in page.headers.get("Content-Security-Policy", "")
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/assign")
    assert r.status_code == 200 and r.json()["success"], r.text
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/release")
    assert r.status_code == 200 and r.json()["success"], r.text
    released = hub.state / "exchange" / COURSE / "outbound" / ASSIGNMENT / NOTEBOOK
    assert "BEGIN SOLUTION" not in released.read_text()


def test_a_trainees_server_starts_without_the_hubs_database_layer(hub, people):
    """cenlab_hub.singleuser: the server runs without SQLAlchemy, Alembic, Mako or the ORM
    (until nbgrader's handlers need SQLAlchemy), and the hub's login to it works (start_server
    opens JupyterLab with the browser's cookies, then the API with a token)."""
    a = people[A]
    a.start_server()
    probe = (
        "import os\n"
        "pid = os.getppid()\n"
        "print(open(f'/proc/{pid}/cmdline').read().replace('\\0', ' '))\n"
        "maps = open(f'/proc/{pid}/maps').read()\n"
        "print('/sqlalchemy/' in maps)\n"  # its compiled extensions, once imported
    )
    cmdline, loaded = a.run_in_kernel(probe).splitlines()[:2]
    assert "cenlab_hub.singleuser" in cmdline, cmdline
    assert loaded == "False", "the trainee's server imported SQLAlchemy"
    # What the server holds instead: the check is not vacuous, and the stand-ins are gone.
    check = (
        "import sys\n"
        "from cenlab_hub import singleuser\n"
        "singleuser.import_singleuser()\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'mako')]\n"
        "assert not heavy and 'jupyterhub.orm' not in sys.modules, heavy\n"
        "from jupyterhub import scopes\n"
        "assert scopes.orm.Group.__tablename__ == 'groups'\n"
        "import sqlalchemy\n"
        "assert type(sqlalchemy).__name__ == 'module' and sqlalchemy.__version__\n"
    )
    python = PREFIX / "venv" / "bin" / "python"
    done = subprocess.run([python, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_trainee_lists_fetches_and_submits(hub, people):
    for user in (A, B):
        people[user].start_server()
    a, b = people[A], people[B]
    listed = a.server("GET", "/assignments", params={"course_id": COURSE}).json()
    assert listed["success"], listed
    assert [x["assignment_id"] for x in listed["value"]] == [ASSIGNMENT]
    assert listed["value"][0]["status"] == "released"
    courses = a.server("GET", "/courses").json()
    assert courses["value"] == [COURSE], courses

    for client in (a, b):
        assert client.nbgrader("fetch", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
    path = f"/api/contents/{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    model = a.server("GET", path).json()
    nb = model["content"]
    answer = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    assert "NotImplementedError" in "".join(answer["source"])
    answer["source"] = SOLUTION
    r = a.server("PUT", path, json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code == 200, r.text
    assert a.nbgrader("submit", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
    # Trainee B submits the release untouched.
    assert b.nbgrader("submit", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
    listed = a.server("GET", "/assignments", params={"course_id": COURSE}).json()
    assert "submitted" in {x["status"] for x in listed["value"]}, listed


def test_a_trainee_cannot_read_another_trainees_home_or_submission(hub, people):
    import pwd

    inbound = hub.state / "exchange" / COURSE / "inbound"
    b_submission = next(p for p in inbound.iterdir() if p.name.startswith(f"{B}+"))
    probe = f"""
import os
def attempt(what, fn):
    try:
        fn()
        print(what, "READ")
    except PermissionError:
        print(what, "refused")
attempt("home", lambda: os.listdir({pwd.getpwnam(B).pw_dir!r}))
attempt("home-file", lambda: open({pwd.getpwnam(B).pw_dir + "/" + COURSE!r} + "/{ASSIGNMENT}/{NOTEBOOK}").read())
attempt("inbound", lambda: os.listdir({str(inbound)!r}))
attempt("submission", lambda: os.listdir({str(b_submission)!r}))
attempt("submission-file", lambda: open({str(b_submission / NOTEBOOK)!r}).read())
attempt("course", lambda: os.listdir({str(hub.state / "courses" / COURSE)!r}))
attempt("codes", lambda: open({str(hub.state / "codes.json")!r}).read())
print("datasets", sorted(os.listdir(os.path.expanduser("~/datasets")))[:1])
"""
    out = people[A].run_in_kernel(probe)
    for what in (
        "home",
        "home-file",
        "inbound",
        "submission",
        "submission-file",
        "course",
        "codes",
    ):
        assert f"{what} refused" in out, out
    assert "datasets ['" in out, out  # the shared datasets are there, read-only
    out = people[A].run_in_kernel(
        "import os\ntry:\n    open(os.path.expanduser('~/datasets/x'), 'w')\n"
        "except OSError as e:\n    print(type(e).__name__)"
    )
    assert "PermissionError" in out or "OSError" in out, out


def test_a_submission_filed_in_another_trainees_name_is_not_collected(hub, people):
    inbound = hub.state / "exchange" / COURSE / "inbound"
    forged = f"""
import datetime, os, shutil
stamp = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
dest = os.path.join({str(inbound)!r}, "{B}+{ASSIGNMENT}+" + stamp + "+forged")
os.makedirs(dest)
src = os.path.expanduser("~/{COURSE}/{ASSIGNMENT}/{NOTEBOOK}")
text = open(src).read().replace("def total_kg", "# FORGED BY A\\ndef total_kg")
open(os.path.join(dest, "{NOTEBOOK}"), "w").write(text)
open(os.path.join(dest, "timestamp.txt"), "w").write(stamp)
print("filed", os.path.basename(dest))
"""
    out = people[A].run_in_kernel(forged)
    assert "filed" in out, out  # nbgrader's inbound is writable by all: filing is possible ...
    ins = people[INSTRUCTOR]
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert r.status_code == 200 and r.json()["success"], r.text
    assert "not by" in r.json()["log"], r.json()["log"]  # ... but collect refuses it, loudly
    submitted = hub.state / "courses" / COURSE / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted([A, B])
    b_text = (submitted / B / ASSIGNMENT / NOTEBOOK).read_text()
    assert "FORGED" not in b_text and "NotImplementedError" in b_text


def test_a_trainee_cannot_reach_the_formgrader(hub, people):
    r = people[A].service("GET", "/formgrader")
    assert r.status_code == 403, (r.status_code, r.url)
    r = people[A].service("GET", "/formgrader/api/submissions/" + ASSIGNMENT)
    assert r.status_code in (302, 403) or "/hub/" in r.url, (r.status_code, r.url)
    assert "score" not in r.text


def test_the_instructor_autogrades_and_releases_feedback(hub, people):
    ins = people[INSTRUCTOR]
    for student in (A, B):
        r = ins.service("POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde")
        assert r.status_code == 200 and r.json()["success"], r.text
    subs = ins.service("GET", f"/formgrader/api/submissions/{ASSIGNMENT}").json()
    scores = {s["student"]: (s["score"], s["max_score"]) for s in subs}
    assert scores == {A: (2.0, 2.0), B: (0.0, 2.0)}, scores
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/generate_feedback")
    assert r.status_code == 200 and r.json()["success"], r.text
    r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/release_feedback")
    assert r.status_code == 200 and r.json()["success"], r.text


def test_the_instructors_jupyterlab_finds_the_formgrader(hub, people):
    ins = people[INSTRUCTOR]
    ins.start_server()
    found = ins.server("GET", "/formgraders").json()
    assert found["success"], found
    (course,) = found["value"]
    assert course["course_id"] == COURSE
    assert f"/services/{COURSE}/lab" in course["url"], course


def test_servers_run_under_limits_and_the_culler_runs(hub, people):
    limit = Path("/sys/fs/cgroup/memory/cenlab-hub", A, "memory.limit_in_bytes")
    v2 = Path("/sys/fs/cgroup/cenlab-hub", A, "memory.max")
    found = limit if limit.exists() else v2
    _need(found.exists(), "no writable control groups: memory limits cannot be enforced here")
    assert int(found.read_text()) == 1024**3
    pids = (found.parent / "cgroup.procs").read_text().split()
    assert pids, "the trainee's server is not in its control group"
    assert "Starting managed service idle-culler" in hub.log.read_text()


def test_the_trainee_fetches_the_feedback(hub, people):
    a = people[A]
    assert a.nbgrader("fetch_feedback", course_id=COURSE, assignment_id=ASSIGNMENT)["success"]
    folder = a.server("GET", f"/api/contents/{COURSE}/{ASSIGNMENT}/feedback").json()
    (stamp,) = folder["content"]
    files = a.server("GET", f"/api/contents/{stamp['path']}").json()["content"]
    html = a.server("GET", f"/api/contents/{files[0]['path']}").json()["content"]
    assert files[0]["name"] == NOTEBOOK.replace(".ipynb", ".html")
    assert "2.0" in html or "2 / 2" in html


# --- in a real browser ----------------------------------------------------------------------


def test_a_trainee_sees_the_assignment_list_in_a_browser(hub, tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install playwright", pytrace=False)
    shot = tmp_path / "hub-assignments.png"
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(f"{hub.url}/hub/login")
            page.fill("#username_input", B)
            page.fill("#password_input", hub.codes[B])
            page.click("#login_submit")
            page.wait_for_url("**/user/**/lab**", timeout=120_000)
            page.wait_for_selector(".jp-LabShell", timeout=120_000)
            page.click("text=Nbgrader", timeout=60_000)
            page.click("text=Assignment List", timeout=30_000)
            page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    keep_screenshot(shot)
