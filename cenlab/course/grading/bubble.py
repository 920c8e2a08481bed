"""Start a trainee's kernel inside bubblewrap: an empty root with only what the kernel needs.

``command(workdir=..., limits=...)`` returns the command prefix that runs a kernel command
(``[sys.executable, "-m", "ipykernel_launcher", "-f", CONNECTION]``) confined by ``bwrap``:

- new user, PID, network, IPC, UTS and cgroup namespaces; no capabilities; no nested user
  namespaces; a new session; SIGKILL when the process that started it dies. bwrap is the PID
  namespace's init: when the kernel ends, so does everything it started, detached or not;
- an empty, read-only root holding only what is bound: the system folders (``/usr`` and its
  merged-usr links), a few ``/etc`` files, this Python installation (``python_paths``: the
  prefixes, the site-packages folders and the cenlab package folder alone, never the checkout
  around an editable install, which holds every course's solutions), the ``readonly`` paths;
  read-write only the working folder and the ``writable`` paths; a fresh ``/proc``, a minimal
  ``/dev`` and a small ``/tmp``. No ``/home``, ``/root``, ``/run``, ``/var``, ``/srv``, ...;
- a scrubbed environment: only ``env`` and HOME, PATH, LANG, MPLBACKEND, IPYTHONDIR and
  MPLCONFIGDIR, all inside the working folder;
- resource limits set by util-linux ``prlimit`` just before the kernel starts (address space,
  CPU time, processes, file size, no core dumps), inherited by all it starts.

Given ``uid`` and ``gid`` (we are root, grading as a grader account), bwrap runs as that
account (``setpriv``). A bound path that account cannot reach (a Python under ``/root``) is
first made reachable in a private mount namespace of root's: the folder in the way is covered
by an empty tmpfs and the bound paths under it bound back, nothing else.

With a network namespace, TCP on 127.0.0.1 does not reach the grader: ``kernel_manager`` gives
a jupyter_client ``AsyncKernelManager`` that talks to the kernel over IPC sockets in a folder
bound writable into the sandbox. ``probe`` says in one line why a sandbox cannot start here.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cenlab

PACKAGE = Path(cenlab.__file__).resolve().parent  # the package alone, not the checkout
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
ETC_PATHS = ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives")
# The CPU topology, read-only: without it joblib (scikit-learn) warns on stderr that it cannot
# count physical cores, and nbgrader scores a test cell that wrote to stderr 0.
SYS_PATHS = ("/sys/devices/system/cpu",)
TMP_BYTES = 64 * 1024 * 1024
MAX_COVERED = 7  # fds 3..9: what a POSIX shell can open by number
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes; "-<port>" follows the kernel's ip
MB = 1024 * 1024
SITE = "/cenlab-site"  # the package is also bound at SITE/cenlab, first on the kernel's sys.path
UNSHARE = [shutil.which("unshare") or "unshare", "--mount", "--propagation", "private", "--"]


@dataclass(frozen=True)
class Limits:
    """What one kernel may use: address space (MB), CPU time (s), processes and threads of
    the sandbox's account, and the largest file it may write (MB)."""

    memory_mb: int = 4096
    cpu_seconds: int = 600
    processes: int = 256
    file_mb: int = 512

    def prlimit(self) -> list[str]:
        """The ``prlimit`` command that sets these limits (soft = hard) on what follows it."""
        tool = shutil.which("prlimit") or "/usr/bin/prlimit"
        return [
            tool,
            f"--as={self.memory_mb * MB}",
            f"--cpu={self.cpu_seconds}",
            f"--nproc={self.processes}",
            f"--fsize={self.file_mb * MB}",
            "--core=0",
            "--",
        ]


