"""The trainee's side of personalised assignments, without a hub: ``mydata.my_data`` against a
stand-in data service on a Unix socket that answers whatever zip a test gives it.

It writes what a good zip holds (the stamp last); refuses a zip with a member outside the
folder or that is not a data file, an oversize one, one without a stamp or a damaged one, and a
file it cannot write whole, each with one line and the folder as it was; leaves a folder
stamped for this trainee alone; fetches again a folder stamped for someone else; never sends
its token to a socket served by another account than the one the hub named.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cenlab.course import mydata, personal

COURSE, ASSIGNMENT, USER, TOKEN = "demo", "01-weights", "ana", "tok-ana"


class Stand_in:
    """A data service answering ``body`` (status 200) to every GET on a Unix socket, recording
    each request."""

    def __init__(self):
        self.body, self.status, self.requests = b"", 200, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("Authorization")))
                self.send_response(outer.status)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.folder = Path(tempfile.mkdtemp(prefix="cl-sock-"))  # short: a socket's path is
        self.socket = str(self.folder / "data.sock")  # at most 107 bytes
        self.server = socketserver.ThreadingUnixStreamServer(self.socket, Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _where(stand_in: Stand_in, uid: int) -> str:
    return json.dumps({COURSE: {"socket": stand_in.socket, "uid": uid}})


@pytest.fixture
def service(monkeypatch):
    stand_in = Stand_in()
    monkeypatch.setenv(mydata.SERVICES, _where(stand_in, os.getuid()))
    monkeypatch.setenv("JUPYTERHUB_USER", USER)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
    yield stand_in
    stand_in.close()


def data_zip(files: dict[str, bytes], *, trainee: str = USER, stamp: bool = True, **kw) -> bytes:
    """A zip as the data service makes it: ``files`` and their stamp."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", kw.get("compression", zipfile.ZIP_DEFLATED)) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        if stamp:
            digests = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
            text = json.dumps(
                {"course": COURSE, "assignment": ASSIGNMENT, "trainee": trainee, "files": digests}
            )
            archive.writestr(personal.STAMP, text)
    return buffer.getvalue()


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


GIVEN = {"weights.csv": b"consignment,kg\nC1,12.5\n", "notes.txt": b"the course's own file\n"}


@pytest.fixture
def folder(tmp_path) -> Path:
    """An assignment folder as nbgrader's fetch leaves it: the course's files, no stamp."""
    for name, data in GIVEN.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_a_good_zip_is_written_with_its_stamp(service, folder, capsys):
    files = {"weights.csv": b"consignment,kg\nC1,99.0\n", "meta.json": b"{}\n"}
    service.body = data_zip(files)
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == ["meta.json", "weights.csv"]
    assert service.requests == [(f"/{ASSIGNMENT}", f"token {TOKEN}")]
    assert (folder / "weights.csv").read_bytes() == files["weights.csv"]
    assert personal.read_stamp(folder)["trainee"] == USER
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    assert capsys.readouterr().out.count("\n") == 1


def _refused(folder: Path, match: str) -> None:
    before = listing(folder)
    with pytest.raises(mydata.DataError, match=match) as refused:
        mydata.my_data(COURSE, ASSIGNMENT, folder=folder)
    assert "\n" not in str(refused.value)
    assert listing(folder) == before  # nothing written, nothing half-written


@pytest.mark.parametrize("name", ["../x", "/etc/x", "sub/x", "..", ".hidden", "a\\b", ""])
def test_a_member_outside_the_folder_is_refused(service, folder, name):
    service.body = data_zip({"weights.csv": b"x\n", name or "/": b"evil\n"})
    _refused(folder, "a file named")
    assert not (folder.parent / "x").exists()


@pytest.mark.parametrize("name", ["pandas.py", "answers.ipynb", "site.pth", "csv", "a.csv.py"])
def test_a_member_that_is_not_a_data_file_is_refused(service, folder, name):
    """A notebook or Python code next to the trainee's notebook would run as the trainee."""
    service.body = data_zip({"weights.csv": b"x\n", name: b"print('SHADOWED')\n"})
    _refused(folder, "a file named")


