"""Workshop hub under a cohort's login rush: N trainees (20) log in and start their servers at once.

One hub, two waves, measured the same way in the same run:

- cenlab: trainees as the workshop hub serves them (hub/jupyterhub_config.py, the trainee
  configuration written by hub/roster.py);
- stock: the same number of users spawned by the same hub as a default deployment would do it:
  JupyterHub's LocalProcessSpawner running `jupyterhub-singleuser` from the same environment with
  every installed server extension on (jupyter-lsp, terminals, nbgrader, Voila, notebook) and
  the default kernel, no cenlab configuration and no environment tweaks.

For each wave it prints the median and worst spawn time (start request to JupyterLab served),
the CPU seconds per spawn (the user's server processes, plus the hub's and proxy's share) and
the memory of an idle trainee: the server plus one kernel that imported pandas, taken with every
trainee of the wave in that state. Memory is given as RSS (each process's resident pages, shared
libraries counted in full in every process) and PSS (shared pages divided among the processes that
share them, so summing PSS over all trainees gives the memory they really take together).

Targets: all 20 ready within 60 s; at most half the stock CPU per spawn; an idle trainee at 220 MB
or less (PSS). Then a trainee's login is timed on a quiet hub and under a wrong-code attack (from
fixed addresses, and from a new address at every attempt). Run as root (it creates and removes system users):

    python benchmarks/bench_hub.py            # CENLAB_BENCH_TRAINEES=20
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import test_hub as th  # noqa: E402  (the test's hub pieces: roster, course, clients)

N = int(os.environ.get("CENLAB_BENCH_TRAINEES", "20"))
PREFIX = f"cltest-{secrets.token_hex(2)}-"
STOCK = f"{PREFIX}s"  # user names of the stock wave start with this
PANDAS = "import pandas as pd\nprint(pd.__version__)"
SETTLE = 3.0  # seconds after the last server is ready, for start-up work that runs after it

# The hub of the benchmark: cenlab's configuration, with users named STOCK* spawned the default
# way (plain LocalProcessSpawner: no role configuration, no control groups, no environment tweaks).
BENCH_CONFIG = """\
import os
import sys

c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
from jupyterhub.spawner import LocalProcessSpawner
from cenlab_hub.spawner import CenlabSpawner

TWEAKS = {{k for k in c.Spawner.environment if k != "PATH"}}
STOCK_CMD = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]


class BenchSpawner(CenlabSpawner):
    def _stock(self):
        return self.user.name.startswith({stock!r})

    async def start(self):
        if self._stock():
            self.cmd = STOCK_CMD  # not cenlab's command (CenlabSpawner.cmd)
            return await LocalProcessSpawner.start(self)
        return await super().start()

    def get_env(self):
        if not self._stock():
            return super().get_env()
        env = LocalProcessSpawner.get_env(self)
        for key in TWEAKS:
            env.pop(key, None)
        return env


c.JupyterHub.spawner_class = BenchSpawner
"""


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _user_procs(user: str) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["username"]) if p.info["username"] == user]


def _is_kernel(p: psutil.Process) -> bool:
    try:
        return "ipykernel" in " ".join(p.cmdline())
    except psutil.NoSuchProcess:
        return False


def _cpu(procs) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def _mem(procs) -> dict[str, float]:
    """RSS, PSS and USS in MB, summed over ``procs``."""
    out = {"rss": 0.0, "pss": 0.0, "uss": 0.0}
    for p in procs:
        try:
            m = p.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        for k in out:
            out[k] += getattr(m, k) / 2**20
    return out


class _Rig:
    """The test's hub with an instructor, N cenlab and N stock trainees; always cleans up."""

    def __enter__(self):
        self.finalizers = []
        self.cenlab = [f"{PREFIX}t{i:02d}" for i in range(N)]
        self.stock = [f"{STOCK}{i:02d}" for i in range(N)]
        self.warm = [f"{PREFIX}tw", f"{STOCK}w"]  # one spawn of each kind to warm the disk cache
        rows = [(f"{PREFIX}ins", "Ana Martin", "instructor")]
        rows += [(u, f"Trainee {u[-2:]}", "trainee") for u in self.cenlab + self.stock + self.warm]
        tmp = Path(tempfile.mkdtemp(prefix="cltest-bench-"))
        self.finalizers.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
        config = tmp / "bench_config.py"
        config.write_text(
            BENCH_CONFIG.format(config=str(th.HUB / "jupyterhub_config.py"), stock=STOCK)
        )
        try:
            self.hub = th.start_hub(
                self.finalizers.append, rows, grader_prefix=f"{PREFIX}g-", config=config
            )
        except BaseException:
            self.__exit__()
            raise
        self.clients = {u: self.hub.login(u) for u in self.cenlab + self.stock + self.warm}
        return self

    def __exit__(self, *exc):
        for fn in reversed(self.finalizers):
            fn()

    def stop(self, users) -> None:
        for u in users:
            self.clients[u].hub_api("DELETE", f"/users/{u}/server")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(_user_procs(u) for u in users):
            time.sleep(0.5)


