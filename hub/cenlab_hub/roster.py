"""The roster: the only source of who may log in to the workshop hub, and in which role.

A CSV file with a header line ``username,full_name,role,courses``: one person a line, ``role`` is
``trainee`` or ``instructor``, ``courses`` lists course ids separated by ``;`` (a trainee takes
them, an instructor grades them). Lines starting with ``#`` are comments. Standard library only.
"""

from __future__ import annotations

import csv
import re
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
