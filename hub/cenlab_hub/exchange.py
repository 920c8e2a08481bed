"""nbgrader's exchange, made safe to share between trainees on one machine.

nbgrader 0.9.6's default exchange trusts everyone who can write to it:

- the exchange root must be world-writable, so a trainee could rename a course's folder away and
  put a fake one in its place. Here the root belongs to root (mode 0755) and each course folder to
  that course's grader account; these classes only need to enter the root, not write to it;
- a submission is world-readable, and ``collect`` takes a submission filed under another
  trainee's name with only a warning ("cheating attempt?"). Here a submission is readable by its
  owner and the course's grader group only, and ``collect`` refuses any submission whose folder is
  not owned by the student it names (or is a link): it is logged as an error and never collected,
  so it cannot shadow the real student's work either.

The hub's site-wide ``nbgrader_config.py`` selects these classes through ``ExchangeFactory``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeList,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from nbgrader.exchange.default.collect import groupby
from nbgrader.utils import ignore_patterns
from traitlets import Bool


class _EnterableRoot:
    """The exchange root need only be enterable, not writable: it belongs to root."""

    def ensure_root(self):
        if not os.path.isdir(self.root) or not os.access(self.root, os.X_OK):
            self.fail(f"The exchange {self.root} is missing; please tell your instructor.")


class FetchAssignment(_EnterableRoot, ExchangeFetchAssignment):
    pass


class FetchFeedback(_EnterableRoot, ExchangeFetchFeedback):
    pass


class List(_EnterableRoot, ExchangeList):
    pass


class ReleaseAssignment(_EnterableRoot, ExchangeReleaseAssignment):
    pass


class ReleaseFeedback(_EnterableRoot, ExchangeReleaseFeedback):
    pass


class Submit(_EnterableRoot, ExchangeSubmit):
    """Submit, then close the submission to everyone but its owner and the grader group (the
    inbound folder is set-group-id, so the submission carries the course grader's group)."""

    def do_copy(self, src, dest, log=None):
        if os.path.dirname(dest) != self.inbound_path:
            return super().do_copy(src, dest, log)
        # Make the folder first: it inherits the grader's group from the set-group-id inbound.
        # Everything made in it before copytree ends (which copies the source folder's mode and
        # so drops set-group-id) keeps that group, including the two files nbgrader writes next.
        os.mkdir(dest)
        for name in ("timestamp.txt", "submission_secret.txt"):
            open(os.path.join(dest, name), "w").close()
        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError("Directory size is too big.")
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )
        shutil.copytree(src, dest, ignore=ignore, dirs_exist_ok=True)

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for dirpath, dirnames, filenames in os.walk(dest):
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), 0o640)
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o750)
        # Group write lets the grader tidy the inbound folder later; others get nothing.
        os.chmod(dest, 0o770)


def submission_owner_problem(path: str, student_id: str) -> str | None:
    """Why the submission folder ``path`` cannot be taken as ``student_id``'s, or None."""
    try:
        st = os.lstat(path)
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = f"uid {st.st_uid}"
    if owner != student_id:
        return f"was filed by {owner}, not by {student_id}"
    return None


class Collect(_EnterableRoot, ExchangeCollect):
    """Collect only submissions filed by the student they name."""

    require_owner = Bool(
        True,
        help="Refuse submissions not owned by the student they name. Only for hubs where every "
        "trainee is a distinct system user; on Kubernetes all pods share one uid.",
    ).tag(config=True)

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not os.access(self.inbound_path, os.R_OK | os.X_OK):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        self.refused = []
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            problem = self.require_owner and submission_owner_problem(path, record["username"])
            if problem:
                self.refused.append((record["filename"], problem))
                self.log.error(
                    "Not collecting %s: it claims to be %s's submission but %s.",
                    record["filename"],
                    record["username"],
                    problem,
                )
                continue
            records.append(record)
        usergroups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in usergroups.values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time or ordered
            self.src_records.append(ordered[0])


CLASSES = {
    "collect": Collect,
    "fetch_assignment": FetchAssignment,
    "fetch_feedback": FetchFeedback,
    "list": List,
    "release_assignment": ReleaseAssignment,
    "release_feedback": ReleaseFeedback,
    "submit": Submit,
}