def test_the_token_goes_to_the_account_the_hub_named_only(service, folder, monkeypatch):
    """Whoever else listens at the service's socket (a trainee who took its place while it
    was down) gets a refusal before the request is sent: no token, no files."""
    monkeypatch.setenv(mydata.SERVICES, _where(service, os.getuid() + 1))
    service.body = data_zip({"weights.csv": b"x\n"})
    _refused(folder, "something other than the course's data service answered")
    assert service.requests == []


def test_a_full_queue_is_waited_out_not_a_failure(service, folder, monkeypatch):
    """Someone floods the service: its queue of waiting connections is full. my_data waits
    its turn (a Unix socket with a timeout would fail at once, EAGAIN) and gets its data."""
    path = str(service.folder / "busy.sock")
    busy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    busy.bind(path)
    busy.listen(1)
    flood = []
    while True:  # fill the queue: the next connection would have to wait
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.setblocking(False)
        try:
            client.connect(path)
        except BlockingIOError:
            client.close()
            break
        flood.append(client)
    body = data_zip({"weights.csv": b"consignment,kg\nC1,1.0\n"})
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body

    def serve_when_the_flood_is_gone():
        for _ in flood:  # the flood's connections, in the order they came
            busy.accept()[0].close()
        conn = busy.accept()[0]
        conn.recv(65536)
        conn.sendall(answer)
        conn.close()

    monkeypatch.setenv(mydata.SERVICES, json.dumps({COURSE: {"socket": path, "uid": os.getuid()}}))
    server = threading.Thread(target=serve_when_the_flood_is_gone, daemon=True)
    waiting = threading.Timer(0.3, server.start)  # the service gets to the queue a bit later
    waiting.start()
    try:
        assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == ["weights.csv"]
    finally:
        waiting.join()
        server.join(10)
        for client in flood:
            client.close()
        busy.close()


def test_a_service_that_is_down_is_one_plain_line(service, folder):
    service.close()
    _refused(folder, "^the course's data service is not running: try again in a minute")


def test_an_oversize_zip_is_refused(service, folder, monkeypatch):
    monkeypatch.setattr(mydata, "MAX_BYTES", 10_000)
    service.body = data_zip({"weights.csv": os.urandom(20_000)}, compression=zipfile.ZIP_STORED)
    _refused(folder, "more than")  # the answer itself
    service.body = data_zip({"weights.csv": b"0" * 20_000})  # small, but 20 kB once unpacked
    assert len(service.body) < 10_000
    _refused(folder, "more than")


def test_a_zip_without_a_stamp_or_not_a_zip_is_refused(service, folder):
    service.body = data_zip({"weights.csv": b"x\n"}, stamp=False)
    _refused(folder, "no stamp")
    service.body = b"<html>not a zip</html>"
    _refused(folder, "not data")


def test_a_damaged_zip_writes_nothing(service, folder):
    """The second member's bytes are damaged (its CRC does not match): not even the first
    member is written."""
    files = {"meta.json": b"{}\n", "weights.csv": b"consignment,kg\nC9,123.5\n"}
    good = data_zip(files, compression=zipfile.ZIP_STORED)
    at = good.index(b"C9,123.5")
    service.body = good[:at] + b"C9,923.5" + good[at + 8 :]
    _refused(folder, "damaged")


def test_a_refusal_of_the_service_is_one_line(service, folder):
    service.status, service.body = 403, b"you are not in the course demo\n"
    _refused(folder, "refused \\(403")


# Run as a trainee whose files may not grow past LIMIT bytes (the hub's file_limit).
LIMITED = """
import json, resource, sys
from cenlab.course import mydata
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
try:
    mydata.my_data({course!r}, {assignment!r}, folder=sys.argv[1])
except mydata.DataError as err:
    print("DataError", err)
"""


def test_a_file_that_cannot_be_written_whole_is_not_left_half_written(service, folder):
    big = {"meta.json": b"{}\n", "weights.csv": os.urandom(50_000)}
    service.body = data_zip(big)
    before = listing(folder)
    code = LIMITED.format(limit=20_000, course=COURSE, assignment=ASSIGNMENT)
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "DataError your data could not be written here (File too large):"
        " make room, or tell your instructor\n"
    )
    after = listing(folder)
    assert not [n for n in after if n.endswith(".part")], sorted(after)
    assert after.get("weights.csv") == before["weights.csv"]  # the old file, whole
    assert personal.STAMP not in after


