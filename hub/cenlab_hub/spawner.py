"""The trainees' servers: JupyterHub's LocalProcessSpawner (one real Unix user each) plus what a
workshop needs around it.

- Each role's server reads its own Jupyter configuration (``STATE/etc/<role>/``), which turns off
  what a trainee's server loads and does not need; ``STATE/etc/<role>/bin`` goes first on its PATH.
- The home folder is kept private (0700) and gets a ``datasets`` link to the shared, read-only
  datasets.
- ``mem_limit`` and ``cpu_limit`` are enforced with Linux control groups (v1 or v2) when the hub
  can write to them; LocalProcessSpawner alone only passes them on as environment variables.
  Without writable control groups the limits are logged as not enforced.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_dirs(name: str) -> dict[str, Path]:
    """Where a server's control groups go: {"memory": ..., "cpu": ...} (v1) or {"v2": ...}."""
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return {"v2": CGROUP_ROOT / "cenlab-hub" / name}
    dirs = {}
    for ctl in ("memory", "cpu"):
        if (CGROUP_ROOT / ctl).is_dir():
            dirs[ctl] = CGROUP_ROOT / ctl / "cenlab-hub" / name
    return dirs


class CenlabSpawner(LocalProcessSpawner):
    state_dir = Unicode("", config=True, help="the hub's state folder (cenlab-hub-roster --state)")
    datasets_dir = Unicode("", config=True, help="shared read-only datasets, linked in homes")
    _cgroups: list[Path] = []

    def _role(self) -> str:
        groups = {g.name for g in self.user.groups}
        return "instructor" if "instructors" in groups else "trainee"

    def _prepare_home(self) -> None:
        entry = pwd.getpwnam(self.user.name)
        home = Path(entry.pw_dir)
        os.chmod(home, 0o700)
        link = home / "datasets"
        if self.datasets_dir and Path(self.datasets_dir).is_dir() and not os.path.lexists(link):
            os.symlink(self.datasets_dir, link)
            os.lchown(link, entry.pw_uid, entry.pw_gid)

    # --- limits ---------------------------------------------------------------------------

    def _cgroup_setup(self) -> list[Path]:
        """Make this server's control groups with its limits; return the folders to join."""
        if not (self.mem_limit or self.cpu_limit):
            return []
        joined = []
        try:
            for kind, d in cgroup_dirs(self.user.name).items():
                d.mkdir(parents=True, exist_ok=True)
                if kind == "v2":
                    sub = d.parent / "cgroup.subtree_control"
                    (d.parent.parent / "cgroup.subtree_control").write_text("+memory +cpu")
                    sub.write_text("+memory +cpu")
                    if self.mem_limit:
                        (d / "memory.max").write_text(str(int(self.mem_limit)))
                    if self.cpu_limit:
                        (d / "cpu.max").write_text(f"{int(self.cpu_limit * 100_000)} 100000")
                elif kind == "memory" and self.mem_limit:
                    (d / "memory.limit_in_bytes").write_text(str(int(self.mem_limit)))
                elif kind == "cpu" and self.cpu_limit:
                    (d / "cpu.cfs_period_us").write_text("100000")
                    (d / "cpu.cfs_quota_us").write_text(str(int(self.cpu_limit * 100_000)))
                joined.append(d)
        except OSError as err:
            self.log.warning(
                "limits for %s are not enforced (control groups: %s)", self.user.name, err
            )
            return []
        return joined

    def _cgroup_cleanup(self) -> None:
        for d in cgroup_dirs(self.user.name).values():
            try:
                d.rmdir()
            except OSError:
                pass

    def make_preexec_fn(self, name):
        setuid = super().make_preexec_fn(name)
        join = list(self._cgroups)

        def preexec():
            # Still root here: join the control groups, then become the user.
            for d in join:
                (d / "cgroup.procs").write_text(str(os.getpid()))
            setuid()

        return preexec

    async def start(self):
        self._prepare_home()
        self._cgroups = self._cgroup_setup()
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        self._cgroup_cleanup()

    def get_env(self):
        env = super().get_env()
        if self.state_dir:
            etc = Path(self.state_dir) / "etc" / self._role()
            env["JUPYTER_CONFIG_PATH"] = str(etc)
            if (etc / "bin").is_dir():  # the role's stand-ins (trainees: no Node.js)
                env["PATH"] = f"{etc / 'bin'}:{env.get('PATH', os.defpath)}"
        if self.datasets_dir:
            env["CENLAB_DATASETS"] = self.datasets_dir
        return env
