"""`srcfn serve`: where the served handler comes from (a file, or a spec regenerated on change), what the
terminal shows for each request, and forwarding of the emitted calls to Segment."""
from __future__ import annotations

import json
import queue
import threading
from pathlib import Path

import click

from .emulator.contracts import TrackingPlan
from .emulator.fixtures import Fixture
from .emulator.handler import Handler
from .clients.tracking_api import Forwarder
from .emulator.results import Result
from .emulator.server import Served
from .core.findings import InputError
from .generator.loader import find_spec_files, load_spec
from .generator.render import render_all

from . import report, show
from .targets import Target


def _stamp(paths: list[Path]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.exists())


class FileSource:
    """Serve a handler file; reload when it, its tracking plan or its settings declarations change."""

    def __init__(self, target: Target):
        self.target = target
        self.current: Served | None = None

    def poll(self) -> Served:
        t = self.target
        stamp = _stamp([p for p in (t.handler, t.plan, t.settings_file) if p])
        if self.current is None or self.current.version != stamp:  # polled before every batch: read only on change
            self.current = Served(Handler.read(t.handler), t.tracking_plan(), t.sensitive(), stamp)
        return self.current


class SpecSource:
    """Serve the handler generated from a spec; regenerate when the spec changes. A spec edited into an invalid
    state is reported and the last good version keeps serving."""

    def __init__(self, specs_dir: Path, slug: str):
        self.specs_dir, self.slug = specs_dir, slug
        self.current: Served | None = None
        self.failed_stamp: tuple | None = None

    def poll(self) -> Served:
        (path,) = find_spec_files(self.specs_dir, (self.slug,))
        stamp = _stamp([path])
        if self.current and stamp in (self.current.version, self.failed_stamp):
            return self.current
        try:
            loaded = load_spec(path, str(path))
        except InputError as exc:
            if self.current is None:
                raise
            self.failed_stamp = stamp
            report.findings(exc.findings, "text")
            click.echo(f"srcfn serve: {path} has errors; still serving the previous version", err=True)
            return self.current
        outputs = render_all(loaded.spec)
        handler = Handler(outputs["handler.js"], f"{path} (generated handler)")
        settings = json.loads(outputs["settings.json"])
        self.current = Served(handler, TrackingPlan(json.loads(outputs["tracking-plan.json"])),
                              tuple(s["name"] for s in settings if s["sensitive"]), stamp)
        return self.current


class ForwardQueue(threading.Thread):
    """Sends emitted calls to Segment off the request path, reporting each call that could not be delivered."""

    def __init__(self, forwarder: Forwarder):
        super().__init__(daemon=True, name="srcfn-forward")
        self.forwarder = forwarder
        self.pending: queue.Queue = queue.Queue()

    def run(self) -> None:
        while True:
            calls = self.pending.get()
            if calls is None:
                return
            for failure in self.forwarder.send(calls):
                click.echo(f"    forward failed: messageId {failure.message_id}: {failure.reason}", err=True)
            self.pending.task_done()

    def close(self, grace: float = 10.0) -> None:
        """Send what is queued for up to `grace` seconds; then stop retrying, report every call not delivered
        (each with its messageId) and the totals. Bounded: `grace` plus one request's timeout."""
        self.pending.put(None)
        self.join(timeout=grace)
        if self.is_alive():
            self.forwarder.stop.set()
            self.join()
        failed = len(self.forwarder.failures)
        click.echo(f"forwarded {self.forwarder.delivered} calls to Segment"
                   + (f"; {failed} not delivered (listed above)" if failed else ""), err=True)


def on_result(forward: ForwardQueue | None):
    def report_result(fixture: Fixture, result: Result) -> None:
        show.print_result(result, fixture.name, verdict=False)
        if forward and result.calls and result.error is None:
            forward.pending.put(result.calls)
    return report_result


def on_reload(served: Served) -> None:
    click.echo(f"reloaded {served.handler.name}")


def on_error(message: str) -> None:
    click.echo(f"srcfn serve: {message}", err=True)


def is_spec(target: str, specs_dir: Path) -> bool:
    return not Path(target).is_file() and (specs_dir / target).is_dir()
