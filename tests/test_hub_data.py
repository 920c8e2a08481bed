"""Personalised assignments on the workshop hub: each course's data service (``<course>-data``,
cenlab/course/dataservice.py) hands a trainee the data made for them, on a real hub as in
tests/test_hub.py (JupyterHub, configurable-http-proxy, real Unix users).

A tiny course of its own (``build_data.py`` taking ``variant``, pure Python, fast): trainee A's
``my_data`` in a kernel of A's own server (with that server's environment and token) gets
exactly ``build_for(course root, assignment, A)``; B gets B's; the service refuses requests
without a valid token, from a trainee of another course, and with a path that is not one of
the course's released personalised assignments; it listens on a Unix socket where only the
grader account can put one, with no route through the proxy; the course's secret belongs to
its grader account alone.
"""

from __future__ import annotations

import hashlib
import json
import pwd
import secrets
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
import requests
import test_hub as th
from test_hub import ASSIGNMENT, COURSE, NOTEBOOK

from cenlab.course import mydata, personal

sys.path.insert(0, str(th.HUB))
from cenlab_hub import state as state_mod  # noqa: E402

P = f"cltest-{secrets.token_hex(2)}-"
INSTRUCTOR, A, B, OTHER = (f"{P}{x}" for x in ("ins", "ta", "tb", "tc"))
GRADER = f"{P}g-{COURSE}"
OTHER_COURSE = "other-course"
PLAIN = "02-plain"  # an assignment of the course whose data are not personal
SERVICE = f"{COURSE}-data"

pytestmark = pytest.mark.timeout(600)

BUILD_DATA = f'''\
"""The tiny course's data: a few consignments, different numbers for each variant."""
import json
import random
from pathlib import Path

ASSIGNMENTS = {{{ASSIGNMENT!r}: {{}}}}


def build(assignment, out, variant=None):
    rng = random.Random(variant if variant is not None else 0)
    out = Path(out)
    weights = out / "weights.csv"
    rows = [f"C{{i:03d}},{{rng.uniform(1, 900):.2f}}" for i in range(40)]
    weights.write_text("consignment,kg\\n" + "\\n".join(rows) + "\\n")
    meta = out / "meta.json"
    meta.write_text(json.dumps({{"leader": rng.choice(["FR", "NG", "VN", "BR"])}}) + "\\n")
    return [weights, meta]
'''


def make_courses(root: Path) -> None:
    """COURSE with a personalised assignment and a plain one, and a second course."""
    th.make_course(root)
    (root / COURSE / "build_data.py").write_text(BUILD_DATA)
    (root / COURSE / "source" / PLAIN).mkdir()
    nbformat.write(nbformat.v4.new_notebook(), root / COURSE / "source" / PLAIN / NOTEBOOK)
    (root / OTHER_COURSE / "source").mkdir(parents=True)
    (root / OTHER_COURSE / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {OTHER_COURSE!r}\n"
    )


@pytest.fixture(scope="module")
def hub(request):
    rows = [
        (INSTRUCTOR, "Ana Martin", "instructor"),
        (A, "Kemi Okafor", "trainee"),
        (B, "Thanh Nguyen", "trainee"),
        (OTHER, "Lena Berg", "trainee", OTHER_COURSE),
    ]
    return th.start_hub(request.addfinalizer, rows, grader_prefix=f"{P}g-", make=make_courses)


@pytest.fixture(scope="module")
def people(hub):
    return {u: hub.login(u) for u in (INSTRUCTOR, A, B, OTHER)}


@pytest.fixture(scope="module")
def root(hub) -> Path:
    return hub.state / "courses" / COURSE


# What a trainee's first cell does, in a folder of their home; prints the folder's files.
MY_DATA = """
import hashlib, json, os
folder = os.path.expanduser("~/{folder}")
os.makedirs(folder, exist_ok=True)
os.chdir(folder)
from cenlab.course.mydata import my_data
names = my_data({course!r}, {assignment!r})
files = {{n: hashlib.sha256(open(n, "rb").read()).hexdigest() for n in sorted(os.listdir("."))}}
env = {{k: os.environ.get(k) for k in ("JUPYTERHUB_USER", "CENLAB_DATA_SERVICES")}}
env["token"] = bool(os.environ.get("JUPYTERHUB_API_TOKEN"))
print(json.dumps({{"names": names, "files": files, "env": env}}))
"""


