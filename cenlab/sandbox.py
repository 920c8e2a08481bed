"""Run a trainee's kernel as an unprivileged account that sees only its own work.

nbgrader's autograde starts each submission's kernel as whoever runs it, so a submitted cell can
read or change the instructor's files and gradebook. ``cenlab course grade`` starts every kernel
through this module instead (``python -m cenlab.sandbox SPEC -- KERNEL-COMMAND``). Still root, the
launcher

1. moves into a private mount namespace and lays an empty, read-only tmpfs over the folders the
   trainee has no business in: the instructor's home, the course folder (gradebook, solutions,
   other trainees' work), the grading scratch folder, ``/home``, ``/tmp``, ``/var/tmp`` and
   ``/dev/shm``; then binds back only what the kernel needs: its own working copy and the
   Python installation;
2. hands the kernel's connection file to the account, sets resource limits (memory, file size,
   processes, no core dumps) and forbids regaining privileges (``PR_SET_NO_NEW_PRIVS``);
3. drops to the grader account (no supplementary groups) and executes the kernel in its working
   copy, with a scrubbed environment (no tokens of the instructor's session).

Where mount namespaces are not permitted (some containers), step 1 is skipped and file
permissions alone keep the account out. This module imports nothing outside the standard
library: it runs once per kernel start.
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCOUNT_PREFIX = "cenlab-grader"
HIDDEN = ("/home", "/tmp", "/var/tmp", "/dev/shm")
ENV_KEEP = ("PATH", "PYTHONPATH", "LANG", "TZ", "TERM", "MPLBACKEND")
ENV_PREFIXES = ("LC_", "JPY_", "NBGRADER_", "OMP_", "OPENBLAS_", "MKL_", "PYDEVD_")
DEFAULT_LIMITS = {"memory_mb": 4096, "file_mb": 512, "processes": 512}

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
_MS_RDONLY = 1
_PR_SET_NO_NEW_PRIVS = 38


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


def ensure_accounts(n: int, prefix: str = ACCOUNT_PREFIX) -> list[Account]:
    """``n`` system accounts ``<prefix>1`` .. ``<prefix>n`` (no home, no login shell), created
    when missing; one per grading worker, so that one trainee's code cannot signal the kernel
    of another trainee graded at the same time."""
    out = []
    for k in range(1, n + 1):
        name = f"{prefix}{k}"
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
        out.append(Account(name, entry.pw_uid, entry.pw_gid))
    return out


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
    return [sys.executable, "-m", "cenlab.sandbox", str(path), "--"]


def python_paths() -> list[str]:
    """Where this Python and its packages live: bound back into the kernel's view."""
    out = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    out.add(str(Path(os.path.realpath(sys.executable)).parent.parent))
    out.add(str(Path(__file__).resolve().parent.parent))  # the cenlab package's folder
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


