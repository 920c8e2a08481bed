"""``python -m cenlab.course check [--mutants]|build-data <assignment folders>``: the author's
commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cenlab.course.checks import full_check
from cenlab.course.data import build_data
from cenlab.course.mutants import check_mutants
from cenlab.course.paths import CoursePaths
from cenlab.course.personal import add_trainees_option
from cenlab.course.variants import report_variants


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cenlab.course", description="Course author tooling around nbgrader."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="generate, autograde and check assignments")
    chk.add_argument("assignments", nargs="+", help="courses/<course>/source/<assignment> folders")
    chk.add_argument("--keep", help="keep the scratch course in this folder")
    chk.add_argument("--mutants", action="store_true", help="instead: the mutation check")
    chk.add_argument("--min-score", type=float, default=0.95, help="with --mutants: share caught")
    add_trainees_option(
        chk, help="instead: the model answers on N trainees' own data (personalised assignments)"
    )
    bld = sub.add_parser("build-data", help="rebuild an assignment's data files")
    bld.add_argument("assignments", nargs="+", help="courses/<course>/source/<assignment> folders")
    args = parser.parse_args(argv)
    folders = [Path(a).resolve() for a in args.assignments]
    for folder in folders:
        if CoursePaths(folder.parent.parent).source(folder.name) != folder:
            parser.error(f"{folder} is not a courses/<course>/source/<assignment> folder")
    if args.command == "build-data":
        for folder in folders:
            for path in build_data(folder):
                print(f"wrote {path}")
        return 0
    if args.trainees is not None:
        return report_variants(folders, args.trainees)
    if args.mutants:
        if not 0 <= args.min_score <= 1:
            parser.error(f"--min-score should be a share between 0 and 1, not {args.min_score}")
        reports = [check_mutants(folder) for folder in folders]
        for report in reports:
            print(report.table())
        return int(any(r.score < args.min_score or r.problems for r in reports))
    failed = 0
    for folder in folders:
        workdir = None if args.keep is None else Path(args.keep) / folder.name
        result, problems = full_check(folder.parent.parent, folder.name, workdir=workdir)
        print(result.summary())
        extra = [p for p in problems if p not in result.problems()]
        for p in extra:
            print(f"  PROBLEM: {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
