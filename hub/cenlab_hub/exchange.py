"""nbgrader's exchange, made safe to share between trainees on one machine.

nbgrader 0.9.6's default exchange trusts everyone who can write to it:

- the exchange root must be world-writable, so a trainee could rename a course's folder away and
  put a fake one in its place. Here the root belongs to root (mode 0755) and each course folder to
  that course's grader account; these classes only need to enter the root, not write to it;
- a submission is world-readable, and ``collect`` takes a submission filed under another
  trainee's name with only a warning ("cheating attempt?"). Here a submission is readable by its
  owner and the course's grader group only, and ``collect`` refuses any submission whose folder is
  not owned by the student it names (or is a link): it is logged as an error and never collected,
  so it cannot shadow the real student's work either;
- ``collect`` parses every folder name before any check and copies with links followed. Here a
  folder with a bad name, the wrong owner, or anything but the submitter's folders and plain
  files is set aside with an error naming it, everyone else is collected, nothing is followed,
  and the submission time is the files' newest change time, which the trainee cannot set back.

The hub's site-wide ``nbgrader_config.py`` selects these classes through ``ExchangeFactory``.
"""

from __future__ import annotations

import datetime
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
from nbgrader.utils import ignore_patterns, parse_utc
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


def _walk(path: str, onerror=None):
    """``os.walk`` (top down, links not followed) without recursion: Python's own recurses, and
    a submission may nest folders by the thousand."""
    todo = [path]
    while todo:
        here = todo.pop()
        dirnames, filenames = [], []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    (dirnames if is_dir else filenames).append(entry.name)
        except OSError as err:
            if onerror is not None:
                onerror(err)
            continue
        yield here, dirnames, filenames
        todo.extend(os.path.join(here, d) for d in reversed(dirnames))


def submission_owner_problem(path: str, student_id: str) -> str | None:
    """Why the submission folder ``path`` cannot be taken as ``student_id``'s, or None."""
    try:
        st = os.lstat(path)
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    owner = _owner_name(st.st_uid)
    if owner != student_id:
        return f"was filed by {owner}, not by {student_id}"
    return None


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def submission_content_problem(path: str, uid: int | None) -> str | None:
    """Why the files in the submission folder ``path`` cannot be collected, or None: anything
    but folders and regular files (links, FIFOs, devices, sockets), or a file that belongs to
    someone other than ``uid`` (a hard link to another person's file). Nothing is followed."""
    problems: list[str] = []

    def unreadable(err: OSError) -> None:
        problems.append(f"cannot be read ({err.strerror})")

    for dirpath, dirnames, filenames in _walk(path, onerror=unreadable):
        rel = os.path.relpath(dirpath, path)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        if dirnames and depth + 1 >= MAX_DEPTH:
            rel = os.path.relpath(os.path.join(dirpath, dirnames[0]), path)
            return f"holds {rel}, folders nested {MAX_DEPTH} deep or more"
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, path)
            try:
                st = os.lstat(full)
            except OSError as err:
                return f"holds {rel}, which cannot be read ({err.strerror})"
            if stat.S_ISLNK(st.st_mode):
                return f"holds {rel}, a link (only plain files are collected)"
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                return f"holds {rel}, a special file (only plain files are collected)"
            if uid is not None and st.st_uid != uid:
                return f"holds {rel}, which belongs to {_owner_name(st.st_uid)}"
    return problems[0] if problems else None


def newest_change(path: str) -> datetime.datetime:
    """The newest change time (ctime) of the folder ``path`` and everything in it, as a naive UTC
    datetime like nbgrader's. No user can set a change time back, unlike a folder name, the
    text of timestamp.txt or a modification time."""
    newest = os.lstat(path).st_ctime
    for dirpath, dirnames, filenames in _walk(path):
        for name in dirnames + filenames:
            newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_ctime)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).replace(tzinfo=None)


TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
MAX_DEPTH = 16  # folders nested deeper in a submission are not collected (as cenlab's grader)


