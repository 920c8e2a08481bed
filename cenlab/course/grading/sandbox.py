"""The grader accounts: who runs trainees' code when root grades.

Kernels always start in bubblewrap (``bubble``). When ``cenlab course grade`` runs as root, each
grading worker also takes a grader account of its own (``reserved_accounts``: no home, no login,
no groups, held by a lock so that two gradings at once never share one), and its kernels run as
that account; ``kill_processes_of`` clears whatever is left of the account's processes when a
notebook runs past its time limit. Without root, kernels run in bubblewrap as whoever grades
(the hub's grader account).
"""

from __future__ import annotations

import fcntl
import os
import pwd
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCOUNT_PREFIX = "cenlab-grader"
LOCKS = "/run/lock" if os.path.isdir("/run/lock") else tempfile.gettempdir()
MAX_BUSY = 32  # grader accounts in use by other grading runs, at most, before giving up


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


def _account(name: str) -> Account:
    """The system account ``name`` (no home, no login shell), created when missing."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        cmd = ["useradd", "--system", "--user-group", "--no-create-home"]
        cmd += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            why = done.stderr.strip()
            raise OSError(f"could not create the grader account {name}: {why}") from None
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise ValueError(f"the grader account {name} is privileged (uid or gid 0)")
    return Account(name, entry.pw_uid, entry.pw_gid)


@contextmanager
def reserved_accounts(n: int, prefix: str = ACCOUNT_PREFIX):
    """``n`` grader accounts that no other grading run on this machine uses until the block
    ends: the first free ones of ``<prefix>1``, ``<prefix>2``, ... (created when missing),
    each held by a lock file. Two courses graded at once thus never share an account, and
    clearing one account's processes never stops the other run's kernels."""
    held: list[int] = []
    accounts: list[Account] = []
    try:
        for k in range(1, n + MAX_BUSY + 1):
            if len(accounts) == n:
                break
            fd = os.open(os.path.join(LOCKS, f"{prefix}{k}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            held.append(fd)
            accounts.append(_account(f"{prefix}{k}"))
        if len(accounts) < n:
            raise OSError(f"more than {MAX_BUSY} grader accounts are in use by other gradings")
        yield accounts
    finally:
        for fd in held:
            os.close(fd)


def processes_of(uid: int) -> list[int]:
    """Process ids whose real user id is ``uid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if int(line.split()[1]) == uid:
                    pids.append(int(entry.name))
                break
    return pids


def kill_processes_of(uid: int, *, attempts: int = 20) -> int:
    """SIGKILL every process of ``uid`` (a kernel and whatever it left behind); return how
    many were found. Never called with a uid that is not a grader account's."""
    if uid == 0 or uid == os.getuid():
        raise ValueError("refusing to kill the processes of a privileged account")
    found = 0
    for _ in range(attempts):
        pids = processes_of(uid)
        if not pids:
            break
        found = max(found, len(pids))
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    return found
