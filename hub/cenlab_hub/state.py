"""Prepare a hub's state folder from a roster: system accounts, codes, courses, exchange, datasets
and the Jupyter configuration each role's servers read. Runs as root; standard library only.

Layout of the state folder (default ``/srv/cenlab-hub``):

    hub/                 JupyterHub's database and cookie secret (0700)
    codes.json           hash of each person's login code (0600)
    codes-sheet.csv      the codes issued by the last run, to print and cut into slips (0600)
    roster.csv           the roster the hub serves (0600)
    hub.json             courses, their grader accounts, paths (0644)
    etc/<role>/          Jupyter and nbgrader configuration of trainee, instructor and grader servers
    exchange/            nbgrader's exchange: root-owned root, one folder per course owned by its grader
    run/<course>/        the socket of the course's data service, in a folder only its grader writes
    courses/<course>/    the nbgrader course root, owned by the course's grader account (0700),
                         with build_data.py and the course's secret .cenlab-secret (0600)
    datasets/            the shared datasets, read-only for everyone
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from . import codes as codes_mod
from . import roster as roster_mod

GRADER_PREFIX = "grader-"
SECRET = ".cenlab-secret"  # in each course root: cenlab.course.paths.SECRET
HOME_MODE = 0o700
SHELL = "/bin/bash"


# --- system accounts ----------------------------------------------------------------------


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_user(name: str, comment: str = "") -> pwd.struct_passwd:
    """A system user with a private home folder (mode 0700), created if missing. ``useradd -m``
    alone makes homes 0755, which lets every trainee read every other's work."""
    if not user_exists(name):
        cmd = ["useradd", "-m", "-K", f"HOME_MODE={HOME_MODE:04o}", "-s", SHELL, "-U"]
        subprocess.run([*cmd, "-c", comment.replace(":", " "), name], check=True)
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, HOME_MODE)
    return entry


def remove_user(name: str) -> None:
    """Stop the user's processes and remove the user with their home folder."""
    if not user_exists(name):
        return
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    subprocess.run(["userdel", "-r", "-f", name], check=False, capture_output=True)


def add_to_group(user: str, group: str) -> None:
    subprocess.run(["usermod", "-a", "-G", group, user], check=True)


# --- the state folder ---------------------------------------------------------------------


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)


def _copy_readonly(src: Path, dest: Path) -> None:
    """Copy a folder owned by root, readable and not writable by anyone else."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for root, _dirs, files in os.walk(dest):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)


def _install_course(src: Path, dest: Path, uid: int, gid: int) -> None:
    """Copy a course's config, data builder and assignments into its course root, never
    overwriting what the instructors already have there (generated releases, gradebook, edited
    sources), and give it a secret (``SECRET``) if it has none."""
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, 0o700)  # solutions live here: the grader account alone reads them
    for name in ("nbgrader_config.py", "build_data.py"):
        if (src / name).exists() and not (dest / name).exists():
            shutil.copy(src / name, dest / name)
    _make_secret(dest / SECRET)
    for assignment in sorted((src / "source").glob("*")) if (src / "source").is_dir() else []:
        target = dest / "source" / assignment.name
        if assignment.is_dir() and not target.exists():
            shutil.copytree(assignment, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _chown_tree(dest, uid, gid)


def _make_secret(path: Path) -> None:
    """The course's secret, from which every trainee's own data are made (cenlab's
    ``course.personal``, same format): readable by the grader account only (``_chown_tree``
    gives it to that account), never replaced: the trainees' data and grading depend on it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def prepare(
    state,
    roster_path,
    *,
    courses_src,
    datasets_src=None,
    grader_prefix: str = GRADER_PREFIX,
    reissue=(),
) -> dict:
    """Make everything the hub needs for this roster; return the hub settings (``hub.json``).

    New people get a system account and a code; ``reissue`` names people whose code is replaced
    (a lost slip). Codes issued in this run are written to ``codes-sheet.csv``.
    """
    # Everything made here is readable by the users' servers unless a step makes it private.
    os.umask(0o022)
    state = Path(state).resolve()
    courses_src = Path(courses_src)
    people = roster_mod.load(roster_path)
    courses = roster_mod.courses(people)
    _check_courses(courses, courses_src)
    _make_state_folder(state, roster_path)
    issued = _accounts_and_codes(state, people, reissue)
    graders = _courses_and_exchange(state, courses, courses_src, grader_prefix)
    if datasets_src is not None and Path(datasets_src).is_dir():
        _copy_readonly(Path(datasets_src), state / "datasets")
    settings = {
        "state": str(state),
        "exchange": str(state / "exchange"),
        "datasets": str(state / "datasets"),
        "courses": {c: _course_settings(state, c, graders[c]) for c in courses},
    }
    _write(state / "hub.json", json.dumps(settings, indent=1) + "\n")
    write_jupyter_config(state, settings)
    return {"settings": settings, "issued": issued, "people": people}


