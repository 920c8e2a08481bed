"""Personalised assignments: every trainee works on data of their own.

A trainee's data for an assignment is a pure function of three things: the course's secret
(``CoursePaths.secret``, beside the gradebook, never in a release), the assignment and the
trainee's id. The course's ``build_data.py`` makes it: ``build(assignment, out, variant=k)``
writes the same teaching cases as the committed files (``variant=None``) with other numbers,
ids, dates and leaders. ``variant`` turns (secret, assignment, trainee) into that ``k``, so a
trainee who lacks the secret cannot derive anyone's data, their own included.

- The grader rebuilds each trainee's data (``build_for``) for both kernels of the grading
  sandbox: what a submission holds in its data files never counts.
- The hub's data service (``dataservice``) hands the logged-in trainee their files; the
  self-paced ``work/`` folder has its own local secret and trainee id.
- A folder of personal data carries a stamp (``STAMP``): whose data they are, and each file's
  digest, so the notebook's first cell (``mydata.my_data``) knows when they are already there.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import inspect
import json
import os
import secrets
from pathlib import Path

from cenlab.course.paths import CoursePaths

STAMP = ".cenlab-data.json"  # whose data a folder holds, and each file's sha256
VARIANT_BITS = 32  # the variant is a seed for cenlab's generators
# The secret of an author's check (``cenlab course check``, ``--trainees``): the same trainees'
# data on every run, and never a real course's.
CHECK_SECRET = b"cenlab course check: the trainees of the author's own check, not a course's"


def course_secret(course_dir, *, create: bool = True) -> bytes:
    """The secret of the course at ``course_dir``, made now (readable by its owner only) when
    there is none and ``create``; a ValueError when there is none and not ``create``."""
    path = CoursePaths(course_dir).secret
    if not path.exists() and create:
        try:  # two graders starting at once: the first one's secret wins
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    if not path.exists():
        raise ValueError(f"the course has no secret ({path.name}): trainees' data need one")
    text = path.read_text().strip()
    if len(text) < 32:
        raise ValueError(f"the course's secret ({path.name}) is too short: 32 characters or more")
    return text.encode()


def variant(secret: bytes, assignment: str, trainee: str) -> int:
    """The seed of ``trainee``'s data for ``assignment``: an HMAC of both under the course's
    secret, so it cannot be guessed without the secret and never changes with it."""
    if not trainee or not isinstance(trainee, str):
        raise ValueError(f"a trainee id must be a non-empty text, got {trainee!r}")
    message = f"{assignment}\0{trainee}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - VARIANT_BITS)


def _builder(course_dir):
    from cenlab.course.data import course_builder

    return course_builder(course_dir)


def is_personal(course_dir, assignment: str) -> bool:
    """True when the course's ``build_data.py`` builds ``assignment``'s data per trainee
    (its ``build`` takes ``variant``)."""
    module = _builder(course_dir)
    if module is None or assignment not in getattr(module, "ASSIGNMENTS", ()):
        return False
    return "variant" in inspect.signature(module.build).parameters


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_variant(course_dir, assignment: str, variant_seed: int, out) -> list[Path]:
    """Write the data files of ``assignment`` for ``variant_seed`` into ``out``."""
    module = _builder(course_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [Path(p) for p in module.build(assignment, out, variant=variant_seed)]


def build_for(
    course_dir, assignment: str, trainee: str, out, *, secret=None, course: str | None = None
) -> list[Path]:
    """Write ``trainee``'s data files for ``assignment`` into ``out``, with the stamp; returns
    the data files. ``secret`` defaults to the course's own (made when missing); ``course``, the
    course's name in the stamp, to its nbgrader ``course_id`` (else the folder's name; a
    grader's private copy passes the real one): ``my_data`` compares it with the notebook's."""
    if not is_personal(course_dir, assignment):
        raise ValueError(f"{assignment} has no personal data: its build_data.py takes no variant")
    secret = course_secret(course_dir) if secret is None else secret
    files = build_variant(course_dir, assignment, variant(secret, assignment, trainee), out)
    write_stamp(out, course=course or _course_name(course_dir), assignment=assignment,
                trainee=trainee, files=files)  # fmt: skip
    return files


def _course_name(course_dir) -> str:
    from cenlab.course.paths import course_id

    if CoursePaths(course_dir).config.exists():
        return course_id(course_dir) or Path(course_dir).name
    return Path(course_dir).name


def changed_files(folder, stamp: dict) -> list[str]:
    """The files of ``stamp`` that are missing from ``folder`` or differ from what was made."""
    out = []
    for name, sha in sorted(stamp["files"].items()):
        path = Path(folder) / str(name)
        if not path.is_file() or digest(path) != sha:
            out.append(str(name))
    return out


def keep_aside(path, suffix: str = ".edited") -> Path:
    """Rename what a trainee changed, ``path``, to ``<name><suffix>`` (``<suffix>-2``, ``-3``,
    ... when taken) before a fresh copy takes its place; the new path. Nothing they wrote is
    lost."""
    path = Path(path)
    kept, n = path.with_name(path.name + suffix), 1
    while kept.exists() or kept.is_symlink():
        n += 1
        kept = path.with_name(f"{path.name}{suffix}-{n}")
    path.rename(kept)
    return kept


def write_stamp(folder, *, course: str, assignment: str, trainee: str, files) -> Path:
    stamp = {
        "course": course,
        "assignment": assignment,
        "trainee": trainee,
        "files": {Path(f).name: digest(f) for f in files},
    }
    path = Path(folder) / STAMP
    path.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n")
    return path


def read_stamp(folder) -> dict | None:
    """The stamp of ``folder``, or None when it has none or it is not a stamp."""
    try:
        stamp = json.loads((Path(folder) / STAMP).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or not isinstance(stamp.get("files"), dict):
        return None
    return stamp


def add_trainees_option(parser, *, help: str) -> None:
    """``--trainees N`` of both check commands (``cenlab course check``, ``python -m cenlab.course
    check``)."""
    parser.add_argument("--trainees", type=_trainee_count, metavar="N", help=help)


def _trainee_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"should be a whole number, not {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"should be 1 or more, not {n}")
    return n