# --- the launcher (runs as root, once per kernel) ------------------------------------------


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(libc, source, target, fstype, flags, data=None) -> None:
    enc = [None if x is None else x.encode() for x in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _under(path: str, root: str) -> bool:
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
        if os.path.isdir(path) and not any(_under(path, h) for h in hidden):
            hidden.append(path)
    covered = [k for k in sorted(set(keep), key=len) if any(_under(k, h) for h in hidden)]
    fds = {k: os.open(k, os.O_PATH | os.O_DIRECTORY) for k in covered if os.path.isdir(k)}
    for path in hidden:
        _mount(libc, "tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
    for path, fd in fds.items():
        os.makedirs(path, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        os.close(fd)
    for path in hidden:  # read-only from here on, even for root
        flags = _MS_BIND | _MS_RDONLY | 32 | _MS_NOSUID | _MS_NODEV  # 32 = MS_REMOUNT
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
    spec = json.loads(Path(spec_path).read_text())
    work, uid, gid = spec["workdir"], spec["uid"], spec["gid"]
    connection = None
    if "-f" in cmd:
        i = cmd.index("-f") + 1
        connection = Path(cmd[i]).read_bytes()
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


# --- the grading worker (runs as root in a pool process; the kernel runs in the sandbox) -----

_ACCOUNT: Account | None = None  # this worker's grader account, set by init_worker
_RUN: dict = {}  # the current task's settings, read by the executor
EVENTS: list[tuple[str, str]] = []  # (status, message) met while executing the current task
_EXECUTE = None


def init_worker(accounts) -> None:
    """Pool initializer: take one grader account from the queue for this worker's lifetime."""
    global _ACCOUNT
    _ACCOUNT = accounts.get()


def _error(ename: str, message: str):
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def _cell_name(cell, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"number {index + 1}"


def _outside_folder(out, run_dir: str) -> bool:
    """An error raised because a cell reached for files outside its own folder."""
    text = f"{out.get('ename')}: {out.get('evalue')}"
    if out.get("ename") == "PermissionError" or "Read-only file system" in text:
        return True
    if out.get("ename") == "FileNotFoundError":
        paths = re.findall(r"'(/[^']*)'", text)
        return any(not _under(p, run_dir) for p in paths)
    return False


def executor_class():
    """nbgrader's Execute preprocessor, made to start the kernel through the launcher, cap
    each cell's output, and turn a dead kernel into a per-trainee status instead of a crash."""
    global _EXECUTE
    if _EXECUTE is not None:
        return _EXECUTE
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import DeadKernelError
    from nbformat.v4 import new_output
    from nbgrader.preprocessors import Execute

    class SandboxKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            return [*_RUN["prefix"], *cmd] if _RUN.get("prefix") else cmd

    class SandboxExecute(Execute):
        def create_kernel_manager(self):
            self.kernel_manager_class = SandboxKernelManager
            return super().create_kernel_manager()

        def preprocess(self, nb, resources=None, km=None):
            self._stopped = None
            if _RUN.get("run_dir"):
                resources["metadata"]["path"] = _prepare_run_dir(resources["metadata"]["path"])
            try:
                return super().preprocess(nb, resources, km)
            except DeadKernelError:  # died before running a single cell
                self._stopped = "its first cell"
                for cell in nb.cells:
                    if cell.cell_type == "code":
                        self._not_run(cell)
                EVENTS.append(("kernel-died", "Python stopped before the first cell ran"))
                return nb, resources

        def _not_run(self, cell):
            msg = f"not run: Python stopped in cell {self._stopped}"
            cell.outputs = [_error("NotRun", msg)]

        async def _async_handle_timeout(self, timeout, cell=None):
            self._timed_out = True
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            data = content.get("data", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in data.values())
            self._out_bytes += size
            if self._out_bytes > _RUN.get("max_output_bytes", 10**6):
                self._capped = True
                return None
            return super().output(outs, msg, display_id, cell_index)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return cell, resources
            name = _cell_name(cell, index)
            if self._stopped:
                self._not_run(cell)
                return cell, resources
            self._out_bytes, self._capped, self._timed_out = 0, False, False
            try:
                cell, resources = super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._stopped = name
                cell.outputs.append(_error("KernelDied", "Python stopped in this cell"))
                EVENTS.append(
                    (
                        "kernel-died",
                        f"cell {name} stopped Python (os._exit, exit() or a crash); the "
                        "cells after it were not run and score 0",
                    )
                )
                return cell, resources
            self._note(cell, name)
            return cell, resources

        def _note(self, cell, name):
            limit = _RUN.get("max_output_bytes", 10**6)
            if self._capped:
                note = f"\n... output cut: this cell printed more than {limit:,} bytes ...\n"
                cell.outputs.append(new_output("stream", name="stdout", text=note))
                EVENTS.append(
                    ("output-limited", f"cell {name} printed more than {limit:,} bytes; cut")
                )
            if self._timed_out:
                EVENTS.append(
                    (
                        "timeout",
                        f"cell {name} ran longer than the {self.timeout} s limit and was "
                        "stopped (an endless loop?)",
                    )
                )
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            if any(o.get("ename") == "SystemExit" for o in errors):
                EVENTS.append(("exited", f"cell {name} called sys.exit(); grading went on"))
            run_dir = _RUN.get("run_dir") or ""
            for out in errors:
                if _outside_folder(out, run_dir):
                    what = f"{out.get('ename')}: {out.get('evalue')}"[:160]
                    msg = f"cell {name} reached outside its folder and was stopped ({what})"
                    EVENTS.append(("blocked", msg))
                    break

    _EXECUTE = SandboxExecute
    return _EXECUTE


def _prepare_run_dir(src: str) -> str:
    """A fresh working copy of the assignment's files (not the notebooks) that only the grader
    account may write: the kernel's folder."""
    run = Path(_RUN["run_dir"])
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(src, run, ignore=shutil.ignore_patterns("*.ipynb"), symlinks=False)
    account = _RUN["account"]
    for folder, dirs, files in os.walk(run):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, account.uid, account.gid)
    run.chmod(0o700)
    return str(run)


def grade_task(task: dict) -> dict:
    """Autograde one trainee's vetted submission in its private course copy (own gradebook),
    the kernel confined to the sandbox; return what happened. Runs in a pool worker."""
    import threading
    import warnings

    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from cenlab.course import _with_tools_on_path, load_config

    EVENTS.clear()
    _RUN.clear()
    started = time.perf_counter()
    account = _ACCOUNT if task["sandbox"] else None
    if account is not None:
        kill_processes_of(account.uid)
        spec = Path(task["private"]) / "launcher.json"
        prefix = write_spec(
            spec,
            account=account,
            workdir=task["run_dir"],
            hide=task["hide"],
            namespace=task["namespace"],
            limits=task["limits"],
        )
        _RUN.update(prefix=prefix, run_dir=task["run_dir"], account=account)
    _RUN["max_output_bytes"] = task["max_output_bytes"]
    _with_tools_on_path()
    cfg = Config(load_config(task["course_dir"]))
    root = Path(task["private"]) / "course"
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    cfg.Autograde.autograde_preprocessors = _autograde_preprocessors()
    overtime = threading.Event()

    def stop():
        overtime.set()
        if account is not None:
            kill_processes_of(account.uid)

    timer = threading.Timer(task["notebook_timeout"], stop)
    timer.start()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not in session.*")
            api = NbGraderAPI(config=cfg)
            outcome = api.autograde(task["assignment"], task["student"], force=True, create=True)
    finally:
        timer.cancel()
        if account is not None:
            kill_processes_of(account.uid)
    events = list(EVENTS)
    if overtime.is_set():
        limit = task["notebook_timeout"]
        events = [e for e in events if e[0] != "kernel-died"]
        events.append(("timeout", f"the notebook ran longer than {limit} s in all and was stopped"))
    log = "\n".join(x for x in (outcome.get("log"), outcome.get("error")) if x).strip()
    return {
        "student": task["student"],
        "success": bool(outcome["success"]),
        "log": "" if outcome["success"] else log[-3000:],
        "events": events,
        "seconds": time.perf_counter() - started,
    }


def _autograde_preprocessors() -> list:
    """nbgrader's own autograde pipeline with its Execute step replaced."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    default = Autograde().autograde_preprocessors
    return [executor_class() if p is Execute else p for p in default]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m cenlab.sandbox SPEC -- COMMAND...", file=sys.stderr)
        return 2
    launch(argv[0], argv[2:])
    return 1  # not reached: launch replaces the process


if __name__ == "__main__":
    sys.exit(main())
