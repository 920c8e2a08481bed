"""nbgrader's Execute step with two confined kernels: trainee code never shares a kernel with
the tests.

``ConfinedExecute`` replaces nbgrader's ``Execute`` in the autograde pipeline of every path
that runs trainees' code (``cenlab course grade``, ``cenlab course check``, ``make grade-me``
and the hub's formgrader, through ``c.Autograde.autograde_preprocessors``):

- the trainee kernel runs the submission's cells, except its test cells, in a fresh copy of
  the submission's files (regular files only);
- the test kernel has never run trainee code: it runs the assignment's context cells from the
  course's source notebook and each test cell, in a fresh copy of the course's own data files,
  reading the trainee's answers as data through the relay (``plan``, ``remote``, ``relay``,
  ``serve``, ``wire``); the trainee kernel never sees a test;
- both start inside bubblewrap (``bubble``): no network, no view of the host beyond the Python
  installation and their own folder, limits on memory, CPU time, processes and file size, and
  every process a kernel started ends with it (a PID namespace per kernel);
- a test cell's error shows its message only, never its traceback, so no hidden test's text
  reaches the trainee's feedback;
- output is capped per cell (error messages and tracebacks included), and what the trainee's
  cells did becomes a status and a plain message (``executor``).

nbgrader then scores the test cells from their outputs as usual, so the gradebook, the
formgrader, feedback and exports work unchanged.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import Execute

from cenlab.course import personal
from cenlab.course.grading import bubble, executor
from cenlab.course.grading.executor import EVENTS, RUN, TIMES
from cenlab.course.grading.plan import CellPlan, is_test, read_names
from cenlab.course.grading.settings import CenlabGrader
from cenlab.course.grading.testkernel import Capped, TestKernel, discard, take
from cenlab.course.paths import CoursePaths

ERROR_TEXT = 2_000  # characters of an error message kept in a cell


def copy_regular_files(src: Path, dest: Path) -> None:
    """Copy the regular files under ``src`` (not notebooks, links, fifos or devices) to
    ``dest``: what a kernel's folder starts with."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder, dirs, files in os.walk(src, followlinks=False):
        rel = Path(folder).relative_to(src)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for d in dirs:
            (dest / rel / d).mkdir(exist_ok=True)
        for name in files:
            if name.endswith(".ipynb"):
                continue
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY | os.O_NOFOLLOW)
            except OSError:
                continue
            with os.fdopen(fd, "rb") as fh:
                if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    with open(dest / rel / name, "wb") as out:
                        shutil.copyfileobj(fh, out)


def overlay(src: Path, dest: Path) -> None:
    """Put the files of ``src`` into ``dest``, replacing whatever ``dest`` holds under their
    names (a file, a folder or a link a submission put there)."""
    for item in src.iterdir():
        target = dest / item.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.copyfile(item, target)


def _hand_over(folder: Path) -> None:
    """Give ``folder`` and all in it to the kernels' account (when there is one), 0700."""
    account = _account()
    if account is not None:
        for base, dirs, files in os.walk(folder):
            for name in [base, *(os.path.join(base, n) for n in dirs + files)]:
                os.lchown(name, account.uid, account.gid)
    folder.chmod(0o700)


def _account():
    """The account kernels run as: the grading worker's, or ``nobody`` when root checks or
    grades without one (root in a sandbox is still root to the process limit), or None: the
    account that grades."""
    if RUN.get("account") is not None:
        return RUN["account"]
    if os.geteuid() != 0:
        return None
    import pwd

    from cenlab.course.grading.sandbox import Account

    nobody = pwd.getpwnam("nobody")
    return Account("nobody", nobody.pw_uid, nobody.pw_gid)