def my_data_in_kernel(client, folder: str = "work-01") -> tuple[list[str], dict]:
    """Run the first cell in a kernel of the client's server; (lines it printed, result)."""
    out = client.run_in_kernel(MY_DATA.format(folder=folder, course=COURSE, assignment=ASSIGNMENT))
    lines = out.strip().splitlines()
    try:
        return lines[:-1], json.loads(lines[-1])
    except (IndexError, ValueError):
        raise AssertionError(f"the cell failed:\n{out}") from None


def expected(root: Path, trainee: str) -> dict[str, str]:
    """The digests of build_for(course root, ASSIGNMENT, trainee), stamp included."""
    with tempfile.TemporaryDirectory() as tmp:
        personal.build_for(root, ASSIGNMENT, trainee, tmp)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in Path(tmp).iterdir()}


def raw_get(where: dict, path: str, headers=None) -> tuple[int, str, bytes, str]:
    """GET exactly ``path`` (no normalisation of ``..`` or of escapes) from the service."""
    conn = mydata.ServiceConnection(where, timeout=120)  # the grader's account, checked
    try:
        conn.request("GET", path, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), reply.read(), reply.reason
    finally:
        conn.close()


REFUSED = """
from cenlab.course.mydata import DataError, my_data
try:
    my_data({course!r}, {assignment!r})
except DataError as err:
    print('DataError:', err)
"""


def test_an_assignment_not_released_yet_is_not_served(hub, people):
    """Before the instructors release it, nobody gets an assignment's data (runs before the
    fixture ``released``)."""
    people[A].start_server()
    out = people[A].run_in_kernel(REFUSED.format(course=COURSE, assignment=ASSIGNMENT))
    assert out == (
        "DataError: the course's data service refused (404 this course has no released "
        "assignment of that name with own data)\n"
    )


@pytest.fixture(scope="module")
def released(hub, people) -> None:
    ins = people[INSTRUCTOR]
    assert ins.service("GET", "/formgrader").status_code == 200  # logs in to the formgrader
    for step in ("assign", "release"):
        r = ins.service("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{step}")
        assert r.status_code == 200 and r.json()["success"], r.text


@pytest.fixture(scope="module")
def service(hub, people, released) -> dict:
    """Where the data service listens and whose it is, as the trainees' servers are told; the
    service is up."""
    people[A].start_server()
    _, result = my_data_in_kernel(people[A], folder="probe")
    where = json.loads(result["env"]["CENLAB_DATA_SERVICES"])[COURSE]
    assert where == {
        "socket": str(hub.state / "run" / COURSE / "data.sock"),
        "uid": pwd.getpwnam(GRADER).pw_uid,
    }
    return where


def test_the_course_root_holds_the_builder_and_a_secret_of_the_grader_alone(hub, root):
    assert state_mod.SECRET == personal.CoursePaths(root).secret.name
    secret = personal.CoursePaths(root).secret
    st = secret.stat()
    assert st.st_mode & 0o777 == 0o600
    assert st.st_uid == pwd.getpwnam(GRADER).pw_uid
    assert len(secret.read_text().strip()) >= 32
    assert (root / "build_data.py").read_text() == BUILD_DATA
    assert personal.is_personal(root, ASSIGNMENT) and not personal.is_personal(root, PLAIN)


def test_a_trainee_gets_exactly_the_data_made_for_them(hub, people, root, service):
    printed, result = my_data_in_kernel(people[A])
    assert result["env"]["JUPYTERHUB_USER"] == A and result["env"]["token"], result["env"]
    assert result["names"] == ["meta.json", "weights.csv"]
    assert result["files"] == expected(root, A)
    assert printed == [f"Your own data for {ASSIGNMENT} ({A}): meta.json, weights.csv"]
    # The first cell again: the folder holds A's data already, nothing is fetched.
    printed, again = my_data_in_kernel(people[A])
    assert printed == [] and again["files"] == result["files"]


