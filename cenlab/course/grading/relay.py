"""The grader's relay between a test kernel and a trainee's kernel.

The two kernels never meet: each runs in its own sandbox. The test kernel's questions
(``remote.ask``) arrive on a Unix socket in the test kernel's folder; the relay, a thread of the
grader, writes the arguments to a file in the trainee kernel's folder, runs ``serve.handle``
there (a silent execution that stores no history), reads the answer file back (a regular file,
never a link, at most ``max_bytes``) and passes the bytes on unread: the test kernel decodes
them. The relay itself never decodes what the trainee's kernel wrote.
"""

from __future__ import annotations

import json
import os
import socketserver
import stat
import threading
from pathlib import Path

from cenlab.course.grading import remote


def read_answer(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, a regular file the trainee's kernel wrote, if not larger than
    ``max_bytes``; a ``ValueError`` otherwise (a link, a folder, a fifo, too large)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise ValueError("the trainee's notebook did not answer") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("the trainee's notebook answered with something other than a file")
        if info.st_size > max_bytes:
            raise ValueError(f"the answer is larger than {max_bytes:,} bytes")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"the answer is larger than {max_bytes:,} bytes")
    return data


class Relay:
    """Serve the test kernel's questions on ``socket_path`` by asking the trainee's kernel
    (a ``jupyter_client`` blocking client made from ``connection``) in ``folder``, which the
    trainee's kernel sees at the same path."""

    def __init__(self, *, socket_path, folder, client, timeout: float, max_bytes: int, alive):
        self.folder, self.client, self.alive = Path(folder), client, alive
        self.timeout, self.max_bytes = timeout, max_bytes
        self.count = 0
        self.socket_path = str(socket_path)
        self.lock = threading.Lock()
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                relay.serve(self.connection)

        self.server = socketserver.ThreadingUnixStreamServer(str(socket_path), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.client.stop_channels()

    def serve(self, sock) -> None:
        try:
            header = remote._unframe(sock)
            blob = remote._unframe(sock)
            req = json.loads(header)
            if not isinstance(req, dict) or not isinstance(req.get("op"), str):
                raise ValueError("a question the relay does not know")
            with self.lock:  # one question at a time: the trainee's kernel runs one cell
                answer = self.ask(header.decode(), blob)
        except Exception as exc:  # noqa: BLE001 - the test sees why, as a failed test
            self._send(sock, json.dumps({"ok": False, "error": str(exc)}).encode())
            return
        self._send(sock, json.dumps({"ok": True}).encode(), answer)

    @staticmethod
    def _send(sock, *frames: bytes) -> None:
        try:
            for frame in frames:
                remote._frame(sock, frame)
        except OSError:  # the test was stopped (its time limit) before the answer came
            pass

    def ask(self, header: str, blob: bytes) -> bytes:
        self.count += 1
        given = self.folder / f"question-{self.count}.bin"
        answer = self.folder / f"answer-{self.count}.bin"
        given.write_bytes(blob)
        code = (
            "__import__('cenlab.course.grading.serve', fromlist=['handle'])"
            f".handle({header!r}, {str(given)!r}, {str(answer)!r})"
        )
        try:
            msg_id = self.client.execute(code, silent=True, store_history=False)
            self._wait(msg_id)
            return read_answer(answer, self.max_bytes)
        finally:
            for path in (given, answer):
                try:
                    os.unlink(path)
                except OSError:
                    pass

    def _wait(self, msg_id: str) -> None:
        """Wait for the reply to ``msg_id``, at most ``timeout`` seconds, and not at all once
        the trainee's kernel has stopped."""
        import time
        from queue import Empty

        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ValueError("the trainee's notebook had stopped (Python ended)")
            try:
                reply = self.client.get_shell_msg(timeout=0.25)
            except Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return
        raise ValueError(f"the trainee's notebook did not answer within {self.timeout:g} s")
