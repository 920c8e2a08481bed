"""A JupyterHub authenticator for the roster's login codes.

Only people on the roster may log in (``allowed_users`` is set from it), and only with the code
the host handed them: the hub checks the code against the hashes ``cenlab-hub-roster`` wrote.
There is no sign-up and no first-login password, so nobody can claim an account before its owner
does.
After ``max_failures`` wrong codes in a row an account is locked for ``lockout_seconds``, which
makes guessing a code hopeless (it has about 59 bits).
"""

from __future__ import annotations

import asyncio
import time

from jupyterhub.auth import Authenticator
from traitlets import Integer, Unicode

from .codes import CodeStore


class RosterCodeAuthenticator(Authenticator):
    codes_file = Unicode(
        "", config=True, help="codes.json written by cenlab-hub-roster: user name -> code hash"
    )
    max_failures = Integer(5, config=True, help="wrong codes in a row before a lockout")
    lockout_seconds = Integer(300, config=True, help="how long a lockout lasts")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._failures: dict[str, tuple[int, float]] = {}

    def _locked(self, username: str) -> bool:
        count, since = self._failures.get(username, (0, 0.0))
        if count < self.max_failures:
            return False
        if time.monotonic() - since > self.lockout_seconds:
            self._failures.pop(username, None)
            return False
        return True

    async def authenticate(self, handler, data):
        username = self.normalize_username(data.get("username", ""))
        code = data.get("password", "")
        if not username or not code or not self.codes_file:
            return None
        if self._locked(username):
            self.log.warning("login for %s refused: locked after too many wrong codes", username)
            return None
        store = CodeStore(self.codes_file)
        # scrypt takes tens of milliseconds: keep it off the hub's event loop.
        ok = await asyncio.get_running_loop().run_in_executor(None, store.check, username, code)
        if not ok:
            count, _ = self._failures.get(username, (0, 0.0))
            self._failures[username] = (count + 1, time.monotonic())
            self.log.warning("wrong user name or code for %r", username)
            return None
        self._failures.pop(username, None)
        return username
