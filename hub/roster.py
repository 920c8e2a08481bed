"""Manage the workshop hub's people from the roster (run as root).

    python3 hub/roster.py apply ROSTER.csv [--state /srv/cenlab-hub]
        create a system account (private home, mode 0700) and a login code for everyone new on
        the roster, a grader account and course root for every course, the exchange and the
        shared datasets; print the codes issued and write them to STATE/codes-sheet.csv (0600)
    python3 hub/roster.py reissue USER [USER ...] [--state ...]
        replace lost codes (the old code stops working at once)
    python3 hub/roster.py check ROSTER.csv
        only read the roster and report what is wrong with it
    python3 hub/roster.py remove-all [--state ...]
        after the workshop: remove every account the roster made, with its home folder

Codes are stored hashed; a code cannot be read back, only reissued. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
REPO = HUB.parent
sys.path.insert(0, str(HUB))

from cenlab_hub import roster as roster_mod  # noqa: E402
from cenlab_hub import state as state_mod  # noqa: E402

DEFAULT_STATE = os.environ.get("CENLAB_HUB_STATE", "/srv/cenlab-hub")


def _need_root() -> None:
    if os.geteuid() != 0:
        raise SystemExit("run this as root: it creates system accounts")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", default=DEFAULT_STATE, help="the hub's state folder")
    parser.add_argument("--courses", default=str(REPO / "courses"), help="course sources")
    parser.add_argument("--datasets", default=str(REPO / "datasets"), help="shared datasets")
    parser.add_argument(
        "--grader-prefix",
        default=os.environ.get("CENLAB_HUB_GRADER_PREFIX", state_mod.GRADER_PREFIX),
        help="grader account of a course = prefix + course id",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("apply", help="create accounts, codes, courses and exchange")
    a.add_argument("roster")
    a.add_argument("--quiet", action="store_true", help="do not print the codes")
    r = sub.add_parser("reissue", help="replace the codes of these users")
    r.add_argument("users", nargs="+")
    c = sub.add_parser("check", help="check a roster file")
    c.add_argument("roster")
    sub.add_parser("remove-all", help="remove every account the roster made")
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            people = roster_mod.load(args.roster)
            n = sum(p.is_instructor for p in people)
            print(f"{len(people) - n} trainees, {n} instructors, courses:", end=" ")
            print(", ".join(roster_mod.courses(people)))
            return 0
        _need_root()
        state = Path(args.state)
        if args.command == "remove-all":
            for name in state_mod.remove_all(state, args.grader_prefix):
                print(f"removed {name}")
            return 0
        roster_path = args.roster if args.command == "apply" else state / "roster.csv"
        if args.command == "reissue":
            known = {p.username for p in roster_mod.load(roster_path)}
            unknown = sorted(set(args.users) - known)
            if unknown:
                raise roster_mod.RosterError(f"not on the roster: {', '.join(unknown)}")
        done = state_mod.prepare(
            state,
            roster_path,
            courses_src=args.courses,
            datasets_src=args.datasets,
            grader_prefix=args.grader_prefix,
            reissue=set(getattr(args, "users", ())),
        )
    except roster_mod.RosterError as err:
        print(f"roster problem: {err}", file=sys.stderr)
        return 2
    people, issued = done["people"], done["issued"]
    print(f"{len(people)} people, courses: {', '.join(done['settings']['courses'])}")
    if issued:
        print(f"{len(issued)} new codes, also in {state / 'codes-sheet.csv'} (mode 0600):")
        if not getattr(args, "quiet", False):
            for user, name, code in issued:
                print(f"  {user:<20} {name:<30} {code}")
    else:
        print("no new codes: everyone already has one (reissue USER for a lost code)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
