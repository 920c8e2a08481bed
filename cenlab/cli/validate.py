"""``cenlab validate``: check a seizure file against the CEN data quality rules."""

from __future__ import annotations

import sys


def add(sub) -> None:
    p = sub.add_parser("validate", help="check a seizure file against the CEN data quality rules")
    p.add_argument("file", help="seizure file (.csv or .parquet)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--as-of", help="day the data is checked (YYYY-MM-DD, default today)")
    p.add_argument("--cutoff", help="last day of the reporting period (YYYY-MM-DD)")
    p.add_argument("--max-findings", type=int, default=20, help="findings listed by --format table")
    p.set_defaults(run=run)


def run(args) -> int:
    """Print the report; exit 1 when the file has error-level findings."""
    import json
    import os

    from cenlab.files import read_seizures
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
