"""Grading 30 simulated trainees: serial `nbgrader autograde` against `cenlab course grade
--jobs 2`, measured in the same run on two copies of the same course and cohort.

Target on a 2-core machine: cenlab at least 3 times faster (2 was the figure before tests got a
kernel of their own), identical scores. The per-trainee split (both kernels' start, the
trainee's cells, the tests) shows where the time goes. The cohort has
no hostile submissions (those get sandbox statuses that nbgrader has no notion of, and an
endless loop would only measure the timeout); it mixes perfect, partly wrong and blank work.

The reference is what an instructor runs: `nbgrader autograde ASSIGNMENT --force` from the
course folder, on the same submissions. Both commands are timed from their start to their end
(their own imports included), after one untimed import of nbgrader, pandas and ipykernel so that
neither pays for a cold disk cache. The load average is printed: other work on the machine
slows both, not always equally. Needs root (the sandbox's grader accounts).
Usage: python benchmarks/bench_grade.py [N]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cenlab import course
from cenlab.course import cohort, grading
from cenlab.course.grading.settings import AUTOGRADE_PREPROCESSORS

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
TARGET = 3.0
STEPS = ("start", "trainee", "tests")


# nbgrader's own pipeline: cenlab's with the confined step put back to nbgrader's Execute.
STOCK = [
    "nbgrader.preprocessors.Execute" if p.endswith(".ConfinedExecute") else p
    for p in AUTOGRADE_PREPROCESSORS
]


def scores(course_dir: Path) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE.name) as gb:
        return {
            sub.student.id: {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
            for sub in gb.find_assignment(ASSIGNMENT).submissions
        }


def copy(tmp: Path, name: str) -> Path:
    dest = tmp / name / COURSE.name
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    course.build(dest)
    return dest


def main(n: int = 30) -> int:
    if os.geteuid() != 0:
        print("bench_grade needs root (the sandbox runs kernels as grader accounts)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        serial_dir, parallel_dir = copy(Path(tmp), "serial"), copy(Path(tmp), "parallel")
        kinds = cohort.simulate(serial_dir, ASSIGNMENT, n, seed=1, hostile=0.0)
        shutil.copytree(serial_dir / "submitted", parallel_dir / "submitted")
        # The serial reference is stock nbgrader: its own Execute step, one kernel, no sandbox.
        with (serial_dir / "nbgrader_config.py").open("a") as fh:
            fh.write(f"\nc.Autograde.autograde_preprocessors = {STOCK!r}\n")
        bin_dir = Path(sys.executable).parent
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        warm = "import nbgrader.apps, pandas, ipykernel.kernelapp"
        subprocess.run([sys.executable, "-c", warm], check=True)
        load = os.getloadavg()
        started = time.perf_counter()
        cmd = [str(bin_dir / "nbgrader"), "autograde", ASSIGNMENT, "--force"]
        done = subprocess.run(cmd, cwd=serial_dir, env=env, capture_output=True, text=True)
        serial = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr[-3000:])
            return 1
        started = time.perf_counter()
        cmd = [str(bin_dir / "cenlab"), "course", "grade", str(parallel_dir), ASSIGNMENT]
        done = subprocess.run([*cmd, "--jobs", "2", "--no-progress"], capture_output=True)
        parallel = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr.decode()[-3000:])
            return 1
        same = scores(serial_dir) == scores(parallel_dir)
        statuses = grading.read_status(parallel_dir / "reports" / f"{ASSIGNMENT}-status.csv")
    mix = ", ".join(f"{k} {list(kinds.values()).count(k)}" for k in cohort.ORDINARY)
    print(f"{n} trainees ({mix}) on {os.cpu_count()} cores")
    print(f"load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f} (1 min)")
    print(f"serial nbgrader autograde   {serial:7.1f} s")
    print(f"cenlab course grade --jobs 2 {parallel:6.1f} s")
    ratio = serial / parallel
    print(f"ratio {ratio:.2f} (target >= {TARGET}); scores identical: {same}")
    print("statuses:", dict.fromkeys(r["status"] for r in statuses.values()))
    split = {s: [float(r[f"{s}_seconds"]) for r in statuses.values()] for s in STEPS}
    means = ", ".join(f"{s} {sum(v) / len(v):.2f} s" for s, v in split.items())
    print(f"per trainee (mean, in a worker): {means}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
