"""Sandboxed grading of a cohort, in the order it happens:

1. ``vetting``: each submission read without running it (foreign files, links, damaged or
   changed notebooks, test cells put back);
2. ``worker``, ``confined``, ``bubble``, ``sandbox``, ``executor``: autograding in parallel from
   workers forked off a server that imported nbgrader once; trainee code and tests each in a
   kernel of their own in bubblewrap, answers crossing as data (``plan``, ``relay``,
   ``serve``, ``remote``, ``wire``);
3. ``merge``: the scores into the one gradebook, in the instructor's process only.
``run.grade`` runs the three and writes a status per trainee; ``settings`` holds the limits
(``c.CenlabGrader.*`` in the course's nbgrader_config.py). Names are imported on first use:
nbgrader and nbformat load only once grading starts.
"""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(["grade", "GradeRun", "submissions", "read_status", "write_status"], "run")
    | dict.fromkeys(["CenlabGrader"], "settings")
    | dict.fromkeys(
        [
            "NOT_RUN",
            "STATUSES",
            "Outcome",
            "Vetted",
            "foreign_files",
            "restore_locked_cells",
            "vet",
        ],
        "vetting",
    )
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
