"""The bubblewrap sandbox (cenlab.course.grading.bubble): what a trainee's kernel can see, write,
reach and use, checked by running Python (and real ipykernel kernels) inside it, as the
current account and, when the tests run as root, as an unprivileged account (nobody)."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from cenlab.course.grading import bubble

NOBODY = 65534
ROOT = os.geteuid() == 0
WHO = {"current": (None, None), "unprivileged": (NOBODY, NOBODY) if ROOT else (None, None)}


@pytest.fixture(scope="module", autouse=True)
def bwrap_works():
    """No skipping: a machine where bubblewrap cannot run fails here with the reason."""
    with tempfile.TemporaryDirectory(prefix="bubble-") as tmp:
        os.chmod(tmp, 0o777)
        for uid, gid in set(WHO.values()):
            why = bubble.probe(workdir=tmp, uid=uid, gid=gid)
            if why is not None:
                pytest.fail(f"bubblewrap sandbox unusable (uid {uid}): {why}")


class Box:
    """Folders for one sandbox, short paths under /tmp (IPC socket paths are limited)."""

    def __init__(self, who: str):
        self.uid, self.gid = WHO[who]
        self.root = Path(tempfile.mkdtemp(prefix="bubble-", dir="/tmp"))
        self.root.chmod(0o755)
        names = ("work", "shared", "data", "other", "grader")
        for name in names:
            (self.root / name).mkdir()
        for name in ("work", "shared", "kernel"):
            self.own(self.root / name)
        (self.root / "data" / "given.csv").write_text("a,b\n1,2\n")
        (self.root / "other" / "answers.txt").write_text("another trainee's work\n")
        (self.root / "grader" / "secret.txt").write_text("the grader's token\n")

    def own(self, path: Path) -> None:
        path.mkdir(exist_ok=True)
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)

    def prefix(self, limits=None, **kw) -> list[str]:
        return bubble.command(
            workdir=self.root / "work",
            writable=[self.root / "shared", *kw.pop("writable", ())],
            readonly=[self.root / "data"],
            limits=limits or bubble.Limits(),
            uid=self.uid,
            gid=self.gid,
            **kw,
        )

    def python(self, code: str, *, limits=None, timeout=60) -> subprocess.CompletedProcess:
        cmd = [*self.prefix(limits), sys.executable, "-c", PRELUDE + code]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)

    def report(self, code: str, **kw):
        """Run ``code`` (which prints one JSON value last) and return that value."""
        done = self.python(code, **kw)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(params=sorted(WHO))
def box(request):
    made = Box(request.param)
    yield made
    shutil.rmtree(made.root, ignore_errors=True)


def checkout() -> Path:
    """The repository around the (editable) package, the one that holds ``courses/``."""
    root = bubble.PACKAGE.parent
    assert (root / "pyproject.toml").is_file(), "these tests expect the editable install"
    return root


def bound_children(folder: str, box: Box) -> set[str]:
    """Names a listing of ``folder`` may show: only those leading to bound paths."""
    bound = [*bubble.python_paths(), str(box.root)]
    rel = [os.path.relpath(p, folder) for p in bound if p.startswith(folder.rstrip("/") + "/")]
    return {r.split("/")[0] for r in rel}


PRELUDE = """
import json, os, sys
def attempt(action, *args):
    try:
        return action(*args)
    except OSError as e:
        return e.errno
"""


def test_the_sandbox_shows_nothing_of_homes_the_checkout_or_other_work(box):
    repo = str(checkout())
    other, grader = str(box.root / "other"), str(box.root / "grader")
    paths = ["/home", "/run", "/run/lock", "/var", "/srv", "/opt", "/mnt", other, grader]
    hidden = [str(Path.home()), "/root", repo, f"{repo}/courses", "/work", "/tmp"]
    code = f"print(json.dumps({{p: attempt(lambda p: sorted(os.listdir(p)), p) for p in {paths + hidden!r}}}))"
    seen = box.report(code)
    for path in paths:
        assert seen[path] == errno.ENOENT, f"{path} is visible: {seen[path]}"
    assert seen[f"{repo}/courses"] == errno.ENOENT
    for path in hidden:
        if seen[path] != errno.ENOENT:
            assert set(seen[path]) <= bound_children(path, box), f"{path} shows {seen[path]}"
    if isinstance(seen[repo], list):  # the checkout may hold the Python installation
        assert "pyproject.toml" not in seen[repo] and "courses" not in seen[repo]
    assert box.root.name in seen["/tmp"]
    assert set(seen["/tmp"]) <= {box.root.name} | bound_children("/tmp", box)


def test_files_outside_the_bound_paths_cannot_be_read(box):
    targets = [
        str(checkout() / "pyproject.toml"),
        str(box.root / "grader" / "secret.txt"),
        str(box.root / "other" / "answers.txt"),
        "/etc/shadow",
        "/etc/passwd",
    ]
    code = f"print(json.dumps({{p: attempt(lambda p: open(p).read(), p) for p in {targets!r}}}))"
    assert box.report(code) == {path: errno.ENOENT for path in targets}


def test_the_kernel_can_import_the_course_stack_and_plot(box):
    code = """
