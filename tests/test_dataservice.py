"""A course's data service (cenlab/course/dataservice.py) without a hub: its tornado app on a
Unix socket with a HubAuth whose hub is a table of tokens, on a tiny course of its own.

tests/test_hub_data.py runs the same service on a real hub; here the cases a hub cannot make:
a token with the service's scope but outside the course's groups, a service's token, a build
that fails, the cache, an assignment not released yet, one account holding many connections.
"""

from __future__ import annotations

import asyncio
import copy
import io
import os
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from jupyterhub.services.auth import HubAuth

from cenlab.course import dataservice, mydata, personal

COURSE, NAME = "demo", "demo-data"
SCOPE = f"access:services!service={NAME}"
TOKENS = {
    "ana": {"kind": "user", "name": "ana", "groups": ["nbgrader-demo"], "scopes": [SCOPE]},
    "bob": {"kind": "user", "name": "bob", "groups": ["nbgrader-demo"], "scopes": [SCOPE]},
    "ines": {"kind": "user", "name": "ines", "groups": ["formgrade-demo"], "scopes": [SCOPE]},
    "stranger": {"kind": "user", "name": "eve", "groups": ["nbgrader-other"], "scopes": [SCOPE]},
    "noscope": {"kind": "user", "name": "ana", "groups": ["nbgrader-demo"], "scopes": ["self"]},
    "service": {"kind": "service", "name": "demo", "groups": ["nbgrader-demo"], "scopes": [SCOPE]},
}

BUILD_DATA = """\
import random
from pathlib import Path

ASSIGNMENTS = {"01-w": {}, "03-boom": {}}


def build(assignment, out, variant=None):
    if assignment == "03-boom":
        raise RuntimeError("/secret/path/in/a/traceback")
    with open(Path(__file__).with_name("builds.log"), "a") as log:
        log.write(f"{variant}\\n")
    path = Path(out) / "weights.csv"
    rng = random.Random(variant)
    path.write_text("".join(f"{rng.random():.6f}\\n" for _ in range(2000)))
    return [path]
"""


class TableHubAuth(HubAuth):
    """HubAuth whose hub answers from TOKENS (the rest, token in the header only, is its own)."""

    def user_for_token(self, token, use_cache=True, session_id="", *, sync=True):
        async def answer():
            return copy.deepcopy(TOKENS.get(token))

        return answer()


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / COURSE
    for assignment in ("01-w", "02-plain", "03-boom"):
        (root / "source" / assignment).mkdir(parents=True)
        (tmp_path / "outbound" / assignment).mkdir(parents=True)  # released
    (root / "source" / "04-later").mkdir()  # personal, not released yet
    (root / "build_data.py").write_text(BUILD_DATA)
    personal.course_secret(root)
    return root


@pytest.fixture
def served(course):
    """The service of ``course``, listening on a Unix socket in a thread (``serve``, as on the
    hub); yields (service, the socket's path)."""
    service = dataservice.Service(course, NAME, course.parent / "outbound")
    service.auth = TableHubAuth(
        api_token="unused", api_url="http://127.0.0.1:1/hub/api/", access_scopes={SCOPE}
    )
    folder = Path(tempfile.mkdtemp(prefix="cl-sock-"))  # a socket's path: 107 bytes at most
    path = str(folder / "data.sock")
    ready, box = threading.Event(), {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = dataservice.serve(dataservice.make_app(service), path)
        box.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield service, path
    box["loop"].call_soon_threadsafe(box["loop"].stop)
    thread.join(10)
    shutil.rmtree(folder, ignore_errors=True)


def get(path: str, name: str, token: str | None = "ana", query: str = "", body=None):
    """(status, content type, body, reason) of GET ``/name + query``, sent as is."""
    conn = mydata.ServiceConnection({"socket": path, "uid": os.getuid()}, timeout=60)
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        conn.request("GET", "/" + name + query, body=body, headers=headers)
        reply = conn.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), reply.read(), reply.reason
    finally:
        conn.close()


def one_line(status, kind, body, reason, expect) -> str:
    """The refusal's one plain line, also the reason of its status line (my_data shows it)."""
    text = body.decode()
    assert status == expect, (status, text)
    assert kind.startswith("text/plain") and text.count("\n") == 1 and text.endswith("\n"), text
    assert "Traceback" not in text and "<" not in text, text
    assert reason == text.strip()
    return text


