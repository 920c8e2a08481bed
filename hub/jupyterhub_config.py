"""JupyterHub configuration of a cenlab workshop on one machine (see docs/hosts.md).

Run as root from the hub environment, after ``cenlab-hub-roster apply`` prepared the state folder:

    CENLAB_HUB_STATE=/srv/cenlab-hub /opt/cenlab-hub/venv/bin/jupyterhub -f hub/jupyterhub_config.py

Settings from the environment (defaults in brackets):
    CENLAB_HUB_STATE      state folder written by cenlab-hub-roster [/srv/cenlab-hub]
    CENLAB_HUB_IP         address the proxy listens on [127.0.0.1]; 0.0.0.0 behind a firewall
    CENLAB_HUB_PORT       port the proxy listens on [8000]
    CENLAB_HUB_MEM_LIMIT  memory per trainee server, kernels included [1G]
    CENLAB_HUB_CPU_LIMIT  cores per trainee server [1]
    CENLAB_HUB_CULL_IDLE  seconds before an idle server is stopped [3600]
    CENLAB_HUB_PROC_LIMIT processes and threads per trainee [512]
    CENLAB_HUB_TMP_SIZE   private /tmp and private /dev/shm of each server, each [256M]; 0: shared
    CENLAB_HUB_FILE_LIMIT largest file a trainee's server can write [1G]
    CENLAB_HUB_LOGIN_MAX_WAIT  longest wait after wrong login codes, in seconds [60]
"""

import json
import os
import socket
import sys
from pathlib import Path
from pwd import getpwnam

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("CENLAB_HUB_STATE", "/srv/cenlab-hub"))
BIN = Path(sys.executable).parent  # the hub environment, which the trainees can read
c = get_config()  # noqa: F821

settings_file = STATE / "hub.json"
if not settings_file.exists():
    sys.exit(
        f"{settings_file} not found: run `{BIN / 'cenlab-hub-roster'} apply ROSTER --state {STATE}`"
        " first"
    )
settings = json.loads(settings_file.read_text())

sys.path.insert(0, str(HERE))
from cenlab_hub import roster as roster_mod  # noqa: E402

