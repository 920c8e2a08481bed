"""``cenlab transfer``: send the non-personal part of an nCEN extract to CEN."""

from __future__ import annotations


def add(sub) -> None:
    p = sub.add_parser("transfer", help="send the non-personal part of an nCEN extract to CEN")
    extract = "nCEN extract: seizures.csv, with persons.csv and companies.csv"
    p.add_argument("--from", dest="source", required=True, metavar="DIR", help=extract)
    p.add_argument("--outbox", required=True, metavar="DIR", help="outbox: a batch folder per run")
    p.add_argument("--state", metavar="FILE", help="what was sent (default: OUTBOX/state.json)")
    p.add_argument("--as-of", help="day the data is checked (YYYY-MM-DD, default today)")
    p.set_defaults(run=run)


def run(args) -> int:
    from cenlab.transfer import transfer

    result = transfer(args.source, args.outbox, state_path=args.state, as_of=args.as_of)
    print(result.summary())
    return 0
