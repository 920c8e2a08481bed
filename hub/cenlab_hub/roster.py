"""The roster: the only source of who may log in to the workshop hub, and in which role.

A CSV file with a header line ``username,full_name,role,courses``: one person a line, ``role`` is
``trainee`` or ``instructor``, ``courses`` lists course ids separated by ``;`` (a trainee takes
them, an instructor grades them). Lines starting with ``#`` are comments. Standard library only.

``main`` is the ``cenlab-hub-roster`` command, which applies a roster to the machine (see USAGE).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROLES = ("trainee", "instructor")
COLUMNS = ("username", "full_name", "role", "courses")
# A Unix user name that is also a safe hub user name and nbgrader student id (no '+', no '*').
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
COURSE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
# Accounts the roster may never name: they exist on every machine, or belong to the hub.
RESERVED = {"root", "admin", "nobody", "daemon", "bin", "sys", "www-data", "jovyan", "hub"}


class RosterError(ValueError):
    """A roster that cannot be used; the message names the line and what is wrong."""


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: str
    courses: tuple[str, ...]

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"


def parse(text: str, source: str = "roster") -> list[Person]:
    """The people of a roster, in file order; raise RosterError naming every bad line."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise RosterError(f"{source}: no people in the roster")
    reader = csv.DictReader(lines, skipinitialspace=True)
    header = tuple(h.strip() for h in reader.fieldnames or ())
    if header[: len(COLUMNS)] != COLUMNS:
        raise RosterError(
            f"{source}: the header must be {','.join(COLUMNS)}; got {','.join(header)}"
        )
    people, problems, seen = [], [], set()
    for n, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        name, role = row["username"].lower(), row["role"].lower()
        courses = tuple(c.strip() for c in row["courses"].split(";") if c.strip())
        if not USERNAME.match(name):
            problems.append(
                f"line {n}: user name {row['username']!r} must be 2 to 31 lower-case letters, "
                "digits, '-' or '_', starting with a letter"
            )
        elif name in RESERVED or name.startswith("grader-"):
            problems.append(f"line {n}: user name {name!r} is reserved")
        elif name in seen:
            problems.append(f"line {n}: user name {name!r} appears twice")
        if role not in ROLES:
            problems.append(f"line {n}: role {row['role']!r} must be one of {', '.join(ROLES)}")
        bad = [c for c in courses if not COURSE.match(c)]
        if bad:
            problems.append(f"line {n}: course ids {bad} must be lower-case letters, digits, '-'")
        if not courses:
            problems.append(f"line {n}: {name} takes or teaches no course")
        seen.add(name)
        people.append(Person(name, row["full_name"] or name, role, courses))
    if problems:
        raise RosterError(f"{source}:\n  " + "\n  ".join(problems))
    return people


def load(path) -> list[Person]:
    path = Path(path)
    if not path.exists():
        raise RosterError(f"roster {path} not found")
    return parse(path.read_text(encoding="utf-8"), str(path))


def courses(people) -> list[str]:
    """Every course named in the roster, sorted."""
    return sorted({c for p in people for c in p.courses})


def groups(people) -> dict[str, list[str]]:
    """Hub groups: ``nbgrader-<course>`` (its trainees), ``formgrade-<course>`` (its
    instructors), plus ``trainees`` and ``instructors``."""
    out: dict[str, list[str]] = {"trainees": [], "instructors": []}
    for course in courses(people):
        out[f"nbgrader-{course}"] = []
        out[f"formgrade-{course}"] = []
    for p in people:
        out["instructors" if p.is_instructor else "trainees"].append(p.username)
        for c in p.courses:
            out[f"{'formgrade' if p.is_instructor else 'nbgrader'}-{c}"].append(p.username)
    return out


# --- the command: cenlab-hub-roster -------------------------------------------------------

USAGE = """\
Manage the workshop hub's people from the roster (run as root, from the checkout: the courses
and datasets are read from its courses/ and datasets/ folders unless named).

    cenlab-hub-roster apply ROSTER.csv [--state /srv/cenlab-hub]
        create a system account (private home, mode 0700) and a login code for everyone new on
        the roster, a grader account and course root for every course, the exchange and the
        shared datasets; print the codes issued and write them to STATE/codes-sheet.csv (0600)
    cenlab-hub-roster reissue USER [USER ...] [--state ...]
        replace lost codes (the old code stops working at once)
    cenlab-hub-roster check ROSTER.csv
        only read the roster and report what is wrong with it
    cenlab-hub-roster remove-all [--state ...]
        after the workshop: remove every account the roster made, with its home folder

Codes are stored hashed; a code cannot be read back, only reissued.
"""


def _arguments(argv, grader_prefix: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cenlab-hub-roster",
        description=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--state",
        default=os.environ.get("CENLAB_HUB_STATE", "/srv/cenlab-hub"),
        help="the hub's state folder",
    )
    parser.add_argument("--courses", default="courses", help="course sources")
    parser.add_argument("--datasets", default="datasets", help="shared datasets")
    parser.add_argument(
        "--grader-prefix",
        default=os.environ.get("CENLAB_HUB_GRADER_PREFIX", grader_prefix),
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
    return parser.parse_args(argv)


def main(argv=None) -> int:
    # Imported here: state builds on this module, and the hub's configuration, which imports
    # this module, needs none of state's account management.
    from . import state as state_mod

    args = _arguments(argv, state_mod.GRADER_PREFIX)
    try:
        if args.command == "check":
            people = load(args.roster)
            n = sum(p.is_instructor for p in people)
            print(f"{len(people) - n} trainees, {n} instructors, courses:", end=" ")
            print(", ".join(courses(people)))
            return 0
        if os.geteuid() != 0:
            raise SystemExit("run this as root: it creates system accounts")
        state = Path(args.state)
        if args.command == "remove-all":
            for name in state_mod.remove_all(state, args.grader_prefix):
                print(f"removed {name}")
            return 0
        roster_path = args.roster if args.command == "apply" else state / "roster.csv"
        if args.command == "reissue":
            known = {p.username for p in load(roster_path)}
            unknown = sorted(set(args.users) - known)
            if unknown:
                raise RosterError(f"not on the roster: {', '.join(unknown)}")
        done = state_mod.prepare(
            state,
            roster_path,
            courses_src=Path(args.courses).resolve(),
            datasets_src=Path(args.datasets).resolve(),
            grader_prefix=args.grader_prefix,
            reissue=set(getattr(args, "users", ())),
        )
    except RosterError as err:
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
    for course, info in done["settings"]["courses"].items():
        why = state_mod.grading_problem(info["grader"])
        if why:
            print(f"warning: the formgrader of {course} cannot autograde: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
