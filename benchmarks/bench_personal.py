"""Personalised assignments: building one trainee's data, and grading a cohort on its own data
against the same cohort on the course's shared data, measured in the same run.

Targets: building one trainee's data for any assignment under 1 second; `cenlab course grade
--jobs 2` on 30 trainees who each have their own data no slower than 1.2 times the same cohort
graded on shared data (the grader rebuilds each trainee's data from the course's secret).

Build: the median and the slowest of 5 trainees per assignment, the course's builder already
imported. Grading: two copies of seizure-analysis with the same simulated cohort (perfect, partly
wrong and blank work, no hostile kinds); the shared copy has no data builder, so nothing is
personalised there. Both gradings are timed from start to end as an instructor runs them; the
shared one runs first and again last, and the ratio is against the mean of the two, so a machine
that gets slower or faster during the run does not favour either. Needs root (the sandbox's
grader accounts). Usage: python benchmarks/bench_personal.py [N]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cenlab import course
from cenlab.course import cohort, personal

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "courses" / "seizure-analysis"
ASSIGNMENT = "01-exploring-seizures"
BUILD_TARGET = 1.0
GRADE_TARGET = 1.2
SECRET = b"the benchmark's course secret, thirty-two characters or more"


def build_times() -> dict[str, tuple[float, float]]:
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench-personal-") as tmp:
        for course_dir, assignment in course.find_assignments(ROOT / "courses"):
            personal.build_for(course_dir, assignment, "warm-up", Path(tmp) / "w", secret=SECRET)
            times = []
            for k in range(5):
                started = time.perf_counter()
                folder = Path(tmp) / f"{assignment}-{k}"
                personal.build_for(course_dir, assignment, f"t{k}", folder, secret=SECRET)
                times.append(time.perf_counter() - started)
            out[f"{course_dir.name}/{assignment}"] = (statistics.median(times), max(times))
    return out


def copy(tmp: Path, name: str, *, personalised: bool) -> Path:
    dest = tmp / name / COURSE.name
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(*course.BUILT, "reports"))
    if personalised:
        (dest / ".cenlab-secret").write_bytes(SECRET + b"\n")
    else:
        (dest / "build_data.py").unlink()
    course.build(dest)
    return dest


def grade(course_dir: Path) -> float:
    cmd = [str(Path(sys.executable).parent / "cenlab"), "course", "grade", str(course_dir)]
    started = time.perf_counter()
    done = subprocess.run([*cmd, ASSIGNMENT, "--jobs", "2", "--no-progress"], capture_output=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode()[-3000:])
    return time.perf_counter() - started


def main(n: int = 30) -> int:
    builds = build_times()
    print("building one trainee's data (median, slowest of 5):")
    for name, (median, slowest) in builds.items():
        print(f"  {name:45s} {median:5.2f} s  {slowest:5.2f} s")
    worst = max(s for _, s in builds.values())
    print(f"slowest build {worst:.2f} s (target < {BUILD_TARGET} s)")
    if os.geteuid() != 0:
        print("the grading half needs root (the sandbox runs kernels as grader accounts)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-personal-") as tmp:
        shared = copy(Path(tmp), "shared", personalised=False)
        own = copy(Path(tmp), "personal", personalised=True)
        kinds = cohort.plan(n, seed=1, hostile=0.0)
        cohort.simulate(shared, ASSIGNMENT, kinds=kinds, seed=1)
        cohort.simulate(own, ASSIGNMENT, kinds=kinds, seed=1)
        load = os.getloadavg()
        first = grade(shared)
        mine = grade(own)
        shutil.rmtree(shared / "autograded")
        last = grade(shared)
    ratio = mine / ((first + last) / 2)
    print(f"{n} trainees on {os.cpu_count()} cores; load average before {load[0]:.2f} (1 min)")
    print(f"shared data    {first:6.1f} s, again {last:6.1f} s")
    print(f"personal data  {mine:6.1f} s")
    print(f"ratio {ratio:.2f} (target <= {GRADE_TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