import json, cenlab, ipykernel, numpy, pandas, matplotlib
from joblib.externals.loky import cpu_count
cpu_count(only_physical_cores=True)  # without /sys it would warn on stderr
import matplotlib.pyplot as plt
plt.plot([1, 2], [3, 4])
plt.savefig("plot.png")
frame = pandas.read_csv("../data/given.csv")
print(json.dumps([matplotlib.get_backend(), int(frame.b.sum()), cenlab.__name__]))
"""
    done = box.python(code)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == ["agg", 2, "cenlab"]
    assert (box.root / "work" / "plot.png").stat().st_size > 0


def test_writes_succeed_only_in_the_work_and_writable_folders(box):
    targets = {
        "work": str(box.root / "work" / "a.txt"),
        "shared": str(box.root / "shared" / "a.txt"),
        "tmp": "/tmp/a.txt",
        "data": str(box.root / "data" / "a.txt"),
        "prefix": os.path.join(sys.prefix, "a.txt"),
        "base": os.path.join(os.path.realpath(sys.base_prefix), "a.txt"),
        "package": f"{bubble.SITE}/cenlab/a.txt",
        "root": "/a.txt",
        "usr": "/usr/a.txt",
    }
    code = f"""
write = lambda path: open(path, "w").write("x") and 0
print(json.dumps({{name: attempt(write, path) for name, path in {targets!r}.items()}}))
"""
    seen = box.report(code)
    assert {k: seen[k] for k in ("work", "shared", "tmp")} == {"work": 0, "shared": 0, "tmp": 0}
    for name in ("data", "prefix", "base", "package", "root", "usr"):
        assert seen[name] == errno.EROFS, f"{name}: {seen[name]}"
    assert (box.root / "shared" / "a.txt").read_text() == "x"
    assert not (bubble.PACKAGE / "a.txt").exists()


def test_the_host_loopback_is_out_of_reach(box):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"""
import socket
result = attempt(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5) and "up")
print(json.dumps([result, [name for _, name in socket.if_nameindex()]]))
"""
        assert box.report(code) == [errno.ECONNREFUSED, ["lo"]]


def test_the_kernel_has_no_capabilities_and_cannot_nest_namespaces(box):
    code = """
import ctypes, json, os
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
caps = {k: int(v, 16) for k, v in status.items() if k.startswith("Cap")}
libc = ctypes.CDLL(None, use_errno=True)
nested = "made" if libc.unshare(0x10000000) == 0 else ctypes.get_errno()  # CLONE_NEWUSER
print(json.dumps([caps, status["NoNewPrivs"].strip(), os.getpid(), nested]))
"""
    caps, no_new_privs, pid, nested = box.report(code)
    assert caps == dict.fromkeys(["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"], 0)
    assert no_new_privs == "1"
    assert pid == 2  # bwrap is the PID namespace's init
    assert nested == errno.ENOSPC  # bwrap --disable-userns: no user namespace may be made


def test_allocating_twice_the_memory_limit_raises_memory_error(box):
    code = """
import json
try:
    block = bytearray(2 * 1024 * 1024 * 1024)
    print(json.dumps("allocated"))
except MemoryError:
    print(json.dumps("MemoryError"))
"""
    assert box.report(code, limits=bubble.Limits(memory_mb=1024)) == "MemoryError"


def test_writing_past_the_file_limit_fails_with_efbig(box):
    code = """
import json
try:
    with open("big.bin", "wb") as fh:
        fh.write(b"x" * (2 * 1024 * 1024))
    print(json.dumps("written"))
except OSError as e:
    print(json.dumps(e.errno))
