"""The trainees' servers: JupyterHub's LocalProcessSpawner (one real Unix user each) plus what a
workshop needs around it.

- Each role's server reads its own Jupyter configuration (``STATE/etc/<role>/``), which turns off
  what a trainee's server loads and does not need; ``STATE/etc/<role>/bin`` goes first on its PATH.
- The home folder is kept private (0700) and gets a ``datasets`` link to the shared, read-only
  datasets.
- ``mem_limit`` and ``cpu_limit`` are enforced with Linux control groups (v1 or v2) when the hub
  can write to them; LocalProcessSpawner alone only passes them on as environment variables.
  Without writable control groups the limits are logged as not enforced.
- Fair shares of the rest of the machine: ``proc_limit`` caps the processes and threads of a
  trainee (``RLIMIT_NPROC``: a fork loop stops there); each server gets a private ``/tmp`` and
  ``/dev/shm`` of ``tmp_size`` each (its own mount namespace with two tmpfs, counted in its
  memory limit too), so nobody can fill or read another's; ``file_limit`` is the largest file
  a trainee can write (``RLIMIT_FSIZE``: writing more fails with "File too large").
"""

from __future__ import annotations

import os
import pwd
import resource
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.traitlets import ByteSpecification
from traitlets import Integer, Unicode

from .namespaces import private_tmp, private_tmp_works, under_tmp

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
    proc_limit = Integer(
        512, config=True, help="processes and threads per user (RLIMIT_NPROC); 0: no limit"
    )
    tmp_size = ByteSpecification(
        256 * 2**20,
        config=True,
        help="size of the private /tmp and of the private /dev/shm of each server; 0: the "
        "machine's shared ones",
    )
    file_limit = ByteSpecification(
        2**30, config=True, help="largest file a user's server may write (RLIMIT_FSIZE); 0: none"
    )
    _cgroups: list[Path] = []
    _private_tmp_problem: str | None = None
    _private_tmp_probed = False

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
        tmp_size = int(self.tmp_size or 0) if self._private_tmp_ok() else 0
        keep = [os.path.realpath(d) for d in (self.state_dir, self.datasets_dir) if under_tmp(d)]
        limits = [
            (resource.RLIMIT_NPROC, int(self.proc_limit or 0)),
            (resource.RLIMIT_FSIZE, int(self.file_limit or 0)),
        ]

        def preexec():
            # Still root here: join the control groups, make /tmp and /dev/shm private, set the
            # limits, then become the user.
            for d in join:
                (d / "cgroup.procs").write_text(str(os.getpid()))
            if tmp_size:
                private_tmp(tmp_size, keep)
            for kind, value in limits:
                if value:
                    resource.setrlimit(kind, (value, value))
            setuid()

        return preexec

    def _private_tmp_ok(self) -> bool:
        cls = type(self)
        if not self.tmp_size:
            return False
        if not cls._private_tmp_probed:
            cls._private_tmp_probed = True
            cls._private_tmp_problem = private_tmp_works()
        if cls._private_tmp_problem:
            self.log.warning(
                "/tmp and /dev/shm of %s are shared, not private (%s)",
                self.user.name,
                cls._private_tmp_problem,
            )
            return False
        return True

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
            # The server reads no configuration from the home folder (~/.jupyter): a trainee's
            # config could serve pages of theirs (extra_static_paths) on the hub's origin. The
            # command runs Python isolated (-I), so ~/.local is not read either.
            env["JUPYTER_CONFIG_DIR"] = str(etc)
            # JupyterLab keeps the person's own settings and workspaces there by default.
            lab = Path(pwd.getpwnam(self.user.name).pw_dir) / ".jupyter" / "lab"
            env["JUPYTERLAB_SETTINGS_DIR"] = str(lab / "user-settings")
            env["JUPYTERLAB_WORKSPACES_DIR"] = str(lab / "workspaces")
            if self._role() == "instructor":  # the formgraders open inside JupyterLab
                env["CENLAB_FRAME_SERVICES"] = "1"
            if (etc / "bin").is_dir():  # the role's stand-ins (trainees: no Node.js)
                env["PATH"] = f"{etc / 'bin'}:{env.get('PATH', os.defpath)}"
        if self.datasets_dir:
            env["CENLAB_DATASETS"] = self.datasets_dir
        return env
