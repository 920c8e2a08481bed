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
# cells and the tests run in two kernels, each sandboxed in bubblewrap (cenlab.course.grading).
c.Autograde.autograde_preprocessors = [
    "cenlab.course.grading.confined.ConfinedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback never shows hidden tests (nbgrader's own feedback does).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
