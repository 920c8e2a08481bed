"""A private /tmp and /dev/shm for a trainee's server: its own mount namespace with two tmpfs.

Used by ``spawner.CenlabSpawner`` in the server's process, as root, right before it becomes the
trainee. Standard library only (``private_tmp_works`` runs it once in a fresh Python to learn
whether the machine allows it; some containers do not).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 1 << 18
_libc = ctypes.CDLL(None, use_errno=True)


def private_tmp(size: int, keep=()) -> None:
    """Give the calling process (root) its own mount namespace with a fresh tmpfs of ``size``
    bytes on /tmp and another on /dev/shm; folders in ``keep`` (the hub's state folder, if a
    host put it under /tmp) stay visible at their paths. Called in the server's process before
    it becomes the trainee; nothing in it may allocate much or take locks (it runs after a
    fork)."""

    def check(ret: int, what: str) -> None:
        if ret != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")

    check(_libc.unshare(CLONE_NEWNS), "unshare")
    # Nothing mounted here may show outside, nor the other way round.
    check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    held = [(path, os.open(path, os.O_PATH)) for path in keep if os.path.isdir(path)]
    for target in (b"/tmp", b"/dev/shm"):
        if os.path.isdir(target):
            opts = f"size={size},mode=1777".encode()
            check(_libc.mount(b"tmpfs", target, b"tmpfs", MS_NOSUID | MS_NODEV, opts), "mount")
    for path, fd in held:
        os.makedirs(path, exist_ok=True)
        source = f"/proc/self/fd/{fd}".encode()
        check(_libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), "mount --bind")
        os.close(fd)


def under_tmp(path: str) -> bool:
    real = os.path.realpath(path) if path else ""
    return any(real == d or real.startswith(d + "/") for d in ("/tmp", "/dev/shm"))


PROBE = (
    "import sys; sys.path.insert(0, sys.argv[1]); from cenlab_hub.namespaces import private_tmp; "
    "private_tmp(1 << 20)"
)


def private_tmp_works() -> str | None:
    """None if this machine lets the hub make private /tmp folders, else why not."""
    here = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", PROBE, here], capture_output=True, text=True, timeout=30
    )
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]
