"""The trainee's side of personalised assignments: ``my_data(course, assignment)``, the first
line of every graded notebook.

It makes sure the notebook's folder holds the data made for this trainee:

- when the folder's stamp (``personal.STAMP``) says the files are this trainee's and they are
  unchanged, it does nothing: self-paced (``make lab`` builds them), in the grading sandbox
  (the grader rebuilds them), on the hub after the first run;
- on the hub, it asks the course's data service (``dataservice``) for the logged-in trainee's
  files, with the server's own token, and writes them;
- elsewhere, with no stamp, the folder's files are used as they are (the course's own data,
  for an author running the source notebook).

It never needs the course's secret, so nothing a trainee has lets them make another trainee's
data. Whatever it prints is one plain line.
"""

from __future__ import annotations

import io
import json
import os
import re
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

from cenlab.course import personal

SERVICES = "CENLAB_DATA_SERVICES"  # JSON: course -> URL of its data service (set by the hub)
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
MAX_BYTES = 50_000_000
CHANGED = "Your data files are not the ones made for you: grading uses those, not these."


class DataError(RuntimeError):
    """The trainee's data could not be had; the message says why, in one line."""


def _on_hub(course: str) -> tuple[str, str, str] | None:
    """(service URL, user, token) when this kernel runs on a hub that serves ``course``."""
    user, token = os.environ.get("JUPYTERHUB_USER"), os.environ.get("JUPYTERHUB_API_TOKEN")
    try:
        services = json.loads(os.environ.get(SERVICES, "{}"))
    except ValueError:
        services = {}
    url = services.get(course) if isinstance(services, dict) else None
    if not (user and token and url):
        return None
    return url, user, token


def _unchanged(folder: Path, stamp: dict) -> bool:
    for name, digest in stamp["files"].items():
        path = folder / name
        if not path.is_file() or personal.digest(path) != digest:
            return False
    return True


def my_data(course: str, assignment: str, *, folder=".") -> list[str]:
    """Make sure ``folder`` holds this trainee's data for ``assignment``; return the names of
    the data files (empty when the folder's own files are used as they are)."""
    folder = Path(folder)
    stamp = personal.read_stamp(folder)
    hub = _on_hub(course)
    mine = stamp is not None and (stamp.get("course"), stamp.get("assignment")) == (
        course,
        assignment,
    )
    if hub is not None and mine:
        mine = stamp.get("trainee") == hub[1]
    if mine and _unchanged(folder, stamp):
        return sorted(stamp["files"])
    if hub is None:
        if stamp is not None:
            print(CHANGED)
            return sorted(stamp["files"])
        return []
    return _fetch(folder, assignment, *hub)


def _fetch(folder: Path, assignment: str, url: str, user: str, token: str) -> list[str]:
    request = urllib.request.Request(
        f"{url.rstrip('/')}/{assignment}", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 (the hub's URL)
            body = reply.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise DataError(f"the course's data service refused ({exc.code} {exc.reason})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DataError(f"the course's data service could not be reached ({exc})") from None
    if len(body) > MAX_BYTES:
        raise DataError("the course's data service sent more than 50 MB")
    names = _unpack(folder, body)
    print(f"Your own data for {assignment} ({user}): {', '.join(n for n in names)}")
    return names


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
            tmp.unlink(missing_ok=True)
            raise DataError(f"your data could not be written here ({exc.strerror})") from None
    return sorted(m.filename for m in members if m.filename != personal.STAMP)
