"""A local webhook endpoint: POST a webhook, the handler runs in the emulator, the status follows srcfn's mapping.

HTTP threads hand each request to one dispatcher thread, which owns the Emulator and runs whatever has queued as
one pipelined batch. Before each batch it asks the handler source whether the handler changed, and restarts the
emulator on the new version: editing the handler (or the spec) takes effect without restarting the server.

    GET    /_srcfn/calls   what was emitted, per request and flattened (the last 10,000 requests)
    DELETE /_srcfn/calls   forget it
    any other request      the webhook (the emulator refuses methods other than POST, as Segment does)
"""
from __future__ import annotations

import dataclasses
import ipaddress
import json
import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..core.segment import MAX_PAYLOAD_BYTES, REQUEST_REJECTED, WEBHOOK_URL
from .contracts import TrackingPlan
from .fixtures import Fixture
from .handler import Handler
from .results import Result
from .runner import Emulator, Options

KEPT_REQUESTS = 10_000


@dataclass(frozen=True)
class Served:
    """One version of what the server runs."""
    handler: Handler
    plan: TrackingPlan | None
    sensitive: tuple[str, ...]
    version: object  # changes whenever the handler must be reloaded


class Recorder:
    """What the server emitted, for `GET /_srcfn/calls`; bounded, thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: deque = deque(maxlen=KEPT_REQUESTS)

    def add(self, record: dict) -> None:
        with self.lock:
            self.requests.append(record)

    def snapshot(self) -> dict:
        with self.lock:
            requests = list(self.requests)
        return {"requests": requests, "calls": [c for r in requests for c in r["calls"]]}

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


class Dispatcher(threading.Thread):
    """Owns the emulator; runs queued requests in batches and reloads between batches."""

    def __init__(self, poll: Callable[[], Served], options: Options, on_result: Callable[[Fixture, Result], None],
                 on_reload: Callable[[Served], None], on_error: Callable[[str], None] = lambda message: None):
        super().__init__(daemon=True, name="srcfn-dispatcher")
        self.poll, self.options, self.on_result, self.on_reload = poll, options, on_result, on_reload
        self.on_error = on_error
        self.failed_version: object = None
        self.last_error: str | None = None
        self.jobs: queue.Queue = queue.Queue()
        self.served: Served | None = None
        self.emulator: Emulator | None = None
        self.stopping = threading.Event()

    def submit(self, fixture: Fixture) -> Future:
        future: Future = Future()
        self.jobs.put((fixture, future))
        return future

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                batch = [self.jobs.get(timeout=0.5)]
            except queue.Empty:
                if self.emulator is not None:
                    self._reload_if_changed()
                continue
            while len(batch) < self.options.window:
                try:
                    batch.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
            self._run(batch)
        if self.emulator:
            self.emulator.close()

    def _reload_if_changed(self) -> None:
        """Start the new version before retiring the old one: an edit that breaks the handler is reported and
        the previous version keeps serving (only a first start that fails reaches the waiting requests)."""
        served = None
        try:
            served = self.poll()
            if self.served is not None and served.version in (self.served.version, self.failed_version):
                return
            options = dataclasses.replace(self.options, sensitive=served.sensitive)
            emulator = Emulator(served.handler, options, plan=served.plan).__enter__()
        except Exception as exc:
            if self.emulator is None:
                raise
            self.failed_version = served.version if served else None
            message = f"{exc}; still serving the previous version"
            if message != self.last_error:  # polled every 0.5 s: the same problem is reported once
                self.on_error(message)
                self.last_error = message
            return
        self.last_error = None
        old, self.emulator = self.emulator, emulator
        if old:
            old.close()
            self.on_reload(served)
        self.served = served

    def _run(self, batch: list[tuple[Fixture, Future]]) -> None:
        """Each request is answered as soon as its invocation finishes, not when the batch does."""
        try:
            self._reload_if_changed()
            for position, result in self.emulator.run_unordered([fixture for fixture, _ in batch]):
                fixture, future = batch[position]
                self.on_result(fixture, result)
                future.set_result(result)
        except Exception as exc:  # the emulator could not run them: each waiting request gets the reason
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)

    def stop(self) -> None:
        self.stopping.set()


DRAIN_BYTES = 4 * MAX_PAYLOAD_BYTES  # a body this far over the limit is read and dropped; a bigger one is not read


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the listen backlog (5 by default reset 27 of 6,400 requests at 64 clients)


def _host_name(header: str) -> str:
    """The host of a Host header, without its port (`[::1]:8787` → `::1`)."""
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _local_host(host: str) -> bool:
    """localhost, or an IP address: a DNS rebinding attack needs a domain name of its own."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def make_server(host: str, port: int, dispatcher: Dispatcher, recorder: Recorder) -> ThreadingHTTPServer:
    counter = iter(range(1, 1 << 62))
    counter_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One buffered write per response and no Nagle delay: small separate writes meeting delayed ACKs cost
        # ~40 ms a request on keep-alive connections.
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def log_message(self, *args) -> None:  # the terminal report replaces the access log
            pass

        def _reply(self, status: int, payload: dict) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:  # say so: a client reusing the connection would find it closed
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _webhook(self) -> None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                self.close_connection = True
                return self._reply(411, {"error": "send the body with a Content-Length"})
            declared = self.headers.get("Content-Length") or "0"
            if not declared.isascii() or not declared.isdigit():  # "-1", "abc": the body's end is unknown
                self.close_connection = True
                return self._reply(400, {"error": f"Content-Length must be a number of bytes, not {declared[:40]!r}"})
            length = int(declared)
            if length > MAX_PAYLOAD_BYTES:  # refused, as Segment refuses it; the connection is not reused
                self.close_connection = True
                left = length if length <= DRAIN_BYTES else 0  # read and dropped, so a client still sending
                while left > 0 and (chunk := self.rfile.read(min(1 << 16, left))):  # can read the answer
                    left -= len(chunk)
                limit = f"{MAX_PAYLOAD_BYTES} ({MAX_PAYLOAD_BYTES // 1024} KiB)"
                return self._reply(413, {"status": 413, "error": {"type": "PayloadTooLarge", "category": REQUEST_REJECTED,
                                         "message": f"the payload is {length} bytes; Segment accepts at most {limit}"}})
            body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
            headers: dict = {}
            for name in set(self.headers.keys()):
                values = self.headers.get_all(name) or []
                headers[name] = values[0] if len(values) == 1 else values
            with counter_lock:
                number = next(counter)
            fixture = Fixture(name=f"{self.command} {self.path}", ident=f"request {number}",
                              request={"method": self.command, "url": WEBHOOK_URL + self.path, "headers": headers,
                                       "body": body})
            try:
                result = dispatcher.submit(fixture).result()
            except Exception as exc:
                return self._reply(500, {"error": {"type": type(exc).__name__, "message": str(exc)}})
            shown = result.shown()  # what is served is masked; what is forwarded is not
            record = {"request": number, "method": self.command, "path": self.path, "status": shown.status,
                      "calls": shown.calls, "error": shown.error, "logs": shown.logs}
            recorder.add(record)
            self._reply(result.status, record)

        def _calls(self) -> bool:
            if self.path.split("?")[0] != "/_srcfn/calls":
                return False
            host = _host_name(self.headers.get("Host", ""))
            if not _local_host(host):  # a page whose domain was rebound to 127.0.0.1 must not read the calls
                self._reply(403, {"error": f"Host {host!r} is not allowed for /_srcfn/calls: use localhost or an "
                                           "IP address (DNS rebinding protection)"})
                return True
            if self.command == "GET":
                self._reply(200, recorder.snapshot())
            elif self.command == "DELETE":
                recorder.clear()
                self._reply(200, {"cleared": True})
            else:
                self._reply(405, {"error": "GET or DELETE /_srcfn/calls"})
            return True

        def _any(self) -> None:
            if not self._calls():
                self._webhook()

        do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

    server = _Server((host, port), Handler)
    server.daemon_threads = True
    return server