def _course_settings(state: Path, course: str, grader: str) -> dict:
    return {
        "grader": grader,
        "root": str(state / "courses" / course),
        # The data service listens here; trainees' servers are told where, and whose it is.
        "data_socket": str(state / "run" / course / "data.sock"),
        "released": str(state / "exchange" / course / "outbound"),
    }


def _check_courses(courses, courses_src: Path) -> None:
    # Before anything is made: a mistyped course id must not leave half a hub behind.
    missing = [c for c in courses if not (courses_src / c / "nbgrader_config.py").exists()]
    if missing:
        raise roster_mod.RosterError(
            f"the roster names courses {missing} that are not in {courses_src}"
        )


def _make_state_folder(state: Path, roster_path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o755)
    (state / "hub").mkdir(exist_ok=True)
    os.chmod(state / "hub", 0o700)  # the hub's database and cookie secret
    # The hub serves the roster as it was applied, not as the host edits it afterwards.
    _write(state / "roster.csv", Path(roster_path).read_text(encoding="utf-8"), 0o600)


def _accounts_and_codes(state: Path, people, reissue) -> list[tuple[str, str, str]]:
    """Accounts and codes for everyone new (or reissued); return the codes issued."""
    store = codes_mod.CodeStore(state / "codes.json")
    hashes = store.load()
    issued = []
    for p in people:
        ensure_user(p.username, p.full_name)
        if p.username not in hashes or p.username in reissue:
            code = codes_mod.new_code()
            hashes[p.username] = codes_mod.hash_code(code)
            issued.append((p.username, p.full_name, code))
    for gone in set(hashes) - {p.username for p in people}:
        del hashes[gone]  # off the roster: no login, whatever the hub still remembers
    store.save(hashes)
    if issued:
        codes_mod.write_codes_sheet(state / "codes-sheet.csv", issued)
    return issued


def _courses_and_exchange(state: Path, courses, courses_src: Path, grader_prefix: str) -> dict:
    """A grader account, a course root and an exchange folder for each course; return the
    grader account of each course."""
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    # A root-owned root that nobody else can write: no trainee can move a course's folder away.
    os.chown(exchange, 0, 0)
    os.chmod(exchange, 0o755)
    run = state / "run"  # the data services' sockets: nobody but a course's grader writes here
    run.mkdir(exist_ok=True)
    os.chown(run, 0, 0)
    os.chmod(run, 0o755)
    graders = {}
    for course in courses:
        # The formgrader runs as this account; trainees' code it grades runs in bubblewrap.
        grader = ensure_user(f"{grader_prefix}{course}", f"nbgrader grader of {course}")
        graders[course] = grader.pw_name
        _install_course(
            courses_src / course, state / "courses" / course, grader.pw_uid, grader.pw_gid
        )
        course_exchange = exchange / course
        course_exchange.mkdir(exist_ok=True)
        os.chown(course_exchange, grader.pw_uid, grader.pw_gid)
        os.chmod(course_exchange, 0o755)
        sockets = run / course
        sockets.mkdir(exist_ok=True)
        os.chown(sockets, grader.pw_uid, grader.pw_gid)
        os.chmod(sockets, 0o755)
        if len(str(sockets / "data.sock")) > 100:  # the kernel's limit on a socket's path
            raise roster_mod.RosterError(f"the state folder's path is too long for {sockets}")
    (state / "courses").mkdir(exist_ok=True)
    os.chmod(state / "courses", 0o755)
    return graders