def wave(rig: _Rig, users: list[str]) -> dict:
    """Start ``users``' servers at once; then a pandas kernel in each; measure."""
    hub_proc = psutil.Process(rig.hub.proc.pid)
    proxy_pid = rig.hub.state / "hub" / "jupyterhub-proxy.pid"
    proxies = [psutil.Process(int(proxy_pid.read_text()))] if proxy_pid.exists() else []
    hub_cpu0 = _cpu([hub_proc, *proxies])
    load = _load()
    times: dict[str, float] = {}
    errors: list[BaseException] = []
    t0 = time.monotonic()

    def spawn(user):
        try:
            start = time.monotonic()
            rig.clients[user].start_server()
            times[user] = time.monotonic() - start
        except BaseException as err:  # reported after the wave
            errors.append(err)

    threads = [threading.Thread(target=spawn, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    all_ready = time.monotonic() - t0
    time.sleep(SETTLE)
    server_cpu = [_cpu(_user_procs(u)) for u in users]
    hub_share = (_cpu([hub_proc, *proxies]) - hub_cpu0) / len(users)
    idle_server = [_mem(_user_procs(u)) for u in users]

    def pandas_kernel(user):
        c = rig.clients[user]
        kid = c.server("POST", "/api/kernels", json={"name": "python3"}).json()["id"]
        c.execute(kid, PANDAS, timeout=120)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(pandas_kernel, users))
    time.sleep(SETTLE)
    servers, kernels = [], []
    for u in users:
        procs = _user_procs(u)
        servers.append(_mem([p for p in procs if not _is_kernel(p)]))
        kernels.append(_mem([p for p in procs if _is_kernel(p)]))
    out = {
        "load": load,
        "all_ready": all_ready,
        "median": statistics.median(times.values()),
        "worst": max(times.values()),
        "server_cpu": statistics.median(server_cpu),
        "hub_cpu": hub_share,
        "idle_server_rss": statistics.median(m["rss"] for m in idle_server),
    }
    for k in ("rss", "pss", "uss"):
        out[f"server_{k}"] = statistics.median(m[k] for m in servers)
        out[f"kernel_{k}"] = statistics.median(m[k] for m in kernels)
    return out


def assignment_list_cost(rig: _Rig, users: list[str]) -> float:
    """Median extra server memory (RSS, MB) once a trainee has opened the Assignment List."""
    before = [_mem([p for p in _user_procs(u) if not _is_kernel(p)])["rss"] for u in users]
    for u in users:
        rig.clients[u].server("GET", "/assignments", params={"course_id": th.COURSE})
    time.sleep(1)
    after = [_mem([p for p in _user_procs(u) if not _is_kernel(p)])["rss"] for u in users]
    return statistics.median(a - b for a, b in zip(after, before))


def login_timing(rig: _Rig, n: int = 12, attackers: int = 8) -> dict:
    """A trainee's login (login page and POST, sequential, ``n`` times) on a quiet hub and while
    ``attackers`` threads send wrong codes: for the same trainee and for unknown names, from
    fixed addresses (the throttle at work) and from a new address at every attempt (a hub
    without the reverse proxy, where a client can choose its X-Real-IP: every attempt is
    hashed). Returns {label: (median s, worst s, attempts per s, hub CPU share)}."""
    hub = rig.hub
    victim = rig.cenlab[0]
    hub_proc = psutil.Process(rig.hub.proc.pid)

    def logins() -> tuple[float, float]:
        times = []
        for _ in range(n):
            c = th.Client(hub, victim)
            c.s.headers["X-Real-IP"] = "198.51.100.7"
            start = time.monotonic()
            r = c.login(hub.codes[victim])
            times.append(time.monotonic() - start)
            assert r.status_code == 302, r.status_code
        return statistics.median(times), max(times)

    out = {}
    t0, cpu0 = time.monotonic(), _cpu([hub_proc])
    med, worst = logins()
    out["quiet"] = (med, worst, 0.0, (_cpu([hub_proc]) - cpu0) / (time.monotonic() - t0))
    for label, rotate in (("attack, fixed addresses", False), ("attack, new address each", True)):
        stop = threading.Event()
        sent = [0]

        def attack(i, rotate=rotate, stop=stop, sent=sent):
            k = 0
            while not stop.is_set():
                k += 1
                user = victim if i % 2 == 0 else f"{PREFIX}nobody{i}"
                c = th.Client(hub, user)
                c.s.headers["X-Real-IP"] = f"203.0.{k % 250 if rotate else 113}.{i + 1}"
                c.login("aaaa-bbbb-cccc")
                sent[0] += 1

        threads = [threading.Thread(target=attack, args=(i,)) for i in range(attackers)]
        for t in threads:
            t.start()
        time.sleep(2)
        t0, cpu0, sent0 = time.monotonic(), _cpu([hub_proc]), sent[0]
        med, worst = logins()
        elapsed = time.monotonic() - t0
        rate, cpu = (sent[0] - sent0) / elapsed, (_cpu([hub_proc]) - cpu0) / elapsed
        stop.set()
        for t in threads:
            t.join()
        out[label] = (med, worst, rate, cpu)
    return out


def report(load_before: str, load_after: str, ours: dict, stock: dict, extra_list: float) -> None:
    def row(label, key, fmt):
        print(f"  {label:<34}{fmt.format(ours[key]):>12}{fmt.format(stock[key]):>12}")

    def total(d, k):
        return d[f"server_{k}"] + d[f"kernel_{k}"]

    print(f"hub: {N} trainees log in and start at once, {os.cpu_count()} cores")
    print(f"  load average (1/5/15 min) before {load_before}, after {load_after}")
    print(f"  {'':<34}{'cenlab':>12}{'stock':>12}")
    print(f"  {'load average as the wave began':<34}{ours['load'][:4]:>12}{stock['load'][:4]:>12}")
    row("all ready after (s)", "all_ready", "{:.1f}")
    row("spawn time median (s)", "median", "{:.1f}")
    row("spawn time worst (s)", "worst", "{:.1f}")
    row("CPU per spawn: server (s)", "server_cpu", "{:.2f}")
    row("CPU per spawn: hub and proxy (s)", "hub_cpu", "{:.2f}")
    for k in ("rss", "pss", "uss"):
        row(f"idle trainee server {k.upper()} (MB)", f"server_{k}", "{:.0f}")
        row(f"idle trainee kernel+pandas {k.upper()} (MB)", f"kernel_{k}", "{:.0f}")
    for k in ("rss", "pss"):
        print(
            f"  {f'idle trainee total {k.upper()} (MB)':<34}{total(ours, k):>12.0f}{total(stock, k):>12.0f}"
        )
    print(f"  cenlab server after opening the Assignment List: +{extra_list:.0f} MB RSS")
    cpu = (ours["server_cpu"] + ours["hub_cpu"]) / (stock["server_cpu"] + stock["hub_cpu"])
    print("targets:")
    print(f"  all {N} ready within 60 s:        {ours['all_ready']:.1f} s")
    print(
        f"  CPU per spawn <= 0.5x stock:     server {ours['server_cpu'] / stock['server_cpu']:.2f}x,"
        f" server + hub and proxy {cpu:.2f}x"
    )
    print(
        f"  idle trainee <= 220 MB (PSS):    {total(ours, 'pss'):.0f} MB PSS"
        f" ({total(ours, 'rss'):.0f} MB RSS); stock {total(stock, 'pss'):.0f} MB PSS"
    )


def main() -> int:
    if os.geteuid() != 0:
        print("run as root: the benchmark creates system users")
        return 2
    load_before = _load()
    with _Rig() as rig:
        for u in rig.warm:
            rig.clients[u].start_server()
        rig.stop(rig.warm)
        # CENLAB_BENCH_STOCK_FIRST=1 swaps the waves, to see whether their order matters.
        if os.environ.get("CENLAB_BENCH_STOCK_FIRST"):
            stock = wave(rig, rig.stock)
            rig.stop(rig.stock)
        ours = wave(rig, rig.cenlab)
        extra_list = assignment_list_cost(rig, rig.cenlab[:3])
        rig.stop(rig.cenlab)
        if not os.environ.get("CENLAB_BENCH_STOCK_FIRST"):
            stock = wave(rig, rig.stock)
            rig.stop(rig.stock)
        logins = login_timing(rig)
        load_after = _load()
    report(load_before, load_after, ours, stock, extra_list)
    print("login of one trainee (login page + POST), median / worst; wrong-code attempts per s;")
    print("hub CPU (cores busy) while measuring:")
    for label, (med, worst, rate, cpu) in logins.items():
        print(f"  {label:<28}{med:>7.3f} s {worst:>7.3f} s {rate:>8.0f}/s {cpu:>6.2f} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