class Collect(_EnterableRoot, ExchangeCollect):
    """Collect what each trainee really submitted, and only that.

    - a folder not owned by the student it names, with a name that is not
      ``<student>+<assignment>+<time>``, or holding anything but folders and plain files of that
      student (links, FIFOs, devices, hard links to others' files) is set aside with an error
      naming it; everyone else is collected;
    - the submission time is the newest change time of the submitted files, not the time the
      trainee wrote in the folder name and timestamp.txt; a late submission is reported late;
    - files are copied without following anything (``O_NOFOLLOW``, checked again on the open
      file), so a folder changed after the checks still cannot bring in another file.
    """

    require_owner = Bool(
        True,
        help="Refuse submissions not owned by the student they name. Only for hubs where every "
        "trainee is a distinct system user; on Kubernetes all pods share one uid.",
    ).tag(config=True)

    def _set_aside(self, filename: str, problem: str) -> None:
        self.refused.append((filename, problem))
        self.log.error(
            "Not collecting inbound/%s: it %s. Everyone else is collected.", filename, problem
        )

    def _path_to_record(self, path):
        """nbgrader's record of an inbound folder, or None (set aside) if it cannot be trusted."""
        filename = os.path.basename(path)
        parts = filename.rsplit("+", 3)
        if len(parts) < 3:
            self._set_aside(filename, "is not named <student>+<assignment>+<time>")
            return None
        username = parts[0]
        try:
            claimed = parse_utc(parts[2])
        except (ValueError, OverflowError, TypeError, LookupError):
            claimed = None
        if claimed is None:
            self._set_aside(filename, f"has no valid time in its name ({parts[2][:40]!r})")
            return None
        problem = self.require_owner and submission_owner_problem(path, username)
        uid = os.lstat(path).st_uid if self.require_owner else None
        problem = problem or submission_content_problem(path, uid)
        if problem:
            self._set_aside(filename, problem)
            return None
        made = newest_change(path)
        self._trusted[path] = (made, uid)
        return {"username": username, "filename": filename, "timestamp": made, "claimed": claimed}

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
        self.refused = []
        self._trusted = {}
        records = [r for r in map(self._path_to_record, sorted(glob.glob(pattern))) if r]
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
        for rec in self.src_records:
            self._report_time(rec)

    def _report_time(self, rec) -> None:
        made, claimed = rec["timestamp"], rec["claimed"]
        if claimed < made - datetime.timedelta(minutes=1):
            self.log.warning(
                "inbound/%s says it was submitted at %s UTC, but its files were last changed at "
                "%s UTC: that is its submission time.",
                rec["filename"],
                claimed.strftime("%Y-%m-%d %H:%M"),
                made.strftime("%Y-%m-%d %H:%M"),
            )
        if self.duedate is not None and made > self.duedate:
            self.log.warning(
                "%s's submission is late: made %s UTC, due %s UTC.",
                rec["username"],
                made.strftime("%Y-%m-%d %H:%M"),
                self.duedate.strftime("%Y-%m-%d %H:%M"),
            )

    def do_copy(self, src, dest, log=None):
        """Copy folders and regular files of the submitter only, following nothing; write the
        trusted submission time into timestamp.txt."""
        made, uid = self._trusted[src]
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )
        budget = [1000 * self.coursedir.max_dir_size]
        fd = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            self._copy_dir(fd, src, dest, uid, ignore, budget)
        finally:
            os.close(fd)
        with open(os.path.join(dest, "timestamp.txt"), "w") as fh:
            fh.write(made.strftime(TIMESTAMP_FORMAT))

    def _copy_dir(self, src_fd, src, dest, uid, ignore, budget, depth=0) -> None:
        os.mkdir(dest)
        if depth >= MAX_DEPTH:  # no deeper: each level holds a file descriptor and a frame
            self.log.error("Not collected: %s (folders nested %d deep)", src, MAX_DEPTH)
            return
        names = sorted(os.listdir(src_fd))
        skip = set(ignore(src, names))
        for name in names:
            if name in skip:
                continue
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=src_fd)
            except OSError as err:  # a link put there after the checks (ELOOP), or gone
                self.log.error("Not collected: %s (%s)", os.path.join(src, name), err.strerror)
                continue
            try:
                st = os.fstat(fd)
                if uid is not None and st.st_uid != uid:
                    self.log.error(
                        "Not collected: %s (not the submitter's)", os.path.join(src, name)
                    )
                elif stat.S_ISDIR(st.st_mode):
                    self._copy_dir(fd, os.path.join(src, name), os.path.join(dest, name), uid,
                                   ignore, budget, depth + 1)  # fmt: skip
                elif stat.S_ISREG(st.st_mode):
                    budget[0] -= st.st_size
                    if budget[0] < 0:
                        self.log.error(
                            "Not collected: %s (the submission is over %d KB)",
                            os.path.join(src, name),
                            self.coursedir.max_dir_size,
                        )
                        continue
                    with (
                        os.fdopen(os.dup(fd), "rb") as fin,
                        open(os.path.join(dest, name), "wb") as fout,
                    ):
                        shutil.copyfileobj(fin, fout)
                else:
                    self.log.error("Not collected: %s (not a plain file)", os.path.join(src, name))
            finally:
                os.close(fd)


CLASSES = {
    "collect": Collect,
    "fetch_assignment": FetchAssignment,
    "fetch_feedback": FetchFeedback,
    "list": List,
    "release_assignment": ReleaseAssignment,
    "release_feedback": ReleaseFeedback,
    "submit": Submit,
}