# Run as a grader account by ``grading_problem``: what the formgrader's Autograde does first.
PROBE = (
    "import sys\n"
    "from cenlab.course.grading import bubble\n"
    "why = bubble.probe(workdir=sys.argv[1])\n"
    "print(why or '', end='')\n"
)


def grading_problem(grader: str, python: str = sys.executable) -> str | None:
    """None when ``grader``'s Autograde can start a sandboxed kernel here (bubblewrap
    installed, user namespaces allowed, this Python readable by that account), else why not,
    in one line."""
    import tempfile

    entry = pwd.getpwnam(grader)
    with tempfile.TemporaryDirectory(prefix="cenlab-probe-") as folder:
        os.chmod(folder, 0o700)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        cmd = ["runuser", "-u", grader, "--", python, "-I", "-c", PROBE, folder]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd="/", timeout=120)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return f"{python} does not run as {grader}: {lines[-1]}"
    return done.stdout.strip() or None


def remove_all(state, grader_prefix: str = GRADER_PREFIX) -> list[str]:
    """Remove every account the roster in ``state`` made (people and graders), for the end of a
    workshop. The state folder itself is left for the host to archive or delete."""
    state = Path(state)
    people = roster_mod.load(state / "roster.csv")
    names = [p.username for p in people]
    names += [f"{grader_prefix}{c}" for c in roster_mod.courses(people)]
    for name in names:
        remove_user(name)
    return names


# --- what each role's servers read --------------------------------------------------------

NBGRADER_CONFIG = """\
# Site-wide nbgrader settings of this workshop hub (written by cenlab-hub-roster; do not edit).
c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
# Several courses share one exchange: fetched assignments go to <course>/<assignment>.
c.Exchange.path_includes_course = True
# Student ids are hub user names; courses come from the hub groups nbgrader-<course>.
c.Authenticator.plugin_class = "nbgrader.auth.jupyterhub.JupyterHubAuthPlugin"
# The exchange guards: private submissions, a root-owned root, collect checks ownership.
{factory}
"""
EXCHANGE_CLASSES = {
    "collect": "Collect",
    "fetch_assignment": "FetchAssignment",
    "fetch_feedback": "FetchFeedback",
    "list": "List",
    "release_assignment": "ReleaseAssignment",
    "release_feedback": "ReleaseFeedback",
    "submit": "Submit",
}

