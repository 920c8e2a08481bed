"""A JupyterHub authenticator for the roster's login codes.

Only people on the roster may log in (``allowed_users`` is set from it), and only with the code
the host handed them: the hub checks the code against the hashes ``cenlab-hub-roster`` wrote.
There is no sign-up and no first-login password, so nobody can claim an account before its owner
does. A code is reusable for the whole workshop (about 59 bits: guessing it is hopeless).

What an attacker can do with the login page is bounded:

- input longer than ``max_input`` characters is refused before anything else is done with it;
- wrong codes are throttled per (user name, client address) with short, growing waits
  (``throttle.Throttle``): nobody can keep a person out from another address, and from the same
  address for at most ``max_wait`` seconds; attempts while waiting cost no hashing;
- a user name not on the roster costs no hashing either: the answer waits as long as a real
  check takes, so timing tells little about who is on the roster;
- scrypt runs on at most ``hash_workers`` threads, off the hub's event loop.

The client address is the one the hub sees (behind the reverse proxy of docs/hosts.md, the
``X-Real-IP`` it sets).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Float, Integer, Unicode

from . import codes as codes_mod
from .codes import CodeStore
from .throttle import Throttle


class RosterCodeAuthenticator(Authenticator):
    codes_file = Unicode(
        "", config=True, help="codes.json written by cenlab-hub-roster: user name -> code hash"
    )
    free_failures = Integer(
        3, config=True, help="wrong codes from one address before a user name must wait"
    )
    max_wait = Float(60.0, config=True, help="longest wait after wrong codes, in seconds")
    max_input = Integer(128, config=True, help="longest user name or code accepted, in characters")
    table_size = Integer(10_000, config=True, help="most (user, address) pairs remembered")
    hash_workers = Integer(2, config=True, help="threads that may hash codes at once")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.throttle = Throttle(
            free=self.free_failures, max_wait=self.max_wait, size=self.table_size
        )
        self._pool = ThreadPoolExecutor(self.hash_workers, thread_name_prefix="login-hash")
        started = time.perf_counter()
        codes_mod.hash_code("calibrate")
        self._hash_seconds = time.perf_counter() - started

    async def authenticate(self, handler, data):
        username, code = data.get("username", ""), data.get("password", "")
        if len(username) > self.max_input or len(code) > self.max_input:
            self.log.warning(
                "login refused: input too long (user name %d, code %d characters)",
                len(username),
                len(code),
            )
            return None
        username = self.normalize_username(username)
        if not username or not code or not self.codes_file:
            return None
        address = handler.request.remote_ip if handler is not None else ""
        key = (username, address)
        wait = self.throttle.wait(key)
        if wait > 0:
            self.log.warning("login for %r from %s refused: waiting after wrong codes", *key)
            err = web.HTTPError(429, "too many wrong codes")
            err.jupyterhub_message = (
                f"Too many wrong codes for {username} from your address: "
                f"try again in {int(wait) + 1} seconds."
            )
            raise err
        stored = CodeStore(self.codes_file).load().get(username)
        if stored is None:
            # Not on the roster: no hashing, only the time a real check takes.
            await asyncio.sleep(self._hash_seconds)
            ok = False
        else:
            loop = asyncio.get_running_loop()
            ok = await loop.run_in_executor(self._pool, codes_mod.verify, code, stored)
        if not ok:
            self.throttle.fail(key)
            self.log.warning("wrong user name or code for %r from %s", *key)
            return None
        self.throttle.clear(key)
        return username
