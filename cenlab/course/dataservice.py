"""The data service of one course on the workshop hub: each trainee's own data, as a zip.

    python -m cenlab.course.dataservice --course-dir ROOT --socket PATH --released DIR

JupyterHub starts one per course (the service ``<course>-data``, hub/jupyterhub_config.py), as the
course's grader account: it alone can read the course's secret. ``GET /<assignment>`` with
``Authorization: token <token>`` (what ``mydata.my_data`` sends, with the server's own token)
answers a zip of ``personal.build_for(root, assignment, <the token's hub user>)``: the data files
and the stamp.

- Where: a Unix socket in a folder only the grader account writes (``serve``), never a TCP port:
  a trainee cannot take its place while it restarts, and ``my_data`` checks that the account
  answering is the grader's before it sends a token. It has no route through the hub's proxy.
- Who: the hub says whose the token is (``jupyterhub.services.auth.HubAuth``; never a cookie, never
  a token in the URL). It must carry ``access:services!service=<this service>`` (the hub's role
  ``data-<course>``) and its user must be in ``nbgrader-<course>`` or ``formgrade-<course>``. The
  data built are always that user's own: nobody can ask for someone else's.
- What: an assignment whose data are personal (``source/``) and which the instructors have
  released (in the exchange's ``outbound/``), found by its name in those lists.
- How much: no request body, small headers, a request that does not arrive within
  ``IDLE_SECONDS`` closed, and ``PER_ACCOUNT`` connections at a time from one account (the
  kernel says whose a connection is), so no trainee can hold the service for the others. (An
  answer a client never reads holds that client's own connection: tornado has no write
  timeout; only its own account is slowed.)
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
import resource
import sys
import tempfile
import time
import zipfile
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyterhub.services.auth import HubAuth, HubAuthenticated, UserNotAllowed
from tornado import ioloop, netutil, web
from tornado.httpserver import HTTPServer
from tornado.log import app_log, enable_pretty_logging

from cenlab.course import personal
from cenlab.course.mydata import peer_uid
from cenlab.course.paths import CoursePaths

CACHE_BYTES = 200_000_000  # built zips kept in memory
BUILDERS = 2  # data built at once (CPU work); other requests wait their turn
FAILED = "the data service could not make your data: tell your instructor"
NO_LOGIN = (
    "your hub login is not valid here: stop and start your server (File > Hub Control Panel),"
    " then run this cell again"
)
PER_ACCOUNT = 8  # connections open at once from one account
BACKLOG = 1024  # connections waiting to be accepted (a client waits its turn when it is full)
IDLE_SECONDS = 20  # an idle connection, or one that sends its request slowly, is closed
LIMITS = {"max_body_size": 1024, "max_header_size": 16_384, "body_timeout": IDLE_SECONDS,
          "idle_connection_timeout": IDLE_SECONDS, "no_keep_alive": True}  # fmt: skip


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
            raise refused(403, NO_LOGIN)
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
            raise refused(404, "this course has no released assignment of that name with own data")
        body = await self.service.zip_for(assignment, self.current_user["name"])
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", f'attachment; filename="{assignment}.zip"')
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class Service:
    """The course at ``root``, its hub authentication and its cache of built zips."""

    def __init__(self, root, name: str, released):
        self.root = Path(root).resolve()
        self.released = Path(released)  # the exchange's outbound/ of the course
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
        """The released assignments whose data are personal."""
        names = _folders(CoursePaths(self.root).source()) & _folders(self.released)
        return [name for name in sorted(names) if personal.is_personal(self.root, name)]

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


def _folders(path: Path) -> set[str]:
    return {p.name for p in path.iterdir() if p.is_dir()} if path.is_dir() else set()


class BoundedServer(HTTPServer):
    """Tornado's HTTP server with at most ``PER_ACCOUNT`` connections of one account open at
    once (the peer's account, as the kernel says on a Unix socket); more are closed at once."""

    def initialize(self, *args, **kwargs):
        super().initialize(*args, **kwargs)
        self.account_of: dict = {}
        self.open: Counter = Counter()
        self.warned: dict = {}  # account -> when its refusals were last logged

    def handle_stream(self, stream, address) -> None:
        account = peer_uid(stream.socket)
        if self.open[account] >= PER_ACCOUNT:
            now = time.monotonic()
            if now - self.warned.get(account, -60.0) >= 60:  # a flood: one line a minute
                self.warned[account] = now
                app_log.warning("refusing connections of account %s: %d open", account, PER_ACCOUNT)
            stream.close()
            return
        before = set(self._connections)
        super().handle_stream(stream, address)
        for conn in self._connections - before:
            self.account_of[conn] = account
            self.open[account] += 1

    def on_close(self, server_conn) -> None:
        super().on_close(server_conn)
        account = self.account_of.pop(server_conn, None)
        if account is not None:
            self.open[account] -= 1


def serve(app: web.Application, path) -> BoundedServer:
    """Listen on the Unix socket ``path`` (anyone may connect; only the owner of its folder can
    put a socket there) with ``LIMITS``."""
    server = BoundedServer(app, **LIMITS)
    server.add_socket(netutil.bind_unix_socket(str(path), mode=0o666, backlog=BACKLOG))
    return server


def make_app(service: Service, prefix: str = "/") -> web.Application:
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
    parser.add_argument("--socket", required=True, help="the Unix socket to listen on")
    parser.add_argument("--released", required=True, help="the exchange's outbound/ of the course")
    args = parser.parse_args(argv)
    enable_pretty_logging()
    name = os.environ.get("JUPYTERHUB_SERVICE_NAME")
    if not name:
        sys.exit("dataservice: JUPYTERHUB_SERVICE_NAME is not set: JupyterHub starts this service")
    try:
        personal.course_secret(args.course_dir)  # made now when missing, readable by us only
    except (OSError, ValueError) as err:
        sys.exit(f"dataservice: {err}")
    _more_open_files()
    service = Service(args.course_dir, name, args.released)
    try:
        serve(make_app(service), args.socket)
    except OSError as err:
        sys.exit(f"dataservice: cannot listen on {args.socket}: {err.strerror}")
    app_log.info("serving the data of %s on %s", service.course, args.socket)
    ioloop.IOLoop.current().start()
    return 0


def _more_open_files() -> None:
    """As many open files as the account may have: connections are bounded per account, not by
    running out of files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65_536 if hard == resource.RLIM_INFINITY else min(hard, 65_536)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


if __name__ == "__main__":
    sys.exit(main())
