"""The trainee's side of personalised assignments: ``my_data(course, assignment)``, the first
line of every graded notebook.

It makes sure the notebook's folder holds the data made for this trainee:

- when the folder's stamp (``personal.STAMP``) says the files are this trainee's and they are
  unchanged, it does nothing: self-paced (``make lab`` builds them), in the grading sandbox
  (the grader rebuilds them), on the hub after the first run;
- on the hub, it asks the course's data service (``dataservice``) for the logged-in trainee's
  files, with the server's own token, and writes them. The service listens on a Unix socket;
  the token is sent only when the account at the other end (the kernel says whose it is) is
  the one the hub named, so nothing else can pose as the service and collect tokens. Only data
  files (``DATA_SUFFIXES``) are written, never a notebook or Python code;
- elsewhere, with no stamp, the folder's files are used as they are (the course's own data,
  for an author running the source notebook).

It never needs the course's secret, so nothing a trainee has lets them make another trainee's
data. Whatever it prints is one plain line.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import re
import socket
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

from cenlab.course import personal

# JSON, set by the hub: course -> {"socket": its data service's Unix socket, "uid": the account
# that serves it (the course's grader)}.
SERVICES = "CENLAB_DATA_SERVICES"
DATA_SUFFIXES = ("csv", "json", "parquet", "txt")  # what a data service may write
SAFE_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.-]{{0,90}}\.(?:{'|'.join(DATA_SUFFIXES)})")
MAX_BYTES = 50_000_000
CHANGED = (
    "Changed or missing: {names}. Grading uses the data made for you; run `make lab` again to"
    " get them back (your notebook is kept)."
)
NOT_HERE = "This folder has no data: open the notebook from its own assignment folder."
NOT_THE_SERVICE = "something other than the course's data service answered: tell your instructor"
DOWN = "the course's data service is not running: try again in a minute, or tell your instructor"


class DataError(RuntimeError):
    """The trainee's data could not be had; the message says why, in one line."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows: the one line, not a traceback a beginner must read."""
        return [f"DataError: {self}"]


def _on_hub(course: str) -> tuple[dict, str, str] | None:
    """(the service's socket and account, user, token) when this kernel runs on a hub that
    serves ``course``."""
    user, token = os.environ.get("JUPYTERHUB_USER"), os.environ.get("JUPYTERHUB_API_TOKEN")
    try:
        services = json.loads(os.environ.get(SERVICES, "{}"))
    except ValueError:
        services = {}
    where = services.get(course) if isinstance(services, dict) else None
    if not (user and token and isinstance(where, dict)):
        return None
    if not isinstance(where.get("socket"), str) or not isinstance(where.get("uid"), int):
        return None
    return where, user, token


def peer_uid(sock: socket.socket) -> int:
    """The account of the process at the other end of a Unix socket, as the kernel says."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


class ServiceConnection(http.client.HTTPConnection):
    """HTTP over the data service's Unix socket, to the account the hub named only."""

    def __init__(self, where: dict, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.where = where

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            # A blocking connect waits its turn in a full queue (someone flooding the service)
            # for up to ``timeout``; with a timeout set, Python's would fail at once (EAGAIN).
            wait = int(self.timeout)
            sock.settimeout(None)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", wait, 0))
            sock.connect(self.where["socket"])
            sock.settimeout(self.timeout)
            if peer_uid(sock) != self.where["uid"]:
                raise DataError(NOT_THE_SERVICE)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def my_data(course: str, assignment: str, *, folder=".") -> list[str]:
    """Make sure ``folder`` holds this trainee's data for ``assignment``; return the names of
    the data files (empty when the folder's own files are used as they are)."""
    folder = Path(folder)
    stamp = personal.read_stamp(folder)
    if stamp is not None and (stamp.get("course"), stamp.get("assignment")) != (course, assignment):
        held = f"{stamp.get('course')}/{stamp.get('assignment')}"
        raise DataError(f"this folder holds the data of {held}: open this notebook in its own")
    hub = _on_hub(course)
    changed = personal.changed_files(folder, stamp) if stamp is not None else []
    if hub is None:
        if stamp is None:
            if not any(folder.glob("*.csv")):
                print(NOT_HERE)
            return []
        if changed:
            print(CHANGED.format(names=", ".join(changed)))
        return sorted(stamp["files"])
    if stamp is not None and stamp.get("trainee") == hub[1] and not changed:
        return sorted(stamp["files"])
    ours = stamp is not None and stamp.get("trainee") == hub[1]
    return _fetch(folder, assignment, *hub, edited=changed if ours else [])


def _fetch(
    folder: Path, assignment: str, where: dict, user: str, token: str, *, edited=()
) -> list[str]:
    conn = ServiceConnection(where, timeout=60)
    try:
        conn.request("GET", f"/{quote(assignment)}", headers={"Authorization": f"token {token}"})
        reply = conn.getresponse()
        if reply.status != 200:
            raise DataError(f"the course's data service refused ({reply.status} {reply.reason})")
        body = reply.read(MAX_BYTES + 1)
    except (FileNotFoundError, ConnectionRefusedError):
        raise DataError(DOWN) from None
    except (OSError, http.client.HTTPException) as exc:
        raise DataError(f"the course's data service could not be reached ({exc})") from None
    finally:
        conn.close()
    if len(body) > MAX_BYTES:
        raise DataError("the course's data service sent more than 50 MB")
    kept = _keep_edited(folder, edited)
    names = _unpack(folder, body)
    print(f"Your own data for {assignment} ({user}): {', '.join(n for n in names)}")
    for name, copy in kept:
        print(f"You had changed {name}: your version is kept as {copy}.")
    return names


def _keep_edited(folder: Path, names) -> list[tuple[str, str]]:
    """Move the data files the trainee changed out of the way (``<name>.edited``, then
    ``.edited-2`` ...) before their data are written again: nothing they wrote is lost."""
    kept = []
    for name in names:
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            copy = personal.keep_aside(path)
        except OSError as exc:
            raise DataError(f"your changed {name} could not be kept ({exc.strerror})") from None
        kept.append((name, copy.name))
    return kept


def _unpack(folder: Path, body: bytes) -> list[str]:
    """Write the files of the zip ``body`` (plain names only) into ``folder``, the stamp last,
    each through a temporary file, so a half-written file is never left."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise DataError("the course's data service sent something that is not data") from None
    if sum(m.file_size for m in members) > MAX_BYTES:
        raise DataError("the course's data service sent more than 50 MB")
    if not any(m.filename == personal.STAMP for m in members):
        raise DataError("the course's data service sent no stamp")
    for m in members:
        if m.filename != personal.STAMP and not SAFE_NAME.fullmatch(m.filename):
            raise DataError(f"the course's data service sent a file named {m.filename!r}")
    ordered = sorted(members, key=lambda m: m.filename == personal.STAMP)
    try:  # every member read (and its CRC checked) before anything is written
        contents = [(m.filename, archive.read(m)) for m in ordered]
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise DataError("the course's data service sent damaged data") from None
    for name, data in contents:
        tmp = folder / f".{name}.part"
        try:
            tmp.write_bytes(data)
            tmp.replace(folder / name)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            why = f"your data could not be written here ({exc.strerror})"
            raise DataError(f"{why}: make room, or tell your instructor") from None
    return sorted(m.filename for m in members if m.filename != personal.STAMP)
