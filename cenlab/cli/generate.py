"""``cenlab generate``: write a synthetic seizure dataset."""

from __future__ import annotations


def add(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic seizure dataset")
    p.add_argument("--cases", type=int, required=True, help="number of cases")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", default="2024-01-01", help="first seizure date (YYYY-MM-DD)")
    p.add_argument("--end", default="2025-12-31", help="last seizure date (YYYY-MM-DD)")
    p.add_argument("--nominal", action="store_true", help="also write the nCEN nominal layer")
    p.add_argument("--format", default="csv", help="csv or parquet")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(run=run)


def run(args) -> int:
    from cenlab.synth.datasets import write_generated

    write_generated(
        args.out,
        n_cases=args.cases,
        seed=args.seed,
        start=args.start,
        end=args.end,
        nominal=args.nominal,
        fmt=args.format,
    )
    return 0