def python_paths() -> list[str]:
    """Where this Python and its packages live, bound read-only: the prefixes and every
    site-packages folder on ``sys.path``. The cenlab package is bound apart, at ``SITE``."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    found.add(str(Path(os.path.realpath(sys.executable)).parent.parent))
    found |= {p for p in sys.path if p and Path(p).name in ("site-packages", "dist-packages")}
    return outermost(p for p in found if os.path.isdir(p))


def outermost(paths) -> list[str]:
    """The real paths of ``paths`` with those inside another one left out, shortest first."""
    kept: list[str] = []
    for path in sorted({os.path.realpath(p) for p in paths}, key=lambda p: (p.count("/"), p)):
        if not any(_under(path, k) for k in kept):
            kept.append(path)
    return kept


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _system_args() -> list[str]:
    """The system folders (merged-usr links made as links), the /etc files, /proc, /dev, /tmp."""
    args: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in (*ETC_PATHS, *SYS_PATHS):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    return args


def _bind_args(*, writable, readonly) -> list[str]:
    """Bind arguments, outer folders before the folders inside them."""
    modes = {os.path.realpath(p): "--ro-bind" for p in readonly}
    modes.update({os.path.realpath(p): "--bind" for p in writable})
    args: list[str] = []
    for path in sorted(modes, key=lambda p: (p.count("/"), p)):
        if not os.path.exists(path):
            raise FileNotFoundError(f"cannot bind {path} into the sandbox: it does not exist")
        args += [modes[path], path, path]
    return args


def kernel_env(*, workdir: str, env: dict | None = None) -> dict[str, str]:
    """The kernel's whole environment: ``env`` over the defaults, all inside ``workdir``."""
    path = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
    out = {"HOME": workdir, "PATH": path, "LANG": "C.UTF-8", "MPLBACKEND": "agg"}
    out["PYTHONPATH"] = SITE  # this cenlab, however it is installed (editable, a worktree)
    out.update(IPYTHONDIR=f"{workdir}/.ipython", MPLCONFIGDIR=f"{workdir}/.matplotlib")
    out.update({str(k): str(v) for k, v in (env or {}).items()})
    return out


def _env_args(env: dict[str, str]) -> list[str]:
    args = ["--clearenv"]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args


