"""Start one trainee's kernel as an unprivileged account that sees only its own work.

``cenlab course grade`` starts every kernel through this launcher, which runs as root, once per
kernel (``python -I -S launcher.py SPEC -- KERNEL-COMMAND``, see
``cenlab.course.grading.sandbox.write_spec``):

1. it moves into a private mount namespace and lays an empty, read-only tmpfs over the folders
   the trainee has no business in: the instructor's home, the course folder (gradebook,
   solutions, other trainees' work), the grading scratch folder, ``/home``, ``/tmp``,
   ``/var/tmp`` and ``/dev/shm``; then binds back only what the kernel needs: its own working
   copy and the Python installation;
2. it hands the kernel's connection file to the account, sets resource limits (memory, file
   size, processes, no core dumps) and forbids regaining privileges (``PR_SET_NO_NEW_PRIVS``);
3. it drops to the grader account (no supplementary groups) and replaces itself by the kernel,
   in the kernel's working copy, with a scrubbed environment (no tokens of the instructor's
   session).

Where mount namespaces are not permitted (some containers), step 1 is skipped and file
permissions alone keep the account out. The launcher imports a few standard modules only and
runs without ``site``, so that it adds little to each kernel's start.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys

ENV_KEEP = ("PATH", "PYTHONPATH", "LANG", "TZ", "TERM", "MPLBACKEND")
ENV_PREFIXES = ("LC_", "JPY_", "NBGRADER_", "OMP_", "OPENBLAS_", "MKL_", "PYDEVD_")

_CLONE_NEWNS = 0x00020000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT = 1, 2, 4, 32
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_PR_SET_NO_NEW_PRIVS = 38


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(libc, source, target, fstype, flags, data=None) -> None:
    enc = [None if x is None else x.encode() for x in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def under(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or lies inside it (both absolute, normalised)."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def private_view(hide, keep) -> None:
    """In a new mount namespace: cover each ``hide`` folder with an empty read-only tmpfs,
    then bind each ``keep`` folder that was covered back at its own path."""
    libc = _libc()
    if libc.unshare(_CLONE_NEWNS) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
    hidden: list[str] = []
    for path in sorted(hide, key=len):
        if os.path.isdir(path) and not any(under(path, h) for h in hidden):
            hidden.append(path)
    covered = [k for k in sorted(set(keep), key=len) if any(under(k, h) for h in hidden)]
    fds = {k: os.open(k, os.O_PATH | os.O_DIRECTORY) for k in covered if os.path.isdir(k)}
    for path in hidden:
        _mount(libc, "tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
    for path, fd in fds.items():
        os.makedirs(path, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        os.close(fd)
    for path in hidden:  # read-only from here on, even for root
        flags = _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
        _mount(libc, None, path, None, flags)


def _limit(spec) -> None:
    lim = spec["limits"]
    mb = 1024 * 1024
    pairs = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_AS, lim.get("memory_mb") and lim["memory_mb"] * mb),
        (resource.RLIMIT_FSIZE, lim.get("file_mb") and lim["file_mb"] * mb),
        (resource.RLIMIT_NPROC, lim.get("processes")),
    ]
    for which, value in pairs:
        if value:
            resource.setrlimit(which, (value, value))
    if _libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError("prctl(PR_SET_NO_NEW_PRIVS) failed")


def kernel_env(spec) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ENV_KEEP or k.startswith(ENV_PREFIXES)}
    work = spec["workdir"]
    env.update(HOME=work, USER=spec["user"], LOGNAME=spec["user"])
    env.update(IPYTHONDIR=f"{work}/.ipython", MPLCONFIGDIR=f"{work}/.matplotlib")
    env.setdefault("PATH", "/usr/bin:/bin")
    return env


def launch(spec_path: str, cmd: list[str]) -> None:
    """Set up the sandbox described in ``spec_path`` and replace this process by ``cmd``."""
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    work, uid, gid = spec["workdir"], spec["uid"], spec["gid"]
    connection = None
    if "-f" in cmd:
        i = cmd.index("-f") + 1
        with open(cmd[i], "rb") as fh:
            connection = fh.read()
        cmd[i] = f"{work}/.kernel-connection.json"
    if spec["namespace"]:
        private_view(spec["hide"], spec["keep"])
    if connection is not None:
        fd = os.open(cmd[cmd.index("-f") + 1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, connection)
        os.fchown(fd, uid, gid)
        os.close(fd)
    _limit(spec)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise OSError("could not drop root privileges")
    os.chdir(work)
    os.umask(0o077)
    if spec.get("quiet"):
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
    os.execve(cmd[0], cmd, kernel_env(spec))


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python launcher.py SPEC -- COMMAND...", file=sys.stderr)
        return 2
    launch(argv[0], argv[2:])
    return 1  # not reached: launch replaces the process


if __name__ == "__main__":
    sys.exit(main())
