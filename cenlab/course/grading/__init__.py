"""Sandboxed grading of a cohort, in the order it happens:

1. ``vetting``: each submission read without running it (foreign files, links, damaged or
   changed notebooks, test cells put back);
2. ``worker``, ``executor``, ``sandbox``, ``launcher``: autograding in parallel, every kernel
   confined, from workers forked off a server that imported nbgrader once;
3. ``merge``: the scores into the one gradebook, in the instructor's process only.
``run.grade`` runs the three and writes a status per trainee; ``settings`` holds the limits
(``c.CenlabGrader.*`` in the course's nbgrader_config.py). Names are imported on first use:
nbgrader and nbformat load only once grading starts.
"""

from cenlab import lazy_exports

EXPORTS = {
    "grade": "run",
    "GradeRun": "run",
    "CenlabGrader": "settings",
    "submissions": "run",
    "read_status": "run",
    "write_status": "run",
    "NOT_RUN": "vetting",
    "STATUSES": "vetting",
    "Outcome": "vetting",
    "Vetted": "vetting",
    "foreign_files": "vetting",
    "restore_locked_cells": "vetting",
    "vet": "vetting",
}
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
