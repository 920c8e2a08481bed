"""The ``cenlab`` command: argument parsing only; the work lives in the subpackages.

Every user error becomes one line on stderr naming the problem and exit code 2; a traceback
is a bug. Each sub-command is a module here with an ``add`` function that declares its
arguments and a ``run`` function that calls the code doing the work.
"""

from __future__ import annotations

import argparse
import sys

from cenlab.cli import course, datasets, generate, transfer, validate
from cenlab.cli.errors import UsageError

# Sub-commands, in the order `cenlab --help` lists them. Add new ones here.
COMMANDS = [generate, datasets, validate, course, transfer]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cenlab", description="Synthetic CEN seizure data and training tools."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add(sub)
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