class ConfinedExecute(Capped, Execute):
    """See the module doc."""

    def on_cell_executed(self, **kwargs):
        """nbgrader adds the reply's error to the cell when no output showed it: cut its
        message first (a 400 MB message is output like any other)."""
        content = (kwargs.get("execute_reply") or {}).get("content", {})
        if content.get("status") == "error":
            content["evalue"] = str(content.get("evalue", ""))[:ERROR_TEXT]
            content["traceback"] = [f"{content.get('ename')}: {content['evalue']}"]
        return super().on_cell_executed(**kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self._stopped, self._tests, self._relay = None, None, None
        TIMES.clear()
        TIMES.update(start=0.0, trainee=0.0, tests=0.0)
        self._clock = time.perf_counter()
        self._limits = CenlabGrader(config=self.config)
        if not RUN.get("worker"):  # nbgrader's own autograde, the formgrader: one notebook
            EVENTS.clear()
            RUN["max_output_bytes"] = self._limits.max_output_bytes
        scratch = Path(tempfile.mkdtemp(prefix="cenlab-run-"))
        try:
            scratch.chmod(0o711)
            self._folders = self._prepare(scratch, resources)
            self._plan = CellPlan.from_source(self._source_notebook(resources))
            resources["metadata"]["path"] = RUN["run_dir"] = str(self._folders["work"])
            self._resources = resources
            self._take_tests(resources)
            try:
                return super().preprocess(nb, resources, km)
            except DeadKernelError:  # died before running a single cell
                executor._died_at_start(nb)
                return nb, resources
        finally:
            self._close()
            shutil.rmtree(scratch, ignore_errors=True)

    # --- folders and kernels -------------------------------------------------------------

    def _prepare(self, scratch: Path, resources) -> dict[str, Path]:
        """The trainee kernel's folder (a copy of the submission's files, with the trainee's
        own data over its data files) and socket folder."""
        folders = {k: scratch / k for k in ("work", "work-io")}
        copy_regular_files(Path(resources["metadata"]["path"]), folders["work"])
        self._data = self._personal_data(scratch / "data", resources)
        if self._data is not None:
            overlay(self._data, folders["work"])
        folders["work-io"].mkdir()
        for folder in folders.values():
            _hand_over(folder)
        return folders

    def _course_root(self) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root)

    def _course_name(self) -> str:
        """The course's id (a worker's private copy of the course has another folder name)."""
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config).course_id or self._course_root().name

    def _source_folder(self, resources) -> Path:
        return CoursePaths(self._course_root()).source(resources["nbgrader"]["assignment"])

    def _personal_data(self, folder: Path, resources) -> Path | None:
        """The trainee's own data for a personalised assignment, rebuilt here from the course's
        secret and the trainee's id (never read from the submission), or None."""
        root, assignment = self._course_root(), resources["nbgrader"]["assignment"]
        if not personal.is_personal(root, assignment):
            return None
        student = resources["nbgrader"]["student"]
        personal.build_for(root, assignment, student, folder, course=self._course_name())
        return folder

    def _source_notebook(self, resources):
        import nbformat

        path = self._source_folder(resources) / f"{resources['nbgrader']['notebook']}.ipynb"
        if not path.is_file():
            raise ValueError(f"the course has no source notebook {path.name}: tests need it")
        return nbformat.read(str(path), as_version=4)

    def _prefix(self, work: Path, io: Path) -> list[str]:
        account = _account()
        return bubble.command(
            workdir=work,
            writable=[io],
            limits=self._limits.bubble_limits(),
            uid=None if account is None else account.uid,
            gid=None if account is None else account.gid,
        )

    def _manager(self, work: Path, io: Path):
        account = _account()
        return bubble.kernel_manager(
            prefix=self._prefix(work, io),
            folder=io,
            uid=None if account is None else account.uid,
            gid=None if account is None else account.gid,
            kernel_name="python3",
            config=self.config,
        )

    async def async_start_new_kernel(self, **kwargs):
        # The kernel's own chatter (not the cells' output) stays off the grader's terminal.
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def create_kernel_manager(self):
        self.km = self._manager(self._folders["work"], self._folders["work-io"])
        return self.km

    def _take_tests(self, resources) -> None:
        """The test kernel (kept from the last trainee of this assignment, or started now: it
        gets ready while the trainee kernel starts), in a fresh copy of the course's data."""
        source = self._source_folder(resources)
        account = _account()

        def fill(folder: Path) -> None:
            copy_regular_files(source, folder)
            if self._data is not None:  # the trainee's own data over the course's
                overlay(self._data, folder)
            _hand_over(folder)

        key = (str(source), None if account is None else account.uid, self._limits.bubble_limits())
        self._tests, tests, io = take(
            key,
            fill=fill,
            manager=self._manager,
            timeout=self.timeout,
            startup_timeout=self.startup_timeout,
        )
        self._folders.update({"tests": tests, "tests-io": io})

    def _ready_tests(self) -> TestKernel:
        if self._tests is None:  # the last one died or hung: a new one, context from the start
            self._take_tests(self._resources)
            self._plan.done = 0
        tests = self._tests
        if tests.kc is None:
            tests.start_new_kernel_client()
        if self._relay is None:
            self._relay = self._start_relay()
        return tests

    def _start_relay(self):
        from jupyter_client import BlockingKernelClient

        from cenlab.course.grading.relay import Relay

        client = BlockingKernelClient()
        client.load_connection_info(self.km.get_connection_info())
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        relay = Relay(
            socket_path=self._folders["tests-io"] / "relay.sock",
            folder=self._folders["work-io"],
            client=client,
            timeout=float(self.timeout or 30),
            max_bytes=RUN.get("max_answer_bytes", 256 * 2**20),
            alive=self._trainee_alive,
        )
        account = _account()
        if account is not None:  # the test kernel connects to it as that account
            os.chown(relay.socket_path, account.uid, account.gid)
        return relay.__enter__()

    def _trainee_alive(self) -> bool:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None

    def _close(self) -> None:
        """Stop the relay; the test kernel is kept for the next trainee."""
        if self._relay is not None:
            self._relay.__exit__(None, None, None)
            Path(self._relay.socket_path).unlink(missing_ok=True)
            self._relay = None

    # --- cells ---------------------------------------------------------------------------

    def _tick(self, what: str) -> None:
        """Add the time since the last tick to ``TIMES[what]``: the kernels' start, the
        trainee's cells, the tests."""
        now = time.perf_counter()
        TIMES[what] += now - self._clock
        self._clock = now

    def preprocess_cell(self, cell, resources, index):
        if not any(TIMES.values()):
            self._tick("start")  # both kernels started, the trainee's is ready
        try:
            return self._preprocess_cell(cell, resources, index)
        finally:
            self._tick("tests" if is_test(cell) else "trainee")

    def _preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        name = executor._cell_name(cell, index)
        if self._stopped:
            executor._not_run(cell, self._stopped)
            return cell, resources
        if is_test(cell):
            self._run_test(cell, name, index)
            return cell, resources
        self._out_bytes, self._capped, self._timed_out = 0, False, False
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = name
            executor._kernel_died(cell, name)
            return cell, resources
        except CellTimeoutError:
            if not self._timed_out:
                raise
            self._stopped = name
            executor._ignored_interrupt(cell, name, self.timeout)
            return cell, resources
        executor._note_cell(
            cell, name, capped=self._capped, timed_out=self._timed_out, timeout=self.timeout
        )
        return cell, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def _run_test(self, cell, name: str, index: int) -> None:
        """Run test ``cell`` in the test kernel, after the context cells before it and with
        the names it reads bound from the trainee's kernel."""
        try:
            tests = self._ready_tests()
            grade_id = cell.metadata["nbgrader"].get("grade_id", "")
            for source in self._plan.context_before(grade_id):
                tests.run(new_code_cell(source))
            names = read_names(cell.source)
            sock = str(self._folders["tests-io"] / "relay.sock")
            answers = sorted(set(names) & self._plan.answers)
            bind = (
                "__import__('cenlab.course.grading.remote', fromlist=['bind'])"
                f".bind(globals(), {names!r}, {sock!r}, answers={answers!r})"
            )
            run = new_code_cell(f"{bind}\n{cell.source}", metadata=cell.metadata)
            tests.run(run)  # one execution: the names bound, then the test
            cell.outputs, cell.execution_count = run.outputs, run.execution_count
        except (DeadKernelError, CellTimeoutError) as exc:
            self._close()
            discard()  # the next test cell gets a new test kernel
            self._tests = self._relay = None
            cell.outputs = [executor._error("TestError", f"the tests could not run ({exc})")]
            EVENTS.append(("error", f"the tests of {name} could not run"))
            return
        for out in cell.outputs:
            if out.get("output_type") == "error":
                out["evalue"] = str(out.get("evalue", ""))[:ERROR_TEXT]
                out["traceback"] = [f"{out.get('ename')}: {out['evalue']}"]
