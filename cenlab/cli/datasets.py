"""``cenlab datasets build|check``: the committed datasets and their checksums."""

from __future__ import annotations

import sys


def add(sub) -> None:
    p = sub.add_parser("datasets", help="build or check the default datasets")
    p.add_argument("action", choices=["build", "check"])
    p.add_argument("--dir", default="datasets", help="datasets folder")
    p.set_defaults(run=run)


def run(args) -> int:
    from cenlab.synth import datasets

    if args.action == "build":
        datasets.build(args.dir)
        return 0
    problems = datasets.check(args.dir)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0
