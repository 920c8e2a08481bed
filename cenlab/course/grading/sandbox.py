"""The grader accounts and the kernel sandbox: who runs trainees' code, and how it is started.

nbgrader's autograde starts each submission's kernel as whoever runs it, so a submitted cell can
read or change the instructor's files and gradebook. ``cenlab course grade`` runs every kernel
as a grader account instead (``ensure_accounts``: one per grading worker, no home, no login, no
groups), started through the launcher (``cenlab.course.grading.launcher``): ``write_spec``
writes the launcher's instructions (the account, the kernel's working copy, the folders to
hide, the limits) and returns the command prefix that starts a kernel through it; ``probe``
checks that the account can start this Python at all. ``kill_processes_of`` clears whatever a
kernel left behind before the account grades the next trainee.

``python -m cenlab.course.grading.launcher SPEC -- COMMAND`` runs the launcher too.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cenlab.course.grading.launcher import kernel_env, launch, main, private_view  # noqa: F401 - public API
from cenlab.course.grading.settings import CenlabGrader

ACCOUNT_PREFIX = "cenlab-grader"
HIDDEN = ("/home", "/tmp", "/var/tmp", "/dev/shm")
DEFAULT_LIMITS = CenlabGrader().kernel_limits()
LAUNCHER = str(Path(__file__).resolve().parent / "launcher.py")
PACKAGE = Path(__file__).resolve().parents[2]  # the cenlab package's own folder
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


def ensure_accounts(n: int, prefix: str = ACCOUNT_PREFIX) -> list[Account]:
    """``n`` system accounts ``<prefix>1`` .. ``<prefix>n`` (no home, no login shell), created
    when missing; one per grading worker, so that one trainee's code cannot signal the kernel
    of another trainee graded at the same time."""
    return [_account(f"{prefix}{k}") for k in range(1, n + 1)]


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


def write_spec(
    path, *, account: Account, workdir, hide=(), keep=(), namespace=True, limits=None, quiet=True
):
    """Write the launcher's instructions (root-only readable) and return the command prefix
    that runs a kernel command through the launcher. ``quiet`` sends the kernel's own stdout
    and stderr (not the cells' output) to /dev/null, away from the instructor's terminal."""
    spec = {
        "uid": account.uid,
        "gid": account.gid,
        "user": account.name,
        "workdir": str(workdir),
        "hide": sorted({str(p) for p in [*HIDDEN, *hide]}),
        "keep": sorted({str(p) for p in [workdir, *python_paths(), *keep]}),
        "namespace": bool(namespace),
        "limits": {**DEFAULT_LIMITS, **(limits or {})},
        "quiet": bool(quiet),
    }
    path = Path(path)
    path.write_text(json.dumps(spec, indent=1))
    path.chmod(0o600)
    # -I -S: the launcher needs no site-packages, environment or user site: it starts faster.
    return [sys.executable, "-I", "-S", LAUNCHER, str(path), "--"]


def python_paths() -> list[str]:
    """Where this Python and its packages live: bound back into the kernel's view."""
    out = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    out.add(str(Path(os.path.realpath(sys.executable)).parent.parent))
    out.add(str(PACKAGE))  # the package alone: an editable install finds it there
    out |= {p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p}
    return sorted(os.path.realpath(p) for p in out)


def probe(prefix: list[str]) -> str | None:
    """Start Python through the launcher and import what a kernel needs; the error, or None."""
    code = "import ipykernel, os; assert os.getuid() != 0"
    done = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def hidden_folders(course_dir: Path, scratch: Path) -> list[str]:
    """What kernels must not see, besides ``HIDDEN``: the homes of root and of the instructor,
    the course folder, the grading scratch folder and the project checkout, if any."""
    homes = {str(Path.home()), "/root"}
    if os.environ.get("SUDO_USER"):
        homes.add(os.path.expanduser(f"~{os.environ['SUDO_USER']}"))
    found = homes | {str(course_dir), str(scratch)}
    if (repo := checkout()) is not None:
        found.add(str(repo))
    return sorted(found)


def checkout() -> Path | None:
    """The project checkout around the package when it is installed editable (``make venv``):
    it holds every course's solutions, so kernels see only the package folder of it."""
    root = PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "courses").is_dir():
        return root
    return None


def namespace_works(account: Account, scratch: Path, hide: list[str], limits: dict) -> bool:
    """Whether the launcher can give kernels a private mount namespace here (else file
    permissions alone keep them out); an error if ``account`` cannot start this Python."""
    probe_dir = scratch / "probe"
    probe_dir.mkdir()
    os.chown(probe_dir, account.uid, account.gid)
    errors = []
    for namespace in (True, False):
        prefix = write_spec(
            scratch / "probe.json",
            account=account,
            workdir=probe_dir,
            hide=hide,
            namespace=namespace,
            limits=limits,
            quiet=False,
        )
        error = probe(prefix)
        if error is None:
            return namespace
        errors.append(error)
    raise ValueError(
        f"the grader account {account.name} cannot start this Python ({errors[-1]}); "
        "grade from a Python environment that other users can read (see docs/instructors.md)"
    )


if __name__ == "__main__":
    sys.exit(main())
