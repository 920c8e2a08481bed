"""nbgrader settings of the data-quality course; run nbgrader commands from this folder.

Only source/ is versioned: release/, submitted/, autograded/, feedback/ and gradebook.db are built.
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "data-quality"
# Per-cell limit while autograding; every notebook runs top to bottom in well under it.
c.ExecutePreprocessor.timeout = 60
# What trainees see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Folders a notebook writes when run in place (the transfer outbox) never go into a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "outbox"]
# Autograding, from any tool (nbgrader autograde, the formgrader, cenlab course grade): trainees'
# cells and the tests run in two kernels, each sandboxed in bubblewrap (cenlab.course.grading);
# feedback never shows hidden tests (nbgrader's own feedback does).
from cenlab.course.grading.settings import (  # noqa: E402
    AUTOGRADE_PREPROCESSORS,
    FEEDBACK_PREPROCESSORS,
)

c.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
