"""Workshop hub under a cohort's login rush: 20 trainees log in and start their servers at once.

Prints the median and worst spawn time (login to ready), the CPU seconds per spawn (the trainee's
server, plus the hub's and proxy's share), and the memory of an idle trainee (server + a kernel
that imported pandas), next to the same figures for a stock single-user JupyterLab server started
from the same environment with every installed extension on.

Targets: all 20 ready within 60 s; at most half the stock CPU per spawn; an idle trainee at
220 MB or less. Run as root (it creates and removes system users): python benchmarks/bench_hub.py
"""

from __future__ import annotations

import os
import pwd
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import test_hub as th  # noqa: E402  (the test's hub fixture pieces: roster, course, clients)

N = int(os.environ.get("CENLAB_BENCH_TRAINEES", "20"))
TAG = secrets.token_hex(2)
PREFIX = f"cltest-{TAG}-"
PANDAS = "import pandas as pd\nprint(pd.__version__)"


def _user_procs(user: str):
    out = []
    for p in psutil.process_iter(["username"]):
        if p.info["username"] == user:
            out.append(p)
    return out


def _cpu(procs) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def _rss_mb(procs) -> float:
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


class _Rig:
    """The test's hub with an instructor and N trainees; always cleans up."""

    def __enter__(self):
        self.finalizers = []
        self.trainees = [f"{PREFIX}t{i:02d}" for i in range(N)]
        rows = [(f"{PREFIX}ins", "Ana Martin", "instructor")]
        rows += [(u, f"Trainee {u[-2:]}", "trainee") for u in self.trainees]
        try:
            self.hub = th.start_hub(self.finalizers.append, rows, grader_prefix=f"{PREFIX}g-")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for fn in reversed(self.finalizers):
            fn()


def stock_reference(user: str, runs: int = 3) -> dict:
    """A stock JupyterLab server (`jupyter lab`, every installed extension on) as ``user``."""
    jupyter = th.PREFIX / "venv" / "bin" / "jupyter"
    cpus, rss_server, rss_kernel = [], [], []
    for _ in range(runs):
        port, token = th._free_port(), secrets.token_hex(16)
        home = Path(os.path.expanduser(f"~{user}"))
        proc = subprocess.Popen(
            [
                str(jupyter),
                "lab",
                "--no-browser",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={home}",
            ],
            env={"PATH": f"{jupyter.parent}:/usr/bin:/bin", "HOME": str(home)},
            user=pwd.getpwnam(user).pw_uid,
            group=pwd.getpwnam(user).pw_gid,
            extra_groups=[],
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
            while True:
                try:
                    if requests.get(f"{url}/api/status", headers=headers, timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            time.sleep(1.0)  # let start-up work that runs after the first answer finish
            server = psutil.Process(proc.pid)
            procs = [server, *server.children(recursive=True)]
            cpus.append(_cpu(procs))
            rss_server.append(_rss_mb(procs))
            kernel = requests.post(f"{url}/api/kernels", headers=headers, json={"name": "python3"})
            kid = kernel.json()["id"]
            _run_code_token(url, token, kid, PANDAS)
            time.sleep(1.0)
            kernels = [
                c for c in server.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())
            ]
            rss_kernel.append(_rss_mb(kernels))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {
        "cpu": statistics.median(cpus),
        "server_mb": statistics.median(rss_server),
        "kernel_mb": statistics.median(rss_kernel),
    }


def _run_code_token(url: str, token: str, kernel: str, code: str) -> None:
    import json
    import uuid

    import websocket

    ws = websocket.create_connection(
        url.replace("http", "ws") + f"/api/kernels/{kernel}/channels",
        header=[f"Authorization: token {token}"],
        timeout=60,
    )
    msg_id = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "username": "bench",
                    "session": uuid.uuid4().hex,
                    "msg_type": "execute_request",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False},
            }
        )
    )
    while True:
        msg = json.loads(ws.recv())
        if (
            msg.get("parent_header", {}).get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ):
            break
    ws.close()


def main() -> int:
    if os.geteuid() != 0:
        print("run as root: the benchmark creates system users")
        return 2
    with _Rig() as rig:
        hub = rig.hub
        hub_proc = psutil.Process(hub.proc.pid)
        proxy_pid = hub.state / "hub" / "jupyterhub-proxy.pid"
        proxies = [psutil.Process(int(proxy_pid.read_text()))] if proxy_pid.exists() else []
        hub_cpu0 = _cpu([hub_proc, *proxies])
        clients = {u: hub.login(u) for u in rig.trainees}
        times: dict[str, float] = {}
        t0 = time.monotonic()

        def spawn(user):
            start = time.monotonic()
            clients[user].start_server()
            times[user] = time.monotonic() - start

        threads = [threading.Thread(target=spawn, args=(u,)) for u in rig.trainees]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        all_ready = time.monotonic() - t0
        time.sleep(2)
        per_server = [_cpu(_user_procs(u)) for u in rig.trainees]
        hub_share = (_cpu([hub_proc, *proxies]) - hub_cpu0) / N
        idle_server = [_rss_mb(_user_procs(u)) for u in rig.trainees[:3]]
        kernels = []
        for u in rig.trainees[:3]:
            c = clients[u]
            kid = c.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
            _run_code_token(f"{hub.url}/user/{u}", c.token, kid, PANDAS)
        time.sleep(2)
        for u in rig.trainees[:3]:
            procs = _user_procs(u)
            kernels.append(_rss_mb([p for p in procs if "ipykernel" in " ".join(p.cmdline())]))
        stock = stock_reference(rig.trainees[-1])

    spawn_cpu = statistics.median(per_server)
    idle = statistics.median(idle_server)
    kernel = statistics.median(kernels)
    print(f"hub: {N} trainees log in and start at once on {os.cpu_count()} cores")
    print(f"  all ready after           {all_ready:6.1f} s   (target <= 60 s)")
    print(
        f"  spawn time median / worst {statistics.median(times.values()):6.1f} s / {max(times.values()):.1f} s"
    )
    print(f"  CPU per spawn: server     {spawn_cpu:6.2f} s   + hub and proxy {hub_share:.2f} s")
    print(
        f"  idle trainee: server      {idle:6.0f} MB  + kernel with pandas {kernel:.0f} MB"
        f" = {idle + kernel:.0f} MB (target <= 220 MB)"
    )
    print("stock single-user JupyterLab (same environment, every extension on):")
    print(f"  CPU per spawn             {stock['cpu']:6.2f} s")
    print(
        f"  idle: server              {stock['server_mb']:6.0f} MB  + kernel with pandas "
        f"{stock['kernel_mb']:.0f} MB = {stock['server_mb'] + stock['kernel_mb']:.0f} MB"
    )
    print(
        f"ratio: CPU per spawn {spawn_cpu / stock['cpu']:.2f}x stock (target <= 0.5), "
        f"idle memory {(idle + kernel) / (stock['server_mb'] + stock['kernel_mb']):.2f}x stock"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
