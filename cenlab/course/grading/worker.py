"""The grading workers: long-lived processes that autograde one trainee after another with
nbgrader, each trainee's kernel sandboxed.

In the instructor's process, ``start_server`` starts (once) the server that forks the workers,
with nbgrader already imported, and ``autograde`` runs ``jobs`` workers over the vetted
submissions, yielding each trainee's result as it completes.

In each worker (root, the instructor's), ``init_worker`` runs once: it takes a grader account,
makes the worker's private course (the assignment's files without the solutions, and a copy of
the course gradebook taken when grading began), writes the launcher's instructions and sets up
nbgrader. ``grade_task`` then grades one vetted submission in that private course: the kernel
starts through the launcher as the worker's account, in a fresh working copy that holds only
that trainee's files; the trainee's scores are read back from the private gradebook and
returned as plain data, with the graded notebooks, for the instructor's process to merge.

The private gradebook is scratch: it is written without waiting for the disk (the course
gradebook, written by the instructor's process alone, is committed as usual).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import warnings
from pathlib import Path

from cenlab.course.grading import sandbox
from cenlab.course.grading.executor import EVENTS, RUN, TIMES
from cenlab.course.grading.merge import private_scores
from cenlab.course.paths import CoursePaths

# What every worker imports, imported once by the server that forks the workers.
PRELOAD = [
    "cenlab.course.grading.worker",
    "cenlab.course.grading.confined",
    "nbgrader.apps",
    "nbgrader.converters",
    "nbclient",
    "ipykernel.kernelspec",  # how jupyter_client finds the python3 kernel
    "IPython.display",
    "psutil",
]
_WORKER: dict = {}  # this worker's account, private course and nbgrader API, set by init_worker


# --- in the instructor's process ---------------------------------------------------------


def start_server() -> None:
    """Start (once per process) the server that forks the grading workers, with nbgrader
    imported: workers then start at once instead of each importing it again."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def autograde(tasks, accounts, setup: dict, jobs: int, progress: bool):
    """Yield each task's result as it completes, ``jobs`` at a time, with a progress bar."""
    if not tasks:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    # Workers are forked from the forkserver, never from this process (which may hold
    # threads); each one serves many trainees.
    ctx = multiprocessing.get_context("forkserver")
    queue = ctx.Queue()
    for account in accounts:
        queue.put(account)
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(workers, ctx, init_worker, (queue, setup)) as pool:
        futures = {pool.submit(grade_task, t): t for t in tasks}
        bar = tqdm(total=len(tasks), desc="autograding", unit="trainee", disable=not progress)
        with bar:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a broken worker is one trainee's error
                    result = {"student": task["student"], "success": False, "events": []}
                    result.update(log=f"{type(exc).__name__}: {exc}", seconds=0.0)
                bar.update()
                yield result


# --- in each worker -----------------------------------------------------------------------


def init_worker(accounts, setup: dict) -> None:
    """Pool initializer: take one grader account for this worker's lifetime and prepare the
    worker's private course, launcher instructions and nbgrader API."""
    from nbgrader.apps import NbGraderAPI

    from cenlab.course.api import course_config, with_tools_on_path

    account = accounts.get()  # None: kernels run in bubblewrap as whoever grades
    home = Path(setup["scratch"]) / f"worker-{os.getpid()}"
    home.mkdir(mode=0o700)  # the kernels' account may not look in
    private = CoursePaths(home / "course")
    source = CoursePaths(setup["course_dir"]).source(setup["assignment"])
    # The source notebooks too: the test kernel runs their context cells (never a trainee's).
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copytree(source, private.source(setup["assignment"]), ignore=ignore)
    shutil.copyfile(setup["gradebook"], private.gradebook)
    own = CoursePaths(setup["course_dir"])
    if own.data_builder.exists():  # personalised data: the course's builder and secret
        shutil.copyfile(own.data_builder, private.data_builder)
        if own.secret.exists():
            shutil.copyfile(own.secret, private.secret)
            private.secret.chmod(0o600)
    _scratch_databases(str(home))
    _WORKER.update(account=account, course=private, setup=setup)
    RUN.update(max_output_bytes=setup["max_output_bytes"], account=account, worker=True)
    with_tools_on_path()
    cfg = course_config(setup["course_dir"], scratch=private.root)
    cfg.Execute.shutdown_kernel = "immediate"  # a PID namespace ends whatever the kernel left
    _WORKER["api"] = NbGraderAPI(config=cfg)


def _scratch_databases(folder: str) -> None:
    """Write SQLite databases under ``folder`` (the private gradebook) without waiting for the
    disk: they are thrown away after grading, and nbgrader commits after every cell."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _no_sync(dbapi_connection, _record):
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if any(f and f.startswith(folder + os.sep) for f in files):
            dbapi_connection.execute("PRAGMA synchronous = OFF")
            dbapi_connection.execute("PRAGMA journal_mode = MEMORY")


def grade_task(task: dict) -> dict:
    """Autograde one trainee's vetted submission (``task["vetted"]``) in this worker's private
    course, the kernel confined to the sandbox; return what happened, the scores and where the
    graded notebooks are."""
    started = time.perf_counter()
    student, setup = task["student"], _WORKER["setup"]
    assignment, course = setup["assignment"], _WORKER["course"]
    submitted = course.submitted(student, assignment)
    submitted.parent.mkdir(parents=True, exist_ok=True)
    os.rename(task["vetted"], submitted)
    try:
        result = _autograde(student, assignment, course)
    finally:
        for folder in (course.submitted(student), course.autograded(student)):
            shutil.rmtree(folder, ignore_errors=True)
    result["seconds"] = time.perf_counter() - started
    return result


def _autograde(student: str, assignment: str, course: CoursePaths) -> dict:
    setup, account = _WORKER["setup"], _WORKER["account"]
    EVENTS.clear()
    overtime = threading.Event()

    def stop():
        overtime.set()
        if account is not None:
            sandbox.kill_processes_of(account.uid)

    timer = threading.Timer(setup["notebook_timeout"], stop)
    timer.start()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not in session.*")
            outcome = _WORKER["api"].autograde(assignment, student, force=True, create=True)
    finally:
        # Nothing of the trainee's is left to kill: each kernel's PID namespace ended with it.
        # (The account's test kernel stays, for the next trainee.)
        timer.cancel()
    events = list(EVENTS)
    if overtime.is_set():
        limit = setup["notebook_timeout"]
        events = [e for e in events if e[0] != "kernel-died"]
        events.append(("timeout", f"the notebook ran longer than {limit} s in all and was stopped"))
    result = {"student": student, "success": bool(outcome["success"]), "events": events}
    result["split"] = dict(TIMES)
    if not outcome["success"]:
        log = "\n".join(x for x in (outcome.get("log"), outcome.get("error")) if x).strip()
        return {**result, "log": log[-3000:]}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        result["scores"] = private_scores(course.gradebook, assignment, student)
    graded = Path(setup["scratch"]) / "graded" / student
    os.rename(course.autograded(student, assignment), graded)
    return {**result, "log": "", "graded": str(graded)}