def test_a_trainee_gets_the_zip_of_their_own_data(served, course, tmp_path):
    _, sock = served
    status, kind, body, _ = get(sock, "01-w")
    assert status == 200 and kind == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert sorted(archive.namelist()) == [personal.STAMP, "weights.csv"]
    personal.build_for(course, "01-w", "ana", tmp_path / "ana")
    for name in archive.namelist():
        assert archive.read(name) == (tmp_path / "ana" / name).read_bytes(), name
    bobs = get(sock, "01-w", "bob")[2]
    assert zipfile.ZipFile(io.BytesIO(bobs)).read("weights.csv") != archive.read("weights.csv")
    assert get(sock, "01-w", "ines")[0] == 200  # an instructor of the course


@pytest.mark.parametrize(
    "token, query",
    [(None, ""), ("wrong", ""), (None, "?token=ana"), ("stranger", ""), ("noscope", "")]
    + [("service", "")],
)
def test_who_is_refused(served, token, query):
    text = one_line(*get(served[1], "01-w", token, query), 403)
    assert "ana" not in text


@pytest.mark.parametrize(
    "name",
    ["../x", "..%2Fbuild_data.py", "%2e%2e", "02-plain", "01-w%2F..", "01-w/", "", "x y"]
    + ["04-later"],  # personal, but not released: nobody sees its data before the others
)
def test_only_personalised_assignments_are_served(served, name):
    one_line(*get(served[1], name.replace(" ", "%20")), 404)


def test_a_failing_build_is_one_line_and_tried_again(served, course):
    service, sock = served
    text = one_line(*get(sock, "03-boom"), 500)
    assert text == dataservice.FAILED + "\n"
    one_line(*get(sock, "03-boom"), 500)
    assert not service.pending and not [k for k in service.cache if k[0] == "03-boom"]


def test_built_zips_are_cached_and_the_cache_is_bounded(served, course, monkeypatch):
    service, sock = served
    builds = course / "builds.log"
    first = get(sock, "01-w")[2]
    assert get(sock, "01-w")[2] == first
    assert len(builds.read_text().splitlines()) == 1  # the second came from the cache
    monkeypatch.setattr(dataservice, "CACHE_BYTES", int(len(first) * 2.5))
    for token in ("bob", "ines", "ana"):
        assert get(sock, "01-w", token)[0] == 200
    assert len(service.cache) == 2  # the oldest dropped
    assert {k[1] for k in service.cache} == {"ines", "ana"}
    # A new secret (or builder): nobody's cached data are served any more.
    secret = personal.CoursePaths(course).secret
    secret.write_text("f" * 64 + "\n")
    os.utime(secret, ns=(0, secret.stat().st_mtime_ns + 10**9))
    assert get(sock, "01-w")[2] != first


def test_a_request_with_a_body_is_refused_before_anyone_is_asked_who_sent_it(served):
    """A request announcing 100 MB is cut at once: the service does not wait for, or keep,
    what a stranger sends before it knows who they are."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    try:
        sock.connect(served[1])
        sock.sendall(b"GET /01-w HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    finally:
        sock.close()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:80]


def test_one_account_cannot_hold_every_connection(served, caplog):
    """Idle connections of one account beyond PER_ACCOUNT are closed at once, with one line in
    the log (not one per connection: a flood would fill the disk); the service goes on
    answering."""
    service, path = served
    idle = []
    try:
        for _ in range(dataservice.PER_ACCOUNT + 5):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(10)
            sock.connect(path)
            idle.append(sock)
        closed = 0
        for sock in idle:
            try:
                sock.settimeout(0.5)
                closed += sock.recv(1) == b""
            except TimeoutError:  # still open, waiting for a request
                pass
        assert closed == 5
        refusals = [r for r in caplog.records if "refusing connections" in r.getMessage()]
        assert [r.getMessage() for r in refusals] == [
            f"refusing connections of account {os.getuid()}: {dataservice.PER_ACCOUNT} open"
        ]
    finally:
        for sock in idle:
            sock.close()
    for _ in range(50):  # once the service has seen them closed, it answers again
        try:
            assert get(path, "01-w")[0] == 200
            break
        except ConnectionResetError:
            time.sleep(0.1)
    else:
        pytest.fail("the service did not answer after the idle connections closed")


def test_a_token_the_hub_does_not_know_is_told_what_to_do(served):
    """An expired server token: the trainee is on the hub already; the line says what helps."""
    text = one_line(*get(served[1], "01-w", "expired"), 403)
    assert text == dataservice.NO_LOGIN + "\n"