# Server extensions a trainee's server does not need: each costs start-up time and memory.
TRAINEE_OFF = [
    "jupyter_lsp",  # runs `npm prefix -g` at every start; no language servers are installed
    "voila.server_extension",
    "notebook",
    "notebook_shim",
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    # Importing nbgrader costs about 0.7 CPU seconds and 40 MB: trainee_nbgrader serves the
    # same endpoints and imports nbgrader when the trainee first opens the Assignment List.
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
    "jupyter_server_terminals",  # no shell for trainees: notebooks and kernels only
]
# cenlab_hub.csp: pages of a person's server reach that server and the hub's API only.
TRAINEE_ON = ["cenlab_hub.trainee_nbgrader", "cenlab_hub.csp"]
INSTRUCTOR_ON = ["cenlab_hub.csp"]  # and the graders' (formgraders')
INSTRUCTOR_OFF = ["jupyter_lsp", "voila.server_extension", "nbgrader.server_extensions.formgrader"]
GRADER_OFF = ["jupyter_lsp", "voila.server_extension"]
# JupyterLab plugins trainees should not see.
TRAINEE_LAB_OFF = [
    "@jupyterlab/apputils-extension:announcements",  # asks to fetch news: no internet at venues
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
# Put first on the PATH of trainees' servers (etc/trainee/bin/node). At every start JupyterLab
# runs `node yarn.js config --json` only to learn the package registry of its extension manager,
# which trainees cannot use: about 0.3 CPU seconds per server. The stand-in answers that call
# with no configuration and refuses everything else, loudly.
TRAINEE_NODE = """\
#!/bin/sh
# Trainees' servers run without Node.js (written by cenlab-hub-roster; see cenlab_hub/state.py).
if [ "${1##*/}" = yarn.js ] && [ "$2" = config ]; then exit 0; fi
echo "node: Node.js is not available in a trainee's server" >&2
exit 127
"""
FRAME_SELF = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
# The formgrader's autograde pipeline: nbgrader's, with its Execute step replaced by cenlab's
# confined one (trainee code and tests in two bubblewrap-sandboxed kernels). The same list as
# cenlab.course.grading.settings.AUTOGRADE_PREPROCESSORS (this package does not import cenlab;
# tests/test_hub_grading.py checks that the two are equal).
AUTOGRADE_PREPROCESSORS = [
    "cenlab.course.grading.confined.ConfinedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback without the hidden tests (nbgrader's own shows them): the same list as
# cenlab.course.grading.settings.FEEDBACK_PREPROCESSORS.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]


# JupyterLab's extensions, from the environment and the system only: JupyterLab serves the
# extension folders without login, so a page a trainee put in ~/.local/share/jupyter/labextensions
# would run on the hub's origin in the browser of whoever opened its link.
LABEXTENSIONS = [
    os.path.join(sys.prefix, "share", "jupyter", "labextensions"),
    "/usr/local/share/jupyter/labextensions",
    "/usr/share/jupyter/labextensions",
]


def _server_config(off, extra=None, on=()) -> str:
    extensions = {name: False for name in off} | {name: True for name in on}
    cfg = {
        "ServerApp": {"jpserver_extensions": extensions},
        "LabApp": {"labextensions_path": LABEXTENSIONS},
    }
    if extra:
        cfg["ServerApp"].update(extra)
    return json.dumps(cfg, indent=1) + "\n"


def write_jupyter_config(state: Path, settings: dict) -> None:
    """``etc/<role>/``: the JUPYTER_CONFIG_PATH of trainee, instructor and grader servers."""
    etc = state / "etc"
    factory = "\n".join(
        f'c.ExchangeFactory.{kind} = "cenlab_hub.exchange.{cls}"'
        for kind, cls in EXCHANGE_CLASSES.items()
    )
    nbgrader_cfg = NBGRADER_CONFIG.format(exchange=settings["exchange"], factory=factory)
    roles = {
        "trainee": (TRAINEE_OFF, None, TRAINEE_LAB_OFF),
        "instructor": (INSTRUCTOR_OFF, {"tornado_settings": FRAME_SELF}, TRAINEE_LAB_OFF[:1]),
    }
    for course in settings["courses"]:
        roles[f"grader-{course}"] = (
            GRADER_OFF,
            {"tornado_settings": FRAME_SELF},
            TRAINEE_LAB_OFF[:1],
        )
    for role, (off, extra, lab_off) in roles.items():
        d = etc / role
        on = TRAINEE_ON if role == "trainee" else INSTRUCTOR_ON  # graders (formgraders) too
        _write(d / "jupyter_server_config.json", _server_config(off, extra, on))
        text = nbgrader_cfg
        if role.startswith("grader-"):
            course = role[len("grader-") :]
            root = settings["courses"][course]["root"]
            text += f"c.CourseDirectory.root = {root!r}\nc.CourseDirectory.course_id = {course!r}\n"
            # The grader account is no hub user: its course is fixed, ask the hub nothing.
            text += 'c.Authenticator.plugin_class = "nbgrader.auth.NoAuthPlugin"\n'
            # Submissions are the trainees' HTML: the formgrader shows them without scripts
            # (its template renders markdown unsanitised, so the cells are sanitised first).
            text += "c.HTMLExporter.sanitize_html = True\n"
            text += (
                'c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.sanitize.SanitizeHTML"]\n'
            )
            # Autograde runs trainees' cells and the tests in two sandboxed kernels, never in
            # this account's own processes (cenlab.course.grading.confined).
            text += f"c.Autograde.autograde_preprocessors = {AUTOGRADE_PREPROCESSORS!r}\n"
            text += f"c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}\n"
        _write(d / "nbgrader_config.py", text)
        # The servers use this folder as their JUPYTER_CONFIG_DIR too (nothing from the home
        # folder): the marker stops Jupyter from trying to migrate ~/.ipython into it at start.
        _write(d / "migrated", "")
        if role == "trainee":
            _write(d / "bin" / "node", TRAINEE_NODE, 0o755)
            os.chmod(d / "bin", 0o755)
        page = {"disabledExtensions": {name: True for name in lab_off}}
        _write(d / "labconfig" / "page_config.json", json.dumps(page, indent=1) + "\n")
        for p in [d, d / "labconfig"]:
            os.chmod(p, 0o755)
