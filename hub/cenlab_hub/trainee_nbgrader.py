"""nbgrader's trainee endpoints (assignment list, fetch, submit, feedback, validate), loaded on
first use.

A trainee's server needs nbgrader's ``assignment_list`` and ``validate_assignment`` server
extensions, but importing nbgrader imports all of it (formgrader, gradebook database, nbconvert):
about half a CPU second in every server, at the moment a whole cohort logs in at once. This server extension registers the same URLs and imports nbgrader's handlers at the
first request to one of them, which comes when the trainee opens the Assignment List or presses
Validate, not when JupyterLab opens. Behaviour is nbgrader's own: each request is served by an
instance of nbgrader's handler class.

Enable it instead of the two nbgrader extensions (see ``state.TRAINEE_OFF``):
``ServerApp.jpserver_extensions = {"cenlab_hub.trainee_nbgrader": True}``.
"""

from __future__ import annotations

import importlib
import threading

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

# URL pattern -> (nbgrader module, handler class), as nbgrader 0.9 registers them.
ASSIGNMENTS = "nbgrader.server_extensions.assignment_list.handlers"
VALIDATE = "nbgrader.server_extensions.validate_assignment.handlers"
ROUTES = [
    (r"/assignments/validate", VALIDATE, "ValidateAssignmentHandler"),
    (r"/assignments", ASSIGNMENTS, "AssignmentListHandler"),
    (
        r"/assignments/(?P<action>fetch|submit|fetch_feedback)",
        ASSIGNMENTS,
        "AssignmentActionHandler",
    ),
    (r"/courses", ASSIGNMENTS, "CourseListHandler"),
    (r"/nbgrader_version", ASSIGNMENTS, "NbGraderVersionHandler"),
]

_lock = threading.Lock()
_server_app = None


def _real_handler(module: str, name: str) -> type[web.RequestHandler]:
    with _lock:
        mod = importlib.import_module(module)
        settings = _server_app.web_app.settings
        if module == ASSIGNMENTS and "assignment_list_manager" not in settings:
            # What nbgrader's load_jupyter_server_extension sets up, done at first use.
            manager = mod.AssignmentList(parent=_server_app)
            manager.root_dir = _server_app.root_dir
            settings["assignment_list_manager"] = manager
        return getattr(mod, name)


def _lazy(module: str, name: str) -> type[web.RequestHandler]:
    class Lazy(JupyterHandler):
        """Stands in for nbgrader's ``name``: tornado instantiates this class for a request,
        and gets an instance of nbgrader's class instead."""

        def __new__(cls, application, request, **kwargs):
            return _real_handler(module, name)(application, request, **kwargs)

        # Never called (instances are nbgrader's); declared authenticated like nbgrader's.
        @web.authenticated
        def get(self, *args, **kwargs):
            raise web.HTTPError(500)

        @web.authenticated
        def post(self, *args, **kwargs):
            raise web.HTTPError(500)

    Lazy.__name__ = Lazy.__qualname__ = f"Lazy{name}"
    return Lazy


def _jupyter_server_extension_points():
    return [{"module": "cenlab_hub.trainee_nbgrader"}]


def _load_jupyter_server_extension(server_app) -> None:
    global _server_app
    _server_app = server_app
    settings = server_app.web_app.settings
    settings["root_dir"] = server_app.root_dir  # nbgrader's validate handler reads it
    base_url = settings["base_url"]
    server_app.web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, pattern), _lazy(mod, name)) for pattern, mod, name in ROUTES],
    )
