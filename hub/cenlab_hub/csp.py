"""A Content-Security-Policy that keeps a server's pages to that server's own paths.

The hub, every person's server and each course's formgrader share one origin (see
docs/hosts.md): a script on a page of one server could use the visitor's cookies on every other
path. This server extension (enabled for trainee and instructor servers in ``etc/<role>/``)
adds a second policy to every response of the server, next to Jupyter's own (browsers enforce
every policy they receive, so Jupyter's ``frame-ancestors`` and the ``sandbox`` of its file
pages still hold). It lets a page connect (``fetch``, XHR, websockets, event streams) and open
frames only under the server's own base URL (``JUPYTERHUB_SERVICE_PREFIX``, ``/user/<name>/``)
and the hub's API; an instructor's pages may also frame the formgraders (``/services/``).

Source expressions with a path need a host: the policy names the host the browser asked for
(the ``Host`` header, which the proxy and nginx pass on), checked to be a plain host name. With
no usable host the policy allows no connection at all.

What it cannot stop: a script can still open another path in a window of its own
(``window.open``) and reach into it, since it is the same origin; CSP ignores paths after a
redirect. Subdomains (``c.JupyterHub.subdomain_host``) are the real isolation.
"""

from __future__ import annotations

import os
import re

from tornado.web import OutputTransform

HEADER = "Content-Security-Policy"
HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def policy(host: str, prefix: str, hub_prefix: str, frames: tuple[str, ...] = ()) -> str:
    """The policy of a server at ``prefix`` (``/user/ana/``), reached at ``host``."""
    if not HOST.match(host or ""):
        return "connect-src 'none'; frame-src 'none'; worker-src 'none'"
    own = f"{host}{prefix}"  # no scheme: http, and https (from an http page too)
    # chromium does not extend a source without a scheme to websockets: name them.
    connect = [own, f"ws://{own}", f"wss://{own}", f"{host}{hub_prefix}api/"]
    frame = [own, *(f"{host}{path}" for path in frames), "blob:", "data:"]
    return "; ".join(
        [
            "connect-src " + " ".join(connect),
            "frame-src " + " ".join(frame),
            f"worker-src {own} blob:",
        ]
    )


def _transform(prefix: str, hub_prefix: str, frames: tuple[str, ...]) -> type[OutputTransform]:
    class PathPolicy(OutputTransform):
        def __init__(self, request):
            self.host = request.host

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            headers.add(HEADER, policy(self.host, prefix, hub_prefix, frames))
            return status_code, headers, chunk

    return PathPolicy


def _jupyter_server_extension_points():
    return [{"module": "cenlab_hub.csp"}]


def _load_jupyter_server_extension(serverapp) -> None:
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", serverapp.base_url)
    base = os.environ.get("JUPYTERHUB_BASE_URL", "/")
    frames = (f"{base}services/",) if os.environ.get("CENLAB_FRAME_SERVICES") else ()
    serverapp.web_app.transforms.append(_transform(prefix, f"{base}hub/", frames))
    serverapp.log.info("cenlab: pages connect to %s and %shub/api/ only", prefix, base)