def _bwrap(*, workdir: str, binds: list[str], env: dict[str, str]) -> list[str]:
    head = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--unshare-user"]
    head += ["--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    head += ["--hostname", "sandbox"]
    tail = ["--remount-ro", "/", *_env_args(env), "--chdir", workdir, "--"]
    site = ["--ro-bind", str(PACKAGE), f"{SITE}/cenlab"]
    return [*head, *_system_args(), *binds, *site, *tail]


def _blocked_ancestor(path: str) -> str | None:
    """The outermost folder above ``path`` that other accounts may not enter, if any."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        folder = os.path.join(*parts[:i])
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def _reach_stage(paths: list[str]) -> list[str]:
    """Root's private mount namespace in which ``paths`` become reachable by any account:
    each folder in their way is covered by an empty tmpfs and the paths under it bound back."""
    blocked = outermost(b for p in paths if (b := _blocked_ancestor(p)))
    if not blocked:
        return []
    back = outermost(p for p in paths if any(_under(p, b) for b in blocked))
    if len(back) > MAX_COVERED:
        raise ValueError(
            f"more than {MAX_COVERED} bound paths lie in folders other users cannot enter"
        )
    return [*UNSHARE, "/bin/sh", "-c", _reach_script(blocked=blocked, back=back), "sh"]


def _reach_script(*, blocked: list[str], back: list[str]) -> str:
    """Shell lines run as root: open ``back``, cover ``blocked``, bind ``back`` again from the
    open descriptors (``--no-canonicalize``: the path would now name the empty tmpfs), close
    them and run the rest of the command."""
    q, mount = shlex.quote, shutil.which("mount") or "mount"
    lines = ["set -e", "exec " + " ".join(f"{fd}<{q(p)}" for fd, p in enumerate(back, 3))]
    for folder in blocked:
        lines.append(f"{mount} -t tmpfs -o mode=0755,size=1m,nosuid,nodev cenlab {q(folder)}")
    for fd, path in enumerate(back, start=3):
        lines.append(f"mkdir -p {q(path)}")
        lines.append(f"{mount} --no-canonicalize --bind /proc/self/fd/{fd} {q(path)}")
    lines.append("exec " + " ".join(f"{fd}<&-" for fd in range(3, 3 + len(back))))
    lines.append('exec "$@"')
    return "\n".join(lines)


def _drop(*, uid: int | None, gid: int | None) -> list[str]:
    """``setpriv`` to ``uid``/``gid`` (root only), or nothing when we already are that account."""
    if uid is None and gid is None:
        return []
    if uid is None or gid is None:
        raise ValueError("give both uid and gid of the account to run the sandbox as")
    if uid == os.getuid() and gid == os.getgid():
        return []
    if os.geteuid() != 0:
        raise PermissionError(f"only root can start a sandbox as uid {uid}")
    if uid == 0 or gid == 0:
        raise ValueError("the sandbox's account must not be root (uid or gid 0)")
    tool = shutil.which("setpriv") or "setpriv"
    return [tool, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs", "--"]


def command(
    *,
    workdir,
    writable=(),
    readonly=(),
    limits: Limits,
    env: dict | None = None,
    uid: int | None = None,
    gid: int | None = None,
) -> list[str]:
    """The prefix that runs a command in the sandbox: ``workdir`` (its current and home
    folder) and ``writable`` read-write, ``readonly`` and this Python read-only, nothing
    else of the machine; ``limits`` on it and everything it starts; as ``uid``/``gid``."""
    workdir = os.path.realpath(workdir)
    drop = _drop(uid=uid, gid=gid)
    ro = [*python_paths(), *(os.path.realpath(p) for p in readonly)]
    rw = [workdir, *(os.path.realpath(p) for p in writable)]
    binds = _bind_args(writable=rw, readonly=ro)
    reach = _reach_stage([*ro, *rw, str(PACKAGE)]) if drop else []
    bwrap = _bwrap(workdir=workdir, binds=binds, env=kernel_env(workdir=workdir, env=env))
    return [*reach, *drop, *bwrap, *limits.prlimit()]


def probe(
    *,
    workdir,
    limits: Limits | None = None,
    uid: int | None = None,
    gid: int | None = None,
    timeout: float = 60,
) -> str | None:
    """None when a kernel can start in a sandbox here (``import ipykernel`` runs through
    ``command``), else the reason in one line."""
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed: install the Debian package bubblewrap"
    try:
        prefix = command(workdir=workdir, limits=limits or Limits(), uid=uid, gid=gid)
    except (OSError, ValueError) as error:
        return str(error)
    cmd = [*prefix, sys.executable, "-c", "import ipykernel"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return None if done.returncode == 0 else _reason(done)


def _reason(done: subprocess.CompletedProcess) -> str:
    """One line on why the sandboxed ``import ipykernel`` failed."""
    lines = (done.stderr or done.stdout).strip().splitlines()
    last = lines[-1] if lines else f"exit status {done.returncode}"
    if "namespace" in last or "uid map" in last:
        return f"user namespaces are refused here, so bubblewrap cannot start: {last}"
    return f"the sandbox could not start Python: {last}"


_MANAGER: dict = {}


def _manager_class():
    """``AsyncKernelManager`` that starts the kernel behind a prefix and interrupts it by
    message (a signal would reach bwrap, not the kernel in its own session). Built on first
    use, so that importing this module does not import jupyter_client."""
    if "class" in _MANAGER:
        return _MANAGER["class"]
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Int, List, Unicode

    class BubbleKernelManager(AsyncKernelManager):
        prefix = List(Unicode(), help="The sandbox prefix (bubble.command) put before the kernel.")
        owner_uid = Int(-1, help="Account that must read the connection file (-1: ours).")
        owner_gid = Int(-1, help="Group of that account (-1: ours).")

        def format_kernel_cmd(self, extra_arguments=None):
            if self.kernel_spec is not None:
                self.kernel_spec.interrupt_mode = "message"
            return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]

        def write_connection_file(self, **kwargs):
            out = super().write_connection_file(**kwargs)
            if self.owner_uid >= 0:
                os.chown(self.connection_file, self.owner_uid, self.owner_gid)
            return out

    _MANAGER["class"] = BubbleKernelManager
    return BubbleKernelManager


def kernel_manager(
    *, prefix: list[str], folder, uid: int | None = None, gid: int | None = None, **kw
):
    """A jupyter_client ``AsyncKernelManager`` whose kernel starts behind ``prefix`` and talks
    over IPC sockets in ``folder`` (which ``prefix`` must bind writable: pass it in
    ``command``'s ``writable``). ``uid``/``gid``: the sandbox's account, given the folder and
    the connection file. ``kw`` goes to the manager (``kernel_name``, ...)."""
    folder = os.path.realpath(folder)
    if len(f"{folder}/kernel-00000") > MAX_SOCKET_PATH:
        raise ValueError(f"the kernel folder {folder} is too long a path for IPC sockets")
    if not _binds_writable(prefix, folder):
        raise ValueError(f"the sandbox prefix does not bind the kernel folder {folder} writable")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    owner = {}
    if uid is not None and gid is not None:
        os.chown(folder, uid, gid)
        owner = {"owner_uid": uid, "owner_gid": gid}
    return _manager_class()(
        prefix=list(prefix),
        transport="ipc",
        ip=f"{folder}/kernel",
        connection_file=f"{folder}/kernel.json",
        **owner,
        **kw,
    )


def _binds_writable(prefix: list[str], folder: str) -> bool:
    """Whether ``prefix`` binds ``folder``, or a folder around it, read-write at its own path."""
    for i, arg in enumerate(prefix[:-2]):
        if arg == "--bind" and prefix[i + 1] == prefix[i + 2] and _under(folder, prefix[i + 1]):
            return True
    return False
