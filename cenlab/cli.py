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


# Sub-commands, in the order `cenlab --help` lists them. Add new ones here.
COMMANDS = [add_generate, add_datasets, add_validate]


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
