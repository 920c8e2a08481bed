"""Build the workshop hub's Python environment, or gather an offline kit of wheels for it.

The hub and every trainee's server run from one virtual environment that all users can read
(a virtualenv made from a Python under a private home folder, such as pyenv's under /root, is
not readable by the trainees, and their servers would fail to start).

    python3 hub/hubenv.py build [--prefix /opt/cenlab-hub] [--wheelhouse DIR]
    python3 hub/hubenv.py wheelhouse [--out wheelhouse]

``build`` makes ``<prefix>/venv`` from the system Python (``/usr/bin/python3``), installs cenlab,
the hub package (``hub/``) and what they need, and leaves everything world-readable. It is quick
to re-run: nothing is installed when nothing changed since the last build. ``--wheelhouse``
installs from a folder of wheels with no network (see ``wheelhouse``).

``wheelhouse`` downloads every wheel the hub, the courses and the tests need into one folder
(plus configurable-http-proxy's npm cache), to carry to a venue without internet on a USB stick.
Standard library only: it runs before the environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
REPO = HUB.parent
DEFAULT_PREFIX = "/opt/cenlab-hub"
STAMP = ".cenlab-hub-built"
# Tools a fresh venv needs to install the source packages offline.
BOOTSTRAP = ["pip", "setuptools>=68", "wheel"]
# Optional packages removed after installing: jsonschema uses rfc3987-syntax only to check "iri"
# formats, and building its grammar costs about 0.9 CPU seconds at every server start.
TRIM = ["rfc3987-syntax"]


def system_python() -> str:
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    return sys.executable


def world_readable(path: Path) -> bool:
    """True if every folder above ``path`` can be entered by any user, and the file read."""
    path = path.resolve()
    for parent in [*reversed(path.parents), path]:
        mode = parent.stat().st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def _digest(paths) -> str:
    h = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc" or "node_modules" in f.parts:
                continue
            h.update(str(f.relative_to(REPO)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _deps_digest() -> str:
    return _digest([REPO / "pyproject.toml", HUB / "pyproject.toml"])


def _code_digest() -> str:
    return _digest([REPO / "cenlab", HUB / "cenlab_hub"])


def _run(cmd, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def build(prefix: Path, python: str, wheelhouse: Path | None = None, quiet: bool = True) -> Path:
    """Make or update ``<prefix>/venv``; return the path of its ``bin`` folder."""
    os.umask(0o022)
    if not world_readable(Path(python)):
        raise SystemExit(
            f"{python} is not readable by every user; trainees' servers could not start. "
            "Pass --python with a system Python such as /usr/bin/python3."
        )
    venv = prefix / "venv"
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        pip.append("--quiet")
    if wheelhouse is not None:
        pip += ["--no-index", "--find-links", wheelhouse.resolve()]
    stamp = venv / STAMP
    wanted = f"{_deps_digest()}\n{_code_digest()}\n"
    have = stamp.read_text() if stamp.exists() else ""
    if have == wanted:
        print(f"{venv} is up to date")
        return venv / "bin"
    if not (venv / "bin" / "python").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        _run([python, "-m", "venv", venv])
        _run([*pip, "--upgrade", *BOOTSTRAP])
    # Non-editable installs: the trainees cannot read the repository, only the environment.
    if have.split("\n")[:1] == wanted.split("\n")[:1]:
        _run([*pip, "--no-deps", "--force-reinstall", REPO, HUB])
    else:
        _run([*pip, REPO, HUB])
        _run([venv / "bin" / "python", "-m", "pip", "uninstall", "--yes", "--quiet", *TRIM])
    # Byte-compile everything now, as root: a trainee's server cannot write __pycache__ into the
    # environment and would compile any module without one at every start. (pip compiles what
    # it installs; this also covers installs made with --no-compile.) Files written for other
    # Python versions fail to compile and are only skipped, hence no check.
    print("+ compileall", flush=True)
    subprocess.run(
        [venv / "bin" / "python", "-m", "compileall", "-q", "-j", "0", venv / "lib"],
        check=False,
        capture_output=True,
    )
    for root, dirs, files in os.walk(venv):
        for name in dirs + files:
            p = os.path.join(root, name)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IROTH | stat.S_IRGRP)
                if os.path.isdir(p):
                    os.chmod(p, os.stat(p).st_mode | stat.S_IXOTH | stat.S_IXGRP)
    stamp.write_text(wanted)
    print(f"built {venv}")
    return venv / "bin"


def wheelhouse(out: Path, python: str) -> None:
    """Every wheel needed to build the hub environment and the development one, offline."""
    out.mkdir(parents=True, exist_ok=True)
    _run([python, "-m", "pip", "download", "--dest", out, *BOOTSTRAP])
    _run([python, "-m", "pip", "wheel", "--wheel-dir", out, f"{REPO}[test]", HUB])
    npm_cache = out / "npm-cache"
    if shutil.which("npm"):
        _run(["npm", "ci", "--prefix", HUB, "--cache", npm_cache, "--no-audit", "--no-fund"])
    n = len(list(out.glob("*.whl")))
    print(f"{out}: {n} wheels and the npm cache; install with:")
    print(f"  python3 hub/hubenv.py build --wheelhouse {out}")
    print(f"  npm ci --prefix hub --offline --cache {npm_cache}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="make or update the hub environment")
    b.add_argument("--prefix", default=os.environ.get("CENLAB_HUB_PREFIX", DEFAULT_PREFIX))
    b.add_argument("--python", default=system_python())
    b.add_argument("--wheelhouse", type=Path, help="install offline from this folder of wheels")
    b.add_argument("--verbose", action="store_true")
    w = sub.add_parser("wheelhouse", help="gather every wheel for an offline install")
    w.add_argument("--out", type=Path, default=REPO / "wheelhouse")
    w.add_argument("--python", default=system_python())
    args = parser.parse_args(argv)
    if args.command == "build":
        build(Path(args.prefix), args.python, args.wheelhouse, quiet=not args.verbose)
    else:
        wheelhouse(args.out, args.python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
