"""The trainee kernel's side of a test's questions: answered as data, never as code.

A test runs in its own kernel, which has never run a trainee's code. When it reads an answer
(``base_rate``) or uses an object the trainee made (``profile.matches(frame)``), the grader
asks the trainee's kernel one question at a time by running ``handle(...)`` there: the question
is a small JSON header (an operation, a name or attribute, a handle number) and, for calls, the
arguments as ``wire`` bytes in a file. The answer goes back as ``wire`` bytes in another file:
data (numbers, text, lists, dicts, arrays, tables) as data, and anything else as a numbered
handle the test can ask about in turn. The test's own code and expected values never come here.

Everything in this module runs inside the trainee's kernel, which the trainee controls: it may
have replaced any of it. That is fine, because all it can change is the bytes of its answers,
which the test kernel reads as data (``wire.loads``) and judges by itself.
"""

from __future__ import annotations

import json

HANDLES: dict[int, object] = {}  # handle number -> the trainee's object it stands for
_ITER_MAX = 100_000  # elements a test may list out of one object


class _Handles:
    """``wire.dumps``'s table of handles: each non-data object gets a number."""

    def add(self, obj) -> int:
        for key, held in HANDLES.items():
            if held is obj:
                return key
        key = len(HANDLES) + 1
        HANDLES[key] = obj
        return key


def _user_namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _held(ref: dict):
    try:
        return HANDLES[int(ref["id"])]
    except (KeyError, TypeError, ValueError):
        raise LookupError("the test asked about an object that no longer exists") from None


def _listed(obj) -> list:
    out = []
    for item in obj:
        out.append(item)
        if len(out) > _ITER_MAX:
            raise ValueError(f"more than {_ITER_MAX:,} elements to list")
    return out


def _get(req, _args):
    ns = _user_namespace()
    name = str(req["name"])
    if name not in ns:
        raise NameError(f"name '{name}' is not defined")
    return ns[name]


# One small function per question a test may ask; ``args`` are the decoded arguments.
OPERATIONS = {
    "get": _get,
    "getattr": lambda req, _a: getattr(_held(req), str(req["attr"])),
    "setattr": lambda req, a: setattr(_held(req), str(req["attr"]), a[0][0]),
    "call": lambda req, a: _held(req)(*a[0], **a[1]),
    "str": lambda req, _a: str(_held(req)),
    "repr": lambda req, _a: repr(_held(req)),
    "len": lambda req, _a: len(_held(req)),
    "iter": lambda req, _a: _listed(_held(req)),
    "getitem": lambda req, a: _held(req)[a[0][0]],
    "reset": lambda _r, _a: HANDLES.clear(),
}


def handle(header: str, args_path: str, answer_path: str) -> None:
    """Answer one question (``header``, with arguments in ``args_path``) into
    ``answer_path``: ``["ok", value]`` or ``["error", error type, message]``, as wire bytes."""
    from cenlab.course.grading import wire

    try:
        req = json.loads(header)
        args = ((), {})
        if req.get("args"):
            with open(args_path, "rb") as fh:
                args = wire.loads(fh.read(), remote=_held)
        answer = ["ok", OPERATIONS[req["op"]](req, args)]
        data = wire.dumps(answer, handles=_Handles())
    except BaseException as exc:  # noqa: BLE001 - every failure is an answer to the test
        message = str(exc).splitlines()[0][:500] if str(exc) else ""
        data = wire.dumps(["error", type(exc).__name__, message])
    with open(answer_path, "wb") as fh:
        fh.write(data)
