"""nbgrader tooling for course authors and instructors.

``paths`` spells every path rule of a course folder once; ``api`` opens nbgrader's API on it.
Authors: ``checks`` (the end-to-end check: source full marks, blank zero, wrong submissions lose),
``notebooks`` (static checks of committed notebooks), ``data`` (assignment data files);
``python -m cenlab.course check|build-data``. Instructors: ``commands`` (build, feedback,
export), ``grading`` (sandboxed parallel autograding), ``cohort`` (simulated cohorts),
``itemanalysis`` (which questions the cohort missed).
"""

from cenlab import lazy_exports

EXPORTS = {
    "BUILT": "paths",
    "CoursePaths": "paths",
    "find_assignments": "paths",
    "course_id": "paths",
    "load_config": "paths",
    "wrong_submissions": "paths",
    "course_api": "api",
    "course_config": "api",
    "build": "commands",
    "feedback": "commands",
    "export": "commands",
    "check_assignment": "checks",
    "check_assignments": "checks",
    "full_check": "checks",
    "static_problems": "checks",
    "CheckResult": "checks",
    "REFERENCE": "checks",
    "BLANK": "checks",
    "Item": "checks",
    "build_data": "data",
    "data_problems": "data",
    "MARKERS": "notebooks",
    "notebook_problems": "notebooks",
    "convention_problems": "notebooks",
    "grade_ids": "notebooks",
}
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