def test_a_folder_stamped_for_this_trainee_is_left_alone(service, folder):
    files = sorted(folder.iterdir())
    personal.write_stamp(folder, course=COURSE, assignment=ASSIGNMENT, trainee=USER, files=files)
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == sorted(GIVEN)
    assert service.requests == []


def test_a_folder_stamped_for_another_hub_user_is_fetched_again(service, folder):
    files = sorted(folder.iterdir())
    personal.write_stamp(folder, course=COURSE, assignment=ASSIGNMENT, trainee="bob", files=files)
    service.body = data_zip({"weights.csv": b"consignment,kg\nC1,7.0\n"})
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == ["weights.csv"]
    assert len(service.requests) == 1
    assert personal.read_stamp(folder)["trainee"] == USER
    assert (folder / "weights.csv").read_bytes() == b"consignment,kg\nC1,7.0\n"


def test_a_changed_file_under_a_good_stamp_is_fetched_again_and_the_change_kept(
    service, folder, capsys
):
    files = sorted(folder.iterdir())
    personal.write_stamp(folder, course=COURSE, assignment=ASSIGNMENT, trainee=USER, files=files)
    (folder / "weights.csv.edited").write_bytes(b"an older edit\n")
    (folder / "weights.csv").write_bytes(b"consignment,kg\nC1,0\n")
    service.body = data_zip({"weights.csv": GIVEN["weights.csv"]})
    mydata.my_data(COURSE, ASSIGNMENT, folder=folder)
    assert (folder / "weights.csv").read_bytes() == GIVEN["weights.csv"]
    assert (folder / "weights.csv.edited").read_bytes() == b"an older edit\n"
    assert (folder / "weights.csv.edited-2").read_bytes() == b"consignment,kg\nC1,0\n"
    assert capsys.readouterr().out.splitlines()[-1] == (
        "You had changed weights.csv: your version is kept as weights.csv.edited-2."
    )


def test_a_notebook_in_another_assignments_folder_fetches_nothing_over_it(service, folder):
    files = sorted(folder.iterdir())
    personal.write_stamp(folder, course=COURSE, assignment="02-other", trainee=USER, files=files)
    _refused(folder, f"^this folder holds the data of {COURSE}/02-other: open this notebook in")
    assert service.requests == []


def test_a_data_error_shows_as_one_line_in_a_notebook(service, tmp_path):
    """IPython shows a DataError as its one line, not a traceback; "Run all" still stops."""
    import nbformat
    from nbclient import NotebookClient

    service.close()
    cells = [f"from cenlab.course.mydata import my_data\nmy_data({COURSE!r}, {ASSIGNMENT!r})"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, timeout=60, resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(Exception, match="DataError"):
        client.execute()
    (error,) = nb.cells[0].outputs
    assert error["traceback"] == [f"DataError: {mydata.DOWN}"]


def test_off_the_hub_nothing_is_fetched(folder, monkeypatch, capsys):
    for name in (mydata.SERVICES, "JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == []
    assert listing(folder) == GIVEN
    assert capsys.readouterr().out == ""
    # Self-paced: the folder's own data, one of them changed, one gone.
    files = sorted(folder.iterdir())
    personal.write_stamp(folder, course=COURSE, assignment=ASSIGNMENT, trainee=USER, files=files)
    (folder / "weights.csv").write_bytes(b"edited\n")
    (folder / "notes.txt").unlink()
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=folder) == ["notes.txt", "weights.csv"]
    assert capsys.readouterr().out == (
        "Changed or missing: notes.txt, weights.csv. Grading uses the data made for you; run"
        " `make lab` again to get them back (your notebook is kept).\n"
    )
    # A notebook opened in a folder without its data.
    empty = folder / "elsewhere"
    empty.mkdir()
    assert mydata.my_data(COURSE, ASSIGNMENT, folder=empty) == []
    assert capsys.readouterr().out == mydata.NOT_HERE + "\n"