"""
    assert box.report(code, limits=bubble.Limits(file_mb=1)) == errno.EFBIG
    assert (box.root / "work" / "big.bin").stat().st_size == 1024 * 1024


def test_cpu_time_limit_stops_an_endless_loop(box):
    done = box.python("while True: pass", limits=bubble.Limits(cpu_seconds=1), timeout=30)
    assert done.returncode in (128 + 9, 128 + 24)  # SIGKILL at the hard limit, or SIGXCPU


def test_a_fork_bomb_stops_at_the_process_limit():
    """As an unprivileged account only: the kernel exempts uid 0 from RLIMIT_NPROC."""
    made = Box("unprivileged")
    if made.uid is None and ROOT:  # pragma: no cover - WHO gives root an account to drop to
        pytest.fail("no unprivileged account to test with")
    code = """
import json, os, time
forks = 0
try:
    while forks < 1000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        forks += 1
    print(json.dumps(["unlimited", forks]))
except BlockingIOError:
    print(json.dumps(["stopped", forks]))
"""
    try:
        # 40 processes of the sandbox's account: bwrap's init, Python, 38 children.
        assert made.report(code, limits=bubble.Limits(processes=40)) == ["stopped", 38]
    finally:
        shutil.rmtree(made.root, ignore_errors=True)


DETACH = """
import os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(1000)", MARKER])
    os._exit(0)
os.wait()
"""


def marked(marker: str) -> list[int]:
    """Host processes with ``marker`` in their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_until(check, timeout=10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return check()


async def execute(client, code: str, timeout: float = 60) -> tuple[str, dict]:
    """Run ``code`` in the kernel; its stdout and the execute reply's content."""
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = await client.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out), reply["content"]


async def kernel_session(box: Box, end: str) -> tuple:
    folder = box.root / "kernel"
    prefix = box.prefix(writable=[folder])
    km = bubble.kernel_manager(prefix=prefix, folder=folder, uid=box.uid, gid=box.gid)
    await km.start_kernel()
    client = km.client()
    client.start_channels()
    marker = f"cenlab-marker-{uuid.uuid4().hex}"
    try:
        await client.wait_for_ready(timeout=60)
        out, reply = await execute(client, "import os\nprint(os.getuid(), 6 * 7)")
        await execute(client, f"MARKER = {marker!r}\n{DETACH}")
        assert wait_until(lambda: marked(marker)), "the detached process never started"
        host_uids = {host_uid(pid) for pid in marked(marker)}
        client.execute("import time; time.sleep(60)")
        await asyncio.sleep(0.5)
        await km.interrupt_kernel()
        interrupted = (await client.get_shell_msg(timeout=30))["content"]
    finally:
        client.stop_channels()
        if end == "kill":
            await km.shutdown_kernel(now=True)
        else:
            await km.shutdown_kernel()
    return out, reply, interrupted, marker, host_uids


def host_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for process {pid}")


@pytest.mark.parametrize("end", ["shutdown", "kill"])
def test_a_kernel_runs_over_ipc_and_takes_its_detached_children_with_it(box, end):
    out, reply, interrupted, marker, host_uids = asyncio.run(kernel_session(box, end))
    uid = os.getuid() if box.uid is None else box.uid
    assert host_uids == {uid}  # the same account seen from the host, not root in disguise
    assert reply["status"] == "ok"
    assert out == f"{uid} 42\n"
    assert interrupted["status"] == "error" and interrupted["ename"] == "KeyboardInterrupt"
    assert wait_until(lambda: not marked(marker)), f"left running: {marked(marker)}"
    assert not list((box.root / "kernel").glob("kernel-*"))


def test_the_kernel_folder_must_be_bound_writable(box):
    with pytest.raises(ValueError, match="does not bind the kernel folder"):
        bubble.kernel_manager(prefix=box.prefix(), folder=box.root / "kernel")


def test_probe_names_the_debian_package_when_bwrap_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(bubble.shutil, "which", lambda name: None)
    assert "Debian package bubblewrap" in bubble.probe(workdir=tmp_path)


def test_probe_says_when_user_namespaces_are_refused(monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    why = bubble.probe(workdir=tmp_path)
    assert why == (
        "user namespaces are refused here, so bubblewrap cannot start: "
        "bwrap: setting up uid map: Permission denied"
    )


def test_a_uid_without_a_gid_is_refused(tmp_path):
    with pytest.raises(ValueError, match="give both uid and gid"):
        bubble.command(workdir=tmp_path, limits=bubble.Limits(), uid=NOBODY)


def test_the_python_installation_is_bound_without_the_checkout():
    paths = bubble.python_paths()
    assert str(bubble.PACKAGE) not in paths  # bound apart, at SITE/cenlab only
    assert str(checkout()) not in paths
    assert all(not str(checkout()).startswith(p.rstrip("/") + "/") for p in paths)
