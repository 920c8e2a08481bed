"""The ``cenlab`` command: argument parsing only; the work lives in the modules.

Every user error becomes one line on stderr naming the problem and exit code 2; a traceback
is a bug. Each sub-command has an ``add_<name>`` function that declares its arguments and a
``run_<name>`` function that calls the module doing the work.
"""

from __future__ import annotations

import argparse
import sys


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


# --- generate ---------------------------------------------------------------------------


def add_generate(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic seizure dataset")
    p.add_argument("--cases", type=int, required=True, help="number of cases")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", default="2024-01-01", help="first seizure date (YYYY-MM-DD)")
    p.add_argument("--end", default="2025-12-31", help="last seizure date (YYYY-MM-DD)")
    p.add_argument("--nominal", action="store_true", help="also write the nCEN nominal layer")
    p.add_argument("--format", default="csv", help="csv or parquet")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(run=run_generate)


def run_generate(args) -> int:
    from cenlab import output

    output.write_generated(
        args.out,
        n_cases=args.cases,
        seed=args.seed,
        start=args.start,
        end=args.end,
        nominal=args.nominal,
        fmt=args.format,
    )
    return 0


# --- datasets ---------------------------------------------------------------------------


def add_datasets(sub) -> None:
    p = sub.add_parser("datasets", help="build or check the default datasets")
    p.add_argument("action", choices=["build", "check"])
    p.add_argument("--dir", default="datasets", help="datasets folder")
    p.set_defaults(run=run_datasets)


def run_datasets(args) -> int:
    from cenlab import datasets

    if args.action == "build":
        datasets.build(args.dir)
        return 0
    problems = datasets.check(args.dir)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


# --- validate ---------------------------------------------------------------------------


def add_validate(sub) -> None:
    p = sub.add_parser("validate", help="check a seizure file against the CEN data quality rules")
    p.add_argument("file", help="seizure file (.csv or .parquet)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--as-of", help="day the data is checked (YYYY-MM-DD, default today)")
    p.add_argument("--cutoff", help="last day of the reporting period (YYYY-MM-DD)")
    p.add_argument("--max-findings", type=int, default=20, help="findings listed by --format table")
    p.set_defaults(run=run_validate)


def run_validate(args) -> int:
    """Print the report; exit 1 when the file has error-level findings."""
    import json
    import os

    from cenlab.io import read_seizures
    from cenlab.quality import validate

    report = validate(read_seizures(args.file), as_of=args.as_of, cutoff=args.cutoff)
    try:
        if args.format == "csv":
            report.to_frame().to_csv(sys.stdout, index=False)
        elif args.format == "json":
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        else:
            more = "use --format csv to list them all"
            print(report.to_text(max_findings=args.max_findings, more=more))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if report.has_errors else 0


# --- course -----------------------------------------------------------------------------


def add_course(sub) -> None:
    p = sub.add_parser("course", help="instructor tools for an nbgrader course folder")
    act = p.add_subparsers(dest="action", required=True)

    def action(name, help, assignment=True):
        a = act.add_parser(name, help=help)
        a.add_argument("course", help="course folder (holds nbgrader_config.py)")
        if assignment:
            a.add_argument("assignment", help="assignment name, as in source/<assignment>")
        return a

    action("build", "make the student version of every assignment", assignment=False)
    a = action("check", "check every assignment end to end (for course authors)", False)
    a.add_argument("--jobs", type=int, default=1, help="assignments checked at a time")
    a = action("grade", "autograde every submission, sandboxed, in parallel")
    a.add_argument("--jobs", type=int, default=1, help="trainees graded at a time")
    a.add_argument("--student", action="append", help="grade only this trainee (repeatable)")
    a.add_argument("--no-progress", action="store_true", help="no progress bar")
    a.add_argument(
        "--unsafe-same-user",
        action="store_true",
        help="without root: run trainees' code as yourself, with no sandbox",
    )
    a = action("feedback", "write each graded trainee's feedback (HTML)")
    a.add_argument("--student", action="append", help="only this trainee (repeatable)")
    a = action("export", "grades as CSV in nbgrader's export columns", assignment=False)
    a.add_argument("--to", help="CSV file (default: <course>/grades.csv)")
    a.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    a = action("report", "item analysis of the cohort: table and chart")
    a.add_argument("--png", help="chart file (default: <course>/reports/<assignment>-items.png)")
    a = action("simulate", "file simulated submissions into submitted/ (tests, demos)")
    a.add_argument("--students", type=int, default=30)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--hostile", type=float, default=0.3, help="share of hostile submissions")
    p.set_defaults(run=run_course)


def run_course(args) -> int:
    from cenlab import course

    if args.action == "build":
        for name in course.build(args.course):
            print(f"built release/{name}")
        return 0
    if args.action == "check":
        return _course_check(args)
    if args.action == "grade":
        from cenlab import grading

        run = grading.grade(
            args.course,
            args.assignment,
            jobs=args.jobs,
            students=args.student,
            unsafe_same_user=args.unsafe_same_user,
            progress=not args.no_progress,
        )
        print(run.table())
        print(f"{run.sandbox}; statuses in {run.status_file}")
        return 0
    if args.action == "feedback":
        for path in course.feedback(args.course, args.assignment, args.student):
            print(f"wrote {path}")
        return 0
    if args.action == "export":
        print(f"wrote {course.export(args.course, args.to, assignments=args.assignment or ())}")
        return 0
    if args.action == "report":
        from cenlab import itemanalysis

        result, png = itemanalysis.report(args.course, args.assignment, args.png)
        print(result.to_text())
        print(f"chart: {png}")
        return 0
    from cenlab import cohort

    kinds = cohort.simulate(
        args.course, args.assignment, args.students, seed=args.seed, hostile=args.hostile
    )
    print(cohort.describe(kinds))
    return 0


def _course_check(args) -> int:
    from pathlib import Path

    from cenlab import course

    folder = Path(args.course).resolve()
    pairs = [(c, a) for c, a in course.find_assignments(folder.parent) if c == folder]
    if not pairs:
        raise UsageError(f"no assignment under {folder}/source/")
    results = course.check_assignments(pairs, jobs=args.jobs)
    failed = 0
    for (c, a), result in zip(pairs, results):
        problems = course.static_problems(c, a) + result.problems()
        print(result.summary())
        for p in problems:
            if p not in result.problems():
                print(f"  PROBLEM: {p}")
        failed += bool(problems)
    return 1 if failed else 0


# --- transfer ---------------------------------------------------------------------------


def add_transfer(sub) -> None:
    p = sub.add_parser("transfer", help="send the non-personal part of an nCEN extract to CEN")
    extract = "nCEN extract: seizures.csv, with persons.csv and companies.csv"
    p.add_argument("--from", dest="source", required=True, metavar="DIR", help=extract)
    p.add_argument("--outbox", required=True, metavar="DIR", help="outbox: a batch folder per run")
    p.add_argument("--state", metavar="FILE", help="what was sent (default: OUTBOX/state.json)")
    p.add_argument("--as-of", help="day the data is checked (YYYY-MM-DD, default today)")
    p.set_defaults(run=run_transfer)


def run_transfer(args) -> int:
    from cenlab import transfer

    result = transfer.transfer(args.source, args.outbox, state_path=args.state, as_of=args.as_of)
    print(result.summary())
    return 0


# Sub-commands, in the order `cenlab --help` lists them. Add new ones here.
COMMANDS = [add_generate, add_datasets, add_validate, add_course, add_transfer]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cenlab", description="Synthetic CEN seizure data and training tools."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, ValueError, OSError) as exc:
        print(f"cenlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cenlab {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