people = roster_mod.load(STATE / "roster.csv")
groups = roster_mod.groups(people)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the hub --------------------------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("CENLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("CENLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CENLAB_HUB_API_PORT", free_port()))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.should_start = True
# The formgrader of each course opens inside JupyterLab, in a frame.
c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
c.JupyterHub.template_vars = {
    "announcement_login": "Log in with the user name and the code on your slip.",
}

# --- who may log in: the roster, with its codes -----------------------------------------------
c.JupyterHub.authenticator_class = "cenlab_hub.auth.RosterCodeAuthenticator"
c.RosterCodeAuthenticator.codes_file = str(STATE / "codes.json")
# After 3 wrong codes for one user name from one address: waits of 1, 2, 4 ... seconds, never
# more than this (the owner, from another address, is never kept out).
c.RosterCodeAuthenticator.max_wait = float(os.environ.get("CENLAB_HUB_LOGIN_MAX_WAIT", "60"))
c.Authenticator.allowed_users = {p.username for p in people}
c.Authenticator.admin_users = set()
c.Authenticator.allow_all = False
c.Authenticator.allow_existing_users = False
c.Authenticator.delete_invalid_users = True  # off the roster: gone from the hub at restart
c.JupyterHub.load_groups = {name: {"users": members} for name, members in groups.items()}

# --- the servers ------------------------------------------------------------------------------
c.JupyterHub.spawner_class = "cenlab_hub.spawner.CenlabSpawner"
c.CenlabSpawner.state_dir = str(STATE)
c.CenlabSpawner.datasets_dir = settings["datasets"]
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
# The people's servers: jupyterhub-singleuser without importing the hub's database layer
# (SQLAlchemy, Alembic, the ORM: about 0.35 CPU seconds and 35 MB per server; see
# cenlab_hub/singleuser.py).
# Isolated (-I): nothing from the home folder is imported or read as configuration (no ~/.local
# user site, no current folder on sys.path); see also JUPYTER_CONFIG_DIR in cenlab_hub/spawner.py.
c.CenlabSpawner.cmd = [sys.executable, "-I", "-m", "cenlab_hub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
    # One BLAS thread per kernel: 60 trainees share a few cores, and each thread costs memory.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}
c.Spawner.mem_limit = os.environ.get("CENLAB_HUB_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(os.environ.get("CENLAB_HUB_CPU_LIMIT", "1"))
# Fair shares of the rest of the machine (cenlab_hub/spawner.py): processes and threads per
# trainee, a private /tmp and /dev/shm of this size each, the largest file one can write.
c.CenlabSpawner.proc_limit = int(os.environ.get("CENLAB_HUB_PROC_LIMIT", "512"))


def _size(text: str):
    return int(text) if text.isdigit() else text  # "0" (off) or a size such as "256M"


c.CenlabSpawner.tmp_size = _size(os.environ.get("CENLAB_HUB_TMP_SIZE", "256M"))
c.CenlabSpawner.file_limit = _size(os.environ.get("CENLAB_HUB_FILE_LIMIT", "1G"))
# A cohort logging in at once queues on the CPU: give each spawn time.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 60

# --- nbgrader: per course, a formgrader (instructors) and a data service (all) -----------------
services = []
roles = [
    # A server may do what its user may: nbgrader reads the user's groups to list courses.
    {"name": "server", "scopes": ["inherit"]},
    {
        "name": "cenlab-user",
        "groups": ["trainees", "instructors"],
        "scopes": ["self", "list:services", "read:services"],
    },
    {
        # Instructors can see who is logged in and stop or start a stuck server; they cannot
        # open a trainee's server.
        "name": "cenlab-instructor",
        "groups": ["instructors"],
        "scopes": ["list:users", "read:users", "admin:servers!group=trainees"],
    },
]
data_services = {}  # course -> where its data service listens and whose it is, for the kernels
for course, info in settings["courses"].items():
    etc = STATE / "etc" / f"grader-{course}"
    services.append(
        {
            "name": course,
            "url": f"http://127.0.0.1:{free_port()}",
            "command": [str(BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={info['root']}"],
            "user": info["grader"],
            "cwd": info["root"],
            "environment": {
                "JUPYTER_CONFIG_PATH": str(etc),
                "JUPYTERHUB_DEFAULT_URL": "/lab",
                "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
            },
            "oauth_no_confirm": True,
        }
    )
    roles.append(
        {
            "name": f"formgrade-{course}",
            "groups": [f"formgrade-{course}"],
            "scopes": [f"access:services!service={course}"],
        }
    )
    roles.append(
        {
            "name": f"grader-{course}",
            "services": [course],
            "scopes": ["list:users", "read:users", "list:groups", "read:groups"],
        }
    )
    # Its data service: each trainee's own data of the personalised assignments, built from the
    # course's secret (readable by the grader account only; cenlab/course/dataservice.py).
    # my_data() in a kernel fetches them with the server's token from the service's Unix socket,
    # in a folder only the grader account writes, and only when the grader's account answers
    # there. No URL: the service has no route through the proxy.
    name = f"{course}-data"
    if "data_socket" not in info:
        sys.exit(f"{settings_file} is from an older cenlab: run `cenlab-hub-roster apply` again")
    if name in settings["courses"]:
        sys.exit(f"the courses {course} and {name} cannot both be on one hub: rename one")
    serve = ["-I", "-m", "cenlab.course.dataservice", f"--course-dir={info['root']}",
             f"--socket={info['data_socket']}", f"--released={info['released']}"]  # fmt: skip
    services.append(
        {
            "name": name,
            "command": [sys.executable, *serve],
            "user": info["grader"],
            "cwd": info["root"],
            "environment": {
                "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
            },
        }
    )
    roles.append(
        {
            "name": f"data-{course}",
            "groups": [f"nbgrader-{course}", f"formgrade-{course}"],
            "scopes": [f"access:services!service={name}"],
        }
    )
    data_services[course] = {"socket": info["data_socket"], "uid": getpwnam(info["grader"]).pw_uid}
c.Spawner.environment["CENLAB_DATA_SERVICES"] = json.dumps(data_services, sort_keys=True)

# --- the idle culler --------------------------------------------------------------------------
services.append(
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={os.environ.get('CENLAB_HUB_CULL_IDLE', '3600')}",
        ],
    }
)
roles.append(
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    }
)
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
