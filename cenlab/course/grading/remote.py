"""The test kernel's side: the trainee's answers, read as data, and proxies for the rest.

Before each test cell, the grader runs ``bind(globals(), names, socket)`` in the test kernel:
every name the cell reads that the trainee's answer cells set (or that the test kernel does not
have) is asked of the trainee's kernel (``serve.handle``) through the grader (``relay``) and
bound here. Data arrives as real data (``wire.loads``): a number is a number, a table a plain
DataFrame with pandas' own ``==``. Any other object (a ``risk.Profile``, a chart's axes, a
widget, a function) arrives as a ``Remote``: reading an attribute, calling it, ``len``,
``str``, iterating or indexing it asks the trainee's kernel, and only the result crosses back.
Comparisons and arithmetic on a ``Remote`` are not forwarded, so an object whose ``==`` always
answers True compares equal to nothing but itself.

Runs in the test kernel only: it has never run trainee code, so nothing here can have been
replaced by a trainee.
"""

from __future__ import annotations

import builtins
import json
import socket
import struct
import sys

_SOCKET: list[str] = []  # where the grader's relay listens
_BOUND: list[str] = []  # names bound from the trainee's kernel before the current test cell
MAX_ANSWER = 256 * 2**20


class TraineeError(Exception):
    """The trainee's code raised while a test used it, or did not answer."""


def _frame(sock, data: bytes) -> None:
    sock.sendall(struct.pack(">Q", len(data)) + data)


def _read(sock, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise TraineeError("the grader stopped answering")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _unframe(sock) -> bytes:
    (n,) = struct.unpack(">Q", _read(sock, 8))
    if n > MAX_ANSWER:
        raise TraineeError("the answer is too large to read")
    return _read(sock, n)


class _OnlyRemotes:
    """Arguments sent to the trainee's kernel: data, or the trainee's own objects back."""

    def add(self, obj) -> int:
        if isinstance(obj, Remote):
            return object.__getattribute__(obj, "_ref")["id"]
        raise TypeError(f"a test cannot send a {type(obj).__qualname__} to the trainee's code")


def ask(op: str, *, args=None, **fields):
    """Ask the trainee's kernel one question (see ``serve.OPERATIONS``); the answer as data or
    ``Remote``; a ``TraineeError`` when the trainee's code raised."""
    from cenlab.course.grading import wire

    blob = b"" if args is None else wire.dumps(args, handles=_OnlyRemotes())
    header = json.dumps({"op": op, "args": args is not None, **fields}).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(_SOCKET[0])
        _frame(sock, header)
        _frame(sock, blob)
        status = json.loads(_unframe(sock))
        if not status.get("ok"):
            raise TraineeError(status.get("error") or "the trainee's notebook did not answer")
        answer = wire.loads(_unframe(sock), max_bytes=MAX_ANSWER, remote=Remote)
    if not isinstance(answer, list) or not answer or answer[0] not in ("ok", "error"):
        raise TraineeError("the trainee's notebook answered something unreadable")
    if answer[0] == "error":
        ename, message = (list(answer[1:3]) + ["", ""])[:2]
        raise TraineeError(f"your code raised {ename}: {message}".rstrip(": "))
    return answer[1]


def _claimed_class(ref: dict):
    """The class a trainee's object says it has, when the test kernel has it imported and it is
    not a data type (data always crosses as data): so ``isinstance(profile, risk.Profile)``
    works, and a fake DataFrame is no DataFrame."""
    from cenlab.course.grading import wire

    obj = sys.modules.get(str(ref.get("module")))
    for part in str(ref.get("qualname", "")).split("."):
        plain = part.isidentifier() and not part.startswith("_")  # no way to dunder internals
        obj = getattr(obj, part, None) if obj is not None and plain else None
    data = (*wire.ENCODERS, wire.np.generic)
    if isinstance(obj, type) and not issubclass(obj, data):
        return obj
    return Remote


class Remote:
    """A trainee's object that is not data: every use asks the trainee's kernel."""

    __slots__ = ("_ref",)

    def __init__(self, ref: dict):
        object.__setattr__(self, "_ref", dict(ref))

    def _ask(self, op: str, **kw):
        return ask(op, id=object.__getattribute__(self, "_ref")["id"], **kw)

    @property
    def __class__(self):
        return _claimed_class(object.__getattribute__(self, "_ref"))

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", attr=name)

    def __setattr__(self, name: str, value) -> None:
        self._ask("setattr", attr=name, args=((value,), {}))

    def __call__(self, *args, **kwargs):
        return self._ask("call", args=(args, kwargs))

    def __len__(self) -> int:
        n = self._ask("len")
        if not isinstance(n, int) or n < 0:
            raise TypeError("the object's len() is not a whole number")
        return n

    def __iter__(self):
        items = self._ask("iter")
        return iter(items if isinstance(items, list) else [])

    def __getitem__(self, key):
        return self._ask("getitem", args=((key,), {}))

    def __str__(self) -> str:
        text = self._ask("str")
        return text if isinstance(text, str) else "?"

    def __repr__(self) -> str:
        text = self._ask("repr")
        return text if isinstance(text, str) else "?"

    __hash__ = object.__hash__


class Unreadable:
    """Stands for an answer the tests cannot read: any use says why, in one line."""

    __slots__ = ("_why",)

    def __init__(self, why: str):
        object.__setattr__(self, "_why", why)

    def _fail(self, *args, **kwargs):
        raise TypeError(object.__getattribute__(self, "_why"))

    __getattr__ = __call__ = __len__ = __iter__ = __getitem__ = __bool__ = _fail
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __float__ = __int__ = _fail
    __add__ = __sub__ = __mul__ = __truediv__ = __abs__ = __format__ = _fail
    __radd__ = __rsub__ = __rmul__ = __rtruediv__ = __contains__ = _fail
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<unreadable: {object.__getattribute__(self, '_why')}>"


def bind(ns: dict, names: list[str], socket_path: str, *, answers=()) -> None:
    """Bind in ``ns`` each of ``names`` from the trainee's kernel: those in ``answers`` (set
    by the assignment's answer cells) always, the others only when ``ns`` lacks them. Names
    bound before the previous test cell are dropped first: every test reads fresh answers."""
    _SOCKET[:] = [socket_path]
    for name in _BOUND:
        ns.pop(name, None)
    _BOUND.clear()
    ask("reset")
    for name in names:
        if name not in answers and (name in ns or hasattr(builtins, name)):
            continue
        try:
            ns[name] = ask("get", name=name)
        except TraineeError as exc:
            if "NameError" in str(exc):
                ns.pop(name, None)  # the test then says the name is not defined
                continue
            why = str(exc).removeprefix("your code raised NotData: ")
            ns[name] = Unreadable(f"{name}: {why}")
        _BOUND.append(name)
