"""Login codes: one secret code per person on the roster, handed out on paper by the host and
reusable for the whole workshop (it is a password, not a one-time code).

The hub keeps only a salted scrypt hash of each code (``codes.json``, mode 0600, readable by
root alone); the plain codes are written once to a file for the host to print (also mode 0600).
Nobody can claim an account by logging in first: without the code, a login is refused.
Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

# No 0/O, 1/l/I: codes are read from paper and typed by people in a hurry.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
GROUPS, GROUP_LEN = 3, 4  # "k7mq-2wzt-9hxa": 31**12, about 59 bits
# scrypt cost: about 20 ms a login on a small machine, far too slow to guess 59 bits.
N, R, P = 2**14, 8, 1


def new_code() -> str:
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS)
    )


def normalise(code: str) -> str:
    """What people type: any case, spaces or no dashes all mean the same code."""
    kept = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(kept[i : i + GROUP_LEN] for i in range(0, len(kept), GROUP_LEN))


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(normalise(code).encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify(code: str, stored: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    expected = hash_code(code, base64.b64decode(salt)).split("$")[2]
    return hmac.compare_digest(expected, digest)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, mode 0600 from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CodeStore:
    """username -> hash of that user's code, in a JSON file only root can read."""

    def __init__(self, path):
        self.path = Path(path)

    def load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def save(self, hashes: dict[str, str]) -> None:
        _write_private(self.path, json.dumps(hashes, indent=1, sort_keys=True) + "\n")


def write_codes_sheet(path, rows) -> None:
    """The sheet the host prints and cuts into slips: user name, full name, code."""
    lines = ["username,full_name,code"] + [f"{u},{n},{c}" for u, n, c in rows]
    _write_private(Path(path), "\n".join(lines) + "\n")
