"""nbgrader tooling for course authors and instructors.

``paths`` spells every path rule of a course folder once; ``api`` opens nbgrader's API on it.
Authors: ``checks`` (the end-to-end check: source full marks, blank zero, wrong submissions lose),
``notebooks`` (static checks of committed notebooks), ``data`` (assignment data files),
``mutations`` and ``mutants`` (do the tests catch small wrong variants of each answer?);
``python -m cenlab.course check|build-data``. Instructors: ``commands`` (build, feedback,
export), ``grading`` (sandboxed parallel autograding), ``cohort`` (simulated cohorts),
``itemanalysis`` (which questions the cohort missed).
"""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(
        [
            "BUILT",
            "CoursePaths",
            "find_assignments",
            "course_id",
            "load_config",
            "wrong_submissions",
        ],
        "paths",
    )
    | dict.fromkeys(["course_api", "course_config"], "api")
    | dict.fromkeys(["build", "feedback", "export"], "commands")
    | dict.fromkeys(
        [
            "check_assignment",
            "check_assignments",
            "full_check",
            "static_problems",
            "CheckResult",
            "REFERENCE",
            "BLANK",
            "Item",
        ],
        "checks",
    )
    | dict.fromkeys(["build_data", "data_problems"], "data")
    | dict.fromkeys(["check_mutants", "MutantReport", "Outcome"], "mutants")
    | dict.fromkeys(["mutate", "Mutation"], "mutations")
    | dict.fromkeys(
        ["MARKERS", "notebook_problems", "convention_problems", "grade_ids"], "notebooks"
    )
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
