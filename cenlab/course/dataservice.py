"""The data service of one course on the workshop hub: each trainee's own data, as a zip.

    python -m cenlab.course.dataservice --course-dir ROOT

JupyterHub starts one per course (the service ``<course>-data``, hub/jupyterhub_config.py), as the
course's grader account: it alone can read the course's secret. ``GET <prefix><assignment>`` with
``Authorization: token <token>`` (what ``mydata.my_data`` sends, with the server's own token)
answers a zip of ``personal.build_for(root, assignment, <the token's hub user>)``: the data files
and the stamp.

- Who: the hub says whose the token is (``jupyterhub.services.auth.HubAuth``; never a cookie, never
  a token in the URL). It must carry ``access:services!service=<this service>`` (the hub's role
  ``data-<course>``) and its user must be in ``nbgrader-<course>`` or ``formgrade-<course>``. The
  data built are always that user's own: nobody can ask for someone else's.
- What: an assignment folder of ``source/`` whose data are personal, found by its name in that list.
- Anything else is refused (403, 404) with one plain line, never a traceback.

Built zips are kept in memory (``CACHE_BYTES`` at most, the oldest dropped first), keyed by
assignment, user and the dates of the course's ``build_data.py`` and secret.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import sys
import tempfile
import zipfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth, HubAuthenticated, UserNotAllowed
from tornado import ioloop, web
from tornado.log import app_log, enable_pretty_logging

from cenlab.course import personal
from cenlab.course.paths import CoursePaths

CACHE_BYTES = 200_000_000  # built zips kept in memory
BUILDERS = 2  # data built at once (CPU work); other requests wait their turn
FAILED = "the data service could not make your data: tell your instructor"


def refused(status: int, message: str) -> web.HTTPError:
    """A refusal whose one-line message is also the status line's reason, which ``my_data``
    shows the trainee."""
    return web.HTTPError(status, message, reason=message)


class Plain(web.RequestHandler):
    """Errors as one plain line: the message of a refusal, nothing else. The log names the
    path only, never the query (a token a client put in the URL)."""

    def _request_summary(self) -> str:
        return f"{self.request.method} {self.request.path} ({self.request.remote_ip})"

    def write_error(self, status_code, **kwargs):
        if status_code >= 500:  # what went wrong is in the service's log, not for the trainee
            self.set_status(status_code, reason=FAILED)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(self._reason + "\n")


class NotFound(Plain):
    def prepare(self):
        raise refused(404, "no such page")


class DataHandler(HubAuthenticated, Plain):
    def initialize(self, service: Service):
        self.service = service
        self.hub_auth = service.auth

    async def prepare(self):
        model = await self.hub_auth.get_user(self, sync=False)  # the hub, off the event loop
        if not model:
            raise refused(403, "no valid hub token: run the notebook on the hub")
        try:
            self.check_hub_user(model)  # the token carries access to this service
        except UserNotAllowed:
            model = None
        groups = set(model.get("groups") or ()) if model else set()
        if not model or model.get("kind") != "user" or not groups & self.service.groups:
            raise refused(403, f"you are not in the course {self.service.course}")
        self.current_user = model

    async def get(self, assignment: str):
        if assignment not in await self.service.run(self.service.personal_assignments):
            raise refused(404, "this course has no assignment of that name with own data")
        body = await self.service.zip_for(assignment, self.current_user["name"])
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", f'attachment; filename="{assignment}.zip"')
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class Service:
    """The course at ``root``, its hub authentication and its cache of built zips."""

    def __init__(self, root, name: str):
        self.root = Path(root).resolve()
        self.course = self.root.name
        self.groups = {f"nbgrader-{self.course}", f"formgrade-{self.course}"}
        self.auth = HubAuth(
            access_scopes={f"access:services!service={name}"},
            allow_token_in_url=False,
            cache_max_age=60,
        )
        self.pool = ThreadPoolExecutor(BUILDERS, thread_name_prefix="build")
        self.cache: OrderedDict[tuple, bytes] = OrderedDict()
        self.pending: dict[tuple, asyncio.Future] = {}

    def run(self, fn, *args) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def personal_assignments(self) -> list[str]:
        source = CoursePaths(self.root).source()
        names = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
        return [name for name in names if personal.is_personal(self.root, name)]

    def _version(self) -> tuple:
        paths = CoursePaths(self.root)
        return tuple(p.stat().st_mtime_ns for p in (paths.data_builder, paths.secret))

    async def zip_for(self, assignment: str, user: str) -> bytes:
        key = (assignment, user, self._version())
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        future = self.pending.get(key)
        if future is None:  # one build per key, however many ask at once
            future = self.pending[key] = self.run(self._build, assignment, user)
            future.add_done_callback(lambda done: self._keep(key, done))
        return await future

    def _keep(self, key: tuple, done: asyncio.Future) -> None:
        del self.pending[key]
        if done.cancelled() or done.exception() is not None:
            return
        self.cache[key] = done.result()
        while sum(map(len, self.cache.values())) > CACHE_BYTES and len(self.cache) > 1:
            self.cache.popitem(last=False)

    def _build(self, assignment: str, user: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="cenlab-data-") as tmp:
            files = personal.build_for(self.root, assignment, user, tmp)
            names = [Path(f).name for f in files] + [personal.STAMP]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in names:
                    archive.write(Path(tmp) / name, name)
        app_log.info("built %s's data for %s", user, assignment)
        return buffer.getvalue()


def make_app(service: Service, prefix: str) -> web.Application:
    route = rf"{re.escape(prefix.rstrip('/'))}/([^/]+)"
    return web.Application(
        [(route, DataHandler, {"service": service})],
        default_handler_class=NotFound,
        log_function=_log,
    )


def _log(handler: web.RequestHandler) -> None:
    status = handler.get_status()
    log = app_log.info if status < 400 else app_log.warning
    ms = 1000 * handler.request.request_time()
    log("%d %s %.1fms", status, handler._request_summary(), ms)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", default=".", help="the course root [the current folder]")
    args = parser.parse_args(argv)
    enable_pretty_logging()
    try:
        url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
        name = os.environ["JUPYTERHUB_SERVICE_NAME"]
        prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    except KeyError as missing:
        sys.exit(f"dataservice: {missing} is not set: JupyterHub starts this service")
    try:
        personal.course_secret(args.course_dir)  # made now when missing, readable by us only
    except (OSError, ValueError) as err:
        sys.exit(f"dataservice: {err}")
    service = Service(args.course_dir, name)
    make_app(service, prefix).listen(url.port, address=url.hostname)
    app_log.info("serving the data of %s at %s%s", service.course, url.netloc, prefix)
    ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
