"""nbgrader settings of the seizure-analysis course; run nbgrader commands from this folder.

Only source/ is versioned: release/, submitted/, autograded/, feedback/ and gradebook.db are built.
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "seizure-analysis"
# Per-cell limit while autograding; every notebook runs top to bottom in well under it.
c.ExecutePreprocessor.timeout = 60
# What trainees see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Autograding, from any tool (nbgrader autograde, the formgrader, cenlab course grade): trainees'
# cells and the tests run in two kernels, each sandboxed in bubblewrap (cenlab.course.grading);
# feedback never shows hidden tests (nbgrader's own feedback does).
from cenlab.course.grading.settings import (  # noqa: E402
    AUTOGRADE_PREPROCESSORS,
    FEEDBACK_PREPROCESSORS,
)

c.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
