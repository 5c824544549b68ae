"""The emulator: run fixtures through a Source Function in a persistent Node worker.

    with Emulator(Path("build/yotpo/handler.js"), plan=TrackingPlan.load(...)) as emu:  # or Handler(source, name)
        for result in emu.run(fixtures):
            ...

Up to `window` invocations are in flight at once; results come back in input order (`run`) or as they finish
(`run_unordered`). A worker that stops answering (a busy loop blocks its event loop) or dies (out of memory) is
replaced: the invocation whose synchronous code it was running is the runaway, and the others it had not
answered re-run apart, in parallel, each in a fresh worker, so every runaway is identified, costs about its own
timeout, and no result is lost or given to another fixture.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.findings import Collector
from ..core.segment import TIMEOUT_SECONDS, WEBHOOK_URL, worker_facts
from .contracts import TrackingPlan
from .errors import EmulatorError, WorkerCrashed
from .expectations import mismatch
from .fixtures import Fixture, FixtureError
from .handler import Handler, as_handler
from .redaction import Redactor
from .results import Result, classify
from .transport import EOF_MARK, NodeWorker

ISOLATION_MODES = ("scope", "context", "warm")
RECOVERY_WORKERS = 8  # fresh workers re-running, in parallel, what a blocked or dead worker left unanswered
FETCH_MODES = ("stub", "bridge", "network")


@dataclass(frozen=True)
class Options:
    timeout: float = TIMEOUT_SECONDS  # seconds per invocation
    isolation: str = "scope"      # scope | context | warm (README: "Isolation")
    deployed: bool = False        # sort body keys as deployed functions receive them
    fetch: str = "stub"           # stub: only fixture stubs; bridge: Python answers (requests); network: real
    node: str | None = None       # a node binary instead of the packaged one
    max_memory_mb: int = 512
    window: int = 128             # invocations in flight
    grace: float = 0.5            # silence past timeout + grace means the event loop is blocked
    settings: dict = field(default_factory=dict)   # defaults under each fixture's own settings
    sensitive: tuple[str, ...] = ()                # setting names whose values never appear in output
    now: float | None = None      # a fixed clock (seconds since 1970) for Date in the handler; None: the real one


class Emulator:
    def __init__(self, handler: Handler | Path, options: Options = Options(), plan: TrackingPlan | None = None,
                 fetch_bridge: Callable[[dict], dict] | None = None):
        if options.isolation not in ISOLATION_MODES:
            raise EmulatorError(f"isolation must be one of {', '.join(ISOLATION_MODES)}")
        if options.fetch not in FETCH_MODES or (options.fetch == "bridge" and fetch_bridge is None):
            raise EmulatorError(f"fetch must be one of {', '.join(FETCH_MODES)}; bridge needs a fetch_bridge function")
        self.handler = as_handler(handler)
        self.options = options
        self.plan = plan
        self.fetch_bridge = fetch_bridge
        self.worker: NodeWorker | None = None
        self._next_id = 0

    def __enter__(self) -> Emulator:
        self._start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.worker:
            self.worker.close()
            self.worker = None

    def _start(self) -> None:
        name = self.handler.name
        if WEBHOOK_URL in self.handler.source:
            raise HandlerLoadError(f"{name}: Segment refuses to save code that contains {WEBHOOK_URL} "
                                   "(a function may not call its own webhook)")
        self.worker = NodeWorker(self.options.node, self.options.max_memory_mb)
        self.worker.send({"op": "load", "source": self.handler.source, "filename": name,
                          "isolation": self.options.isolation, "timeout_ms": int(self.options.timeout * 1000),
                          "deployed": self.options.deployed, "facts": worker_facts(),
                          "now_ms": None if self.options.now is None else round(self.options.now * 1000),
                          "marker_fd": self.worker.marker_fd})
        reply = self.worker.receive(30)
        if reply is None or reply.get("op") == "eof":
            raise WorkerCrashed(f"the Node worker died loading {name}: {self.worker.describe_exit()}")
        if reply["op"] == "load_error":
            err = reply["error"]
            raise HandlerLoadError(f"{name}: the handler does not load: {_first_line(err)}")

    def restart(self) -> None:
        self.worker.kill()
        self.worker.close()
        self._start()

    def invoke(self, fixture: Fixture) -> Result:
        return next(iter(self.run([fixture])))

    def run(self, fixtures: Iterable[Fixture], window: int | None = None) -> Iterator[Result]:
        """Results in input order, with up to `window` invocations in flight."""
        waiting: dict[int, Result] = {}
        next_position = 0
        for position, result in self.run_unordered(fixtures, window):
            waiting[position] = result
            while next_position in waiting:
                yield waiting.pop(next_position)
                next_position += 1

    def run_unordered(self, fixtures: Iterable[Fixture], window: int | None = None) -> Iterator[tuple[int, Result]]:
        """(input position, result) as each invocation finishes, with up to `window` in flight: a request served
        does not wait for a slower one sent before it."""
        window = window or self.options.window
        source = iter(fixtures)
        pending: dict[int, Fixture] = {}
        position: dict[int, int] = {}  # invocation id → input position
        sent_count = 0
        exhausted = False
        last_activity = time.monotonic()
        while True:
            sent = False
            # Refill once half the window is free: fewer, larger writes, and the worker reads batches.
            refill = len(pending) <= window // 2
            while refill and not exhausted and len(pending) < window:
                fixture = next(source, None)
                if fixture is None:
                    exhausted = True
                    break
                if not pending:
                    last_activity = time.monotonic()
                position[self._send(fixture, pending)] = sent_count
                sent_count += 1
                sent = True
            if sent:
                self.worker.flush()
            if not pending:
                if exhausted:
                    return
                continue
            message = self.worker.receive(0.05)
            now = time.monotonic()
            if message is None:
                if now - last_activity > self.options.timeout + self.options.grace:
                    for ident, result in self._recover(pending, "blocked"):
                        yield position.pop(ident), result
                    last_activity = time.monotonic()
                continue
            last_activity = now
            if message is EOF_MARK:
                for ident, result in self._recover(pending, "died"):
                    yield position.pop(ident), result
            elif message["op"] == "result":
                fixture = pending.pop(message["id"])
                yield position.pop(message["id"]), self.result_from(fixture, message)
            elif message["op"] == "fetch":
                self.answer_fetch(message)
                last_activity = time.monotonic()

    def _send(self, fixture: Fixture, pending: dict[int, Fixture]) -> int:
        if fixture.sign is not None:  # signing needs the spec: srcfn/signing.py does it before the emulator runs
            found = Collector(fixture.ident, fixture.positions)
            found.add("/sign", "this fixture is signed when it runs, with its spec's webhook.signature: run it "
                               "with `srcfn test`, `srcfn check` or `srcfn emulate SLUG`")
            raise FixtureError(found.findings)
        self._next_id += 1
        pending[self._next_id] = fixture
        self.worker.send({"op": "invoke", "id": self._next_id, "request": fixture.request,
                          "settings": {**self.options.settings, **fixture.settings}, "http": fixture.http,
                          "fetch": self.options.fetch}, flush=False)
        return self._next_id

    def _recover(self, pending: dict[int, Fixture], how: str) -> Iterator[tuple[int, Result]]:
        """Replace the worker; the invocation it was running synchronously (its marker) is the runaway. What else
        it left unanswered re-runs apart, each in a worker of its own, in parallel, each result given as it comes:
        one more runaway among them costs its own timeout, not the sum of all of theirs."""
        leftovers = dict(sorted(pending.items()))
        pending.clear()
        culprit = self.worker.running()
        out_of_memory = how == "died" and self.worker.ran_out_of_memory()
        self.restart()
        if culprit not in leftovers and len(leftovers) == 1:
            culprit = next(iter(leftovers))
        if culprit in leftovers:
            yield culprit, self._runaway(leftovers.pop(culprit), "memory" if out_of_memory else how)
        if not leftovers:
            return

        def alone(fixture: Fixture) -> Result:
            with Emulator(self.handler, self.options, self.plan, self.fetch_bridge) as emu:
                return next(iter(emu.run([fixture], window=1)))
        with ThreadPoolExecutor(min(RECOVERY_WORKERS, len(leftovers))) as pool:
            running = {pool.submit(alone, fixture): ident for ident, fixture in leftovers.items()}
            for done in as_completed(running):
                yield running[done], done.result()

    def _runaway(self, fixture: Fixture, how: str) -> Result:
        limit = int(self.options.timeout * 1000)
        if how == "memory":
            raw = {"type": "OutOfMemory", "outcome": "OutOfMemory",
                   "message": f"the handler ran out of memory (limit {self.options.max_memory_mb} MB); worker replaced"}
        elif how == "blocked":
            raw = {"type": "Timeout", "outcome": "Timeout",
                   "message": f"the handler did not finish within {limit} ms (its event loop was blocked; worker replaced)"}
        else:
            raw = {"type": "WorkerCrashed", "outcome": "other", "message": "the Node worker died running the handler; worker replaced"}
        return self._finish(fixture, Result(fixture.ident, error=classify(raw), duration_ms=float(limit)))

    def result_from(self, fixture: Fixture, message: dict) -> Result:
        result = Result(fixture.ident, calls=message["calls"], logs=message["logs"],
                        duration_ms=message["duration_ms"], discarded=message.get("discarded", 0),
                        error=classify(message["error"]) if message["error"] else None)
        return self._finish(fixture, result)

    def _finish(self, fixture: Fixture, result: Result) -> Result:
        if self.options.sensitive:
            result.redactor = Redactor.of({**self.options.settings, **fixture.settings}, self.options.sensitive)
        if self.plan is not None:
            result.violations = self.plan.violations(result.calls)
        result.mismatch = mismatch(fixture, result)
        return result

    def answer_fetch(self, message: dict) -> None:
        reply = {"op": "fetch_result", "fid": message["fid"]}
        if self.fetch_bridge is None:
            reply["error"] = "no fetch bridge is configured"
        else:
            try:
                reply["response"] = self.fetch_bridge(message["request"])
            except Exception as exc:  # the handler sees a rejected fetch, as with a network failure
                reply["error"] = f"{type(exc).__name__}: {exc}"
        self.worker.send(reply)


class HandlerLoadError(EmulatorError):
    """The handler script does not compile."""


def _first_line(err: dict) -> str:
    stack = err.get("stack") or ""
    where = stack.splitlines()[0] if stack else ""
    return f"{err.get('type')}: {err.get('message')}" + (f" ({where})" if where and ":" in where else "")
