"""The limits of ``cenlab course grade``, set in the course's ``nbgrader_config.py`` as
``c.CenlabGrader.<name>``, the way nbgrader's own preprocessors take their settings.

The time limit of a cell is nbgrader's own: ``c.ExecutePreprocessor.timeout`` (or
``c.Execute.timeout``), 30 s unless set.
"""

from __future__ import annotations

from traitlets import Int, TraitError
from traitlets.config import Configurable

# nbgrader's autograde pipeline with its Execute step replaced by the confined one: trainee code
# and tests in two sandboxed kernels. Every path that autogrades uses it (``course_config``,
# and the hub's copy of each course's ``nbgrader_config.py``).
AUTOGRADE_PREPROCESSORS = [
    "cenlab.course.grading.confined.ConfinedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# nbgrader's feedback pipeline, plus the step that takes hidden tests out of the test cells:
# nbgrader's own feedback shows them to the trainee.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]


class CenlabGrader(Configurable):
    """How far one trainee's kernel may go while it is graded."""

    max_output_bytes = Int(
        1_000_000, help="Bytes of output kept per cell; the rest is cut and the trainee told."
    ).tag(config=True)
    notebook_timeout = Int(
        600, help="Seconds a whole submission may run before its kernel is stopped."
    ).tag(config=True)
    memory_mb = Int(4096, help="Address space of one kernel, in MB.").tag(config=True)
    file_mb = Int(512, help="Largest file a kernel may write, in MB.").tag(config=True)
    processes = Int(
        512, help="Processes and threads of one grader account (a kernel and its children)."
    ).tag(config=True)

    @classmethod
    def from_config(cls, cfg) -> CenlabGrader:
        """The settings of ``cfg`` (a course's loaded ``nbgrader_config.py``). An unknown name
        or a value of the wrong type is a one-line ValueError naming it."""
        given = cfg.CenlabGrader if "CenlabGrader" in cfg else {}
        traits = cls.class_traits(config=True)
        unknown = sorted(set(given) - set(traits))
        if unknown:
            # traitlets would only warn, and a misspelt limit would silently not apply.
            raise ValueError(f"unknown CenlabGrader settings {unknown}; known: {sorted(traits)}")
        for name, value in given.items():
            try:
                traits[name].validate(None, value)
            except TraitError:
                # traitlets' message names a trait of an instance, not the line to change.
                msg = f"c.CenlabGrader.{name} must be {traits[name].info()}, not {value!r}"
                raise ValueError(msg) from None
        return cls(config=cfg)

    @property
    def cell_timeout(self):
        """Seconds per cell, from nbgrader's own setting."""
        timeout = self.config.get("ExecutePreprocessor", {}).get("timeout")
        return self.config.get("Execute", {}).get("timeout", timeout or 30)

    def kernel_limits(self) -> dict[str, int]:
        """What bubblewrap's ``prlimit`` sets on each kernel."""
        return {"memory_mb": self.memory_mb, "file_mb": self.file_mb, "processes": self.processes}

    def bubble_limits(self):
        """The limits of one kernel's sandbox (``bubble.Limits``): CPU time is the whole
        notebook's time limit."""
        from cenlab.course.grading.bubble import Limits

        return Limits(**self.kernel_limits(), cpu_seconds=self.notebook_timeout)


if __name__ == "__main__":  # pragma: no cover - handy while writing a course's config
    import json
    import sys

    from cenlab.course.paths import load_config

    grader = CenlabGrader.from_config(load_config(sys.argv[1]))
    names = grader.class_trait_names(config=True)
    values = {**{n: getattr(grader, n) for n in names}, "cell_timeout": grader.cell_timeout}
    print(json.dumps(values, indent=1))