def test_another_trainee_gets_their_own_different_data(hub, people, root, service):
    b = people[B]
    b.start_server()
    _, result = my_data_in_kernel(b)
    assert result["env"]["JUPYTERHUB_USER"] == B
    assert result["files"] == expected(root, B)
    mine = expected(root, A)
    assert result["files"]["weights.csv"] != mine["weights.csv"]


def test_the_service_has_no_route_through_the_proxy(hub, people, service):
    url = f"{hub.url}/services/{SERVICE}/{ASSIGNMENT}"
    r = requests.get(url, headers={"Authorization": f"token {people[A].token}"}, timeout=120)
    assert r.status_code == 404 and r.headers["Content-Type"] != "application/zip"


# In a trainee's kernel: can they put something where the service listens?
SQUAT = """
import os, socket
where = {socket!r}
try:
    os.unlink(where)
    print("unlinked")
except OSError as err:
    print(type(err).__name__)
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(os.path.join(os.path.dirname(where), "mine.sock"))
    print("bound")
except OSError as err:
    print(type(err).__name__)
"""


def test_only_the_grader_can_listen_where_the_service_listens(hub, people, service):
    folder = Path(service["socket"]).parent
    st = folder.stat()
    assert (st.st_uid, st.st_mode & 0o777) == (service["uid"], 0o755)
    assert Path(service["socket"]).stat().st_uid == service["uid"]
    out = people[A].run_in_kernel(SQUAT.format(socket=service["socket"]))
    assert out.split() == ["PermissionError", "PermissionError"]


def _refused(status: int, kind: str, body: bytes, reason: str, expect: int) -> None:
    text = body.decode()
    assert status == expect, (status, text)
    assert kind.startswith("text/plain"), kind
    assert text.endswith("\n") and text.count("\n") == 1, text  # one plain line
    assert "Traceback" not in text and "<" not in text, text
    assert reason == text.strip()  # what my_data shows


def _token(client, **body) -> str:
    r = client.hub_api("POST", f"/users/{client.user}/tokens", json={"note": "data", **body})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_who_may_fetch(hub, people, service):
    path = "/" + ASSIGNMENT

    def get(token=None, query=""):
        headers = {"Authorization": f"token {token}"} if token else {}
        return raw_get(service, path + query, headers)

    assert get(people[A].token)[0] == 200
    assert get(_token(people[INSTRUCTOR]))[0] == 200  # the course's instructors may too
    _refused(*get(), 403)
    _refused(*get("not-a-token"), 403)
    _refused(*get(query=f"?token={people[A].token}"), 403)  # a token in the URL is ignored
    _refused(*get(_token(people[OTHER])), 403)  # a trainee of another course
    # A's own token, without the access to the service that the hub's role gives A.
    _refused(*get(_token(people[A], scopes=[f"read:users:name!user={A}"])), 403)


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "..%2Fnbgrader_config.py",
        "%2e%2e",
        "%2E%2E%2F.cenlab-secret",
        f"{ASSIGNMENT}%2F..%2F..%2F.cenlab-secret",
        f"{ASSIGNMENT}/../../.cenlab-secret",
        f"{ASSIGNMENT}/",
        f"{ASSIGNMENT}/weights.csv",
        f"{ASSIGNMENT}%00",
        PLAIN,
        "source",
        "no-such-assignment",
        "",
    ],
)
def test_only_a_personalised_assignment_of_the_course_is_served(hub, people, service, name):
    headers = {"Authorization": f"token {people[A].token}"}
    _refused(*raw_get(service, "/" + name, headers), 404)


def test_my_data_of_a_course_one_does_not_take_is_refused_in_one_line(hub, people, released):
    other = people[OTHER]
    other.start_server()
    out = other.run_in_kernel(REFUSED.format(course=COURSE, assignment=ASSIGNMENT))
    assert (
        out
        == f"DataError: the course's data service refused (403 you are not in the course {COURSE})\n"
    )


def test_trainees_cannot_read_the_secret(hub, people, root):
    probe = f"""
try:
    open({str(personal.CoursePaths(root).secret)!r}).read()
    print("READ")
except PermissionError:
    print("refused")
"""
    assert people[A].run_in_kernel(probe).strip() == "refused"
