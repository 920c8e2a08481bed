"""Where things are in an nbgrader course folder: every path rule, spelled once.

A course root holds ``nbgrader_config.py``, ``source/<assignment>/`` (versioned, with the course's
``build_data.py`` beside it and committed wrong submissions under ``tests/<assignment>/<student>/``)
and what nbgrader builds: ``release/``, ``submitted/``, ``autograded/``, ``feedback/``,
``gradebook.db``. cenlab adds ``reports/`` (grading statuses, item analysis). nbgrader's
``CourseDirectory`` has the same rules for its own folders (a test checks that they agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG = "nbgrader_config.py"
GRADEBOOK = "gradebook.db"
TIMESTAMP = "timestamp.txt"  # nbgrader's submission time, in each submitted folder
SOURCE = "source"  # versioned; the rest is built
RELEASE = "release"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"
REPORTS = "reports"  # cenlab's: grading statuses, item analysis
SECRET = ".cenlab-secret"  # cenlab's: the key of every trainee's own data; never released
BUILT = (RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK, GRADEBOOK, ".nbgrader.log")


def sqlite_url(db) -> str:
    """The SQLAlchemy URL nbgrader's Gradebook opens for the database file ``db``."""
    return f"sqlite:///{db}"


@dataclass(frozen=True)
class CoursePaths:
    """The files and folders of the course at ``root``. An assignment left out means the
    step's own folder (``release()`` is ``release/``); a student left out, the assignment's."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    @property
    def config(self) -> Path:
        return self.root / CONFIG

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def db_url(self) -> str:
        return sqlite_url(self.gradebook)

    @property
    def data_builder(self) -> Path:
        """The course's ``build_data.py``, which makes the assignments' data files."""
        return self.root / "build_data.py"

    @property
    def secret(self) -> Path:
        """The course's secret, beside its gradebook: each trainee's data is derived from it
        (``personal``). It never goes into a release."""
        return self.root / SECRET

    @property
    def exchange(self) -> Path:
        """A scratch course's own exchange, away from the machine's."""
        return self.root / "exchange"

    @property
    def grades_file(self) -> Path:
        """Where ``cenlab course export`` writes the grades unless told otherwise."""
        return self.root / "grades.csv"

    def source(self, assignment: str = "") -> Path:
        return self.root / SOURCE / assignment

    def release(self, assignment: str = "") -> Path:
        return self.root / RELEASE / assignment

    def submitted(self, student: str, assignment: str = "") -> Path:
        return self.root / SUBMITTED / student / assignment

    def autograded(self, student: str, assignment: str = "") -> Path:
        return self.root / AUTOGRADED / student / assignment

    def feedback(self, student: str, assignment: str = "") -> Path:
        return self.root / FEEDBACK / student / assignment

    def each_student(self, step: str, assignment: str) -> dict[str, Path]:
        """Student -> ``<step>/<student>/<assignment>`` for every student who has one."""
        return {p.parent.name: p for p in sorted((self.root / step).glob(f"*/{assignment}"))}

    def wrong_submissions_dir(self, assignment: str) -> Path:
        """``tests/<assignment>/``: one folder per wrong submission, named as its student."""
        return self.root / "tests" / assignment

    def status_file(self, assignment: str) -> Path:
        return self.root / REPORTS / f"{assignment}-status.csv"

    def trainee_view(self, student: str, assignment: str) -> Path:
        """One trainee's data and the model answers run on them (``cenlab course trainee``)."""
        return self.root / REPORTS / "trainees" / student / assignment

    def item_chart(self, assignment: str) -> Path:
        return self.root / REPORTS / f"{assignment}-items.png"


def find_assignments(courses_root) -> list[tuple[Path, str]]:
    """(course folder, assignment name) for every ``<course>/source/<assignment>/`` with a
    notebook, sorted."""
    found = []
    for nb in sorted(Path(courses_root).glob(f"*/{SOURCE}/*/*.ipynb")):
        pair = (nb.parent.parent.parent, nb.parent.name)
        if pair not in found and ".ipynb_checkpoints" not in nb.parts:
            found.append(pair)
    return found


def course_id(course_dir) -> str:
    """The ``CourseDirectory.course_id`` set in the course's ``nbgrader_config.py``."""
    cfg = load_config(course_dir)
    return cfg.CourseDirectory.course_id if "course_id" in cfg.CourseDirectory else ""


def load_config(course_dir):
    """The traitlets Config of ``<course_dir>/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    path = CoursePaths(course_dir).config
    if not path.exists():
        raise ValueError(f"{path} not found: every course needs an nbgrader_config.py")
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def wrong_submissions(course_dir, assignment: str) -> dict[str, Path]:
    """Student name -> folder holding that student's committed notebooks, from
    ``<course>/tests/<assignment>/<student>/``."""
    root = CoursePaths(course_dir).wrong_submissions_dir(assignment)
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and any(p.glob("*.ipynb"))}
