"""The transport boundary: one Node worker process speaking JSON lines.

The runner uses only `send`/`flush`, `receive`, `kill`, `close` and the two exit diagnostics. A reader thread
drains the worker's stdout continuously: without it, a worker blocked writing results and a driver blocked
writing requests would deadlock on full pipes.
"""
from __future__ import annotations

import collections
import json
import os
import queue
import struct
import subprocess
import tempfile
import threading
from importlib import resources

import orjson

from .errors import ProtocolError, WorkerCrashed
from .node import find_node

EOF_MARK = {"op": "eof"}
WORKER_ENV = ("PATH", "SYSTEMROOT", "TZ", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP")  # what Node may need, no more


def worker_script() -> str:
    return str(resources.files(__package__).joinpath("runtime/worker.js"))


def _slow_parse(line: bytes) -> dict:
    """What orjson refuses: valid JSON holding a lone surrogate (`"\\ud83d"`, a cut emoji) parses with the json
    module; anything else is not JSON."""
    try:
        return json.loads(line)
    except ValueError:
        return {"op": "garbage", "line": line[:200].decode("utf-8", "replace")}


class NodeWorker:
    """A started `node worker.js` process; `receive` returns None on timeout and EOF_MARK when it exits."""

    def __init__(self, node: str | None = None, max_memory_mb: int = 512):
        node_path = find_node(node)
        # A minimal environment: handlers can reach `process` (vm is no sandbox), and srcfn's own secrets
        # (SEGMENT_PUBLIC_API_TOKEN, SEGMENT_WRITE_KEY) must not be there to read.
        env = {k: os.environ[k] for k in WORKER_ENV if k in os.environ}
        args = [node_path, f"--max-old-space-size={max_memory_mb}", "--permission", "--allow-fs-read=*", worker_script()]
        # The marker: 8 bytes the worker overwrites with the id of the invocation whose synchronous code runs (0
        # when none), so a worker found blocked names its runaway. An inherited descriptor (POSIX): the worker may
        # write no file by path.
        self._marker = tempfile.TemporaryFile() if os.name == "posix" else None
        self.marker_fd = self._marker.fileno() if self._marker else None
        try:
            self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            env=env, pass_fds=(self.marker_fd,) if self._marker else ())
        except OSError as exc:
            raise WorkerCrashed(f"cannot start the Node worker ({node_path}): {exc}") from exc
        # Batches of messages from the reader thread (one per pipe read). Bounded: a driver that falls behind a
        # worker producing on its own (replay) stops the reading, the pipe fills and the worker waits for it.
        self.inbox: queue.Queue = queue.Queue(maxsize=256)
        self._ready: collections.deque = collections.deque()
        self._outgoing: list[bytes] = []
        self.stderr_tail: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()
        first = self.receive(30)
        if not first or first.get("op") != "ready":
            raise WorkerCrashed(f"the Node worker did not start: {self.describe_exit()}")

    def _read(self) -> None:
        """Parse whole pipe reads at once and hand them over as one batch: one queue handoff per read."""
        fd, pending = self.process.stdout.fileno(), b""
        while chunk := os.read(fd, 1 << 16):
            *lines, pending = (pending + chunk).split(b"\n")
            batch = []
            for line in lines:
                try:
                    batch.append(orjson.loads(line))
                except orjson.JSONDecodeError:
                    batch.append(_slow_parse(line))
            if batch:  # a read inside a long line (a 70 KB log) completes no message: hand over nothing
                self.inbox.put(batch)
        self.inbox.put([EOF_MARK])

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_tail = (self.stderr_tail + [line.decode("utf-8", "replace").rstrip()])[-20:]

    def send(self, message: dict, flush: bool = True) -> None:
        """Queue a message; `flush=False` lets a caller batch several into one write."""
        try:
            encoded = orjson.dumps(message)  # the hot path: ~10x faster than json
        except TypeError:  # what orjson refuses (integers past 64 bits) the json module still writes
            encoded = json.dumps(message, separators=(",", ":")).encode("utf-8")
        self._outgoing.append(encoded)
        if flush:
            self.flush()

    def flush(self) -> None:
        if not self._outgoing:
            return
        data = b"\n".join(self._outgoing) + b"\n"
        self._outgoing.clear()
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the exit shows up as EOF_MARK on the reader side

    def receive(self, timeout: float) -> dict | None:
        if not self._ready:
            try:
                self._ready.extend(self.inbox.get(timeout=timeout))
            except queue.Empty:
                return None
        message = self._ready.popleft()
        if message.get("op") == "garbage":
            raise ProtocolError(f"the Node worker wrote something that is not JSON: {message['line']!r}")
        return message

    def describe_exit(self) -> str:
        self._stderr_reader.join(timeout=1)  # an exited worker's last words arrive after its stdout closes
        code = self.process.poll()
        tail = " | ".join(self.stderr_tail[-3:])
        return f"exit code {code}" + (f": {tail}" if tail else "")

    def running(self) -> int | None:
        """The invocation whose synchronous code the worker is running (read when it stopped answering)."""
        if self._marker is None:
            return None
        data = os.pread(self.marker_fd, 8, 0)
        return struct.unpack("<q", data)[0] or None if len(data) == 8 else None

    def ran_out_of_memory(self) -> bool:
        self._stderr_reader.join(timeout=1)
        return any("heap out of memory" in line or "Allocation failed" in line for line in self.stderr_tail)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        if self._marker:
            self._marker.close()

