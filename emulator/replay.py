"""Replay one byte range of an NDJSON file in one Node worker that reads the file itself (runtime/replay.js).

The worker runs bare webhook bodies on its own; this driver answers the lines it hands over (fixtures, JSON the
worker cannot take, bytes that are not UTF-8: the Python fixture loader is the authority on those and on located
errors), checks the calls against the tracking plan and counts. A `Tally` numbers lines from the start of its
range; `merge` joins the tallies of adjacent ranges (workers, shards, machines) and renumbers, so a summary and
its examples are the same however the file was split. If the worker dies or its event loop blocks, the rest of
the range runs through the Python-driven emulator from the last checkpoint, which isolates runaways.
"""
from __future__ import annotations

import base64
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..core.documents import load_text
from ..core.findings import Collector, InputError
from ..core.segment import EMULATOR_URL
from .contracts import TrackingPlan
from .errors import EmulatorError
from .fixtures import Fixture, from_value
from .handler import Handler
from .redaction import Redactor
from .results import classify
from .runner import Emulator, Options
from .transport import EOF_MARK

EXAMPLES = 3  # the first failures kept per problem (an error category, a contract message, invalid lines)


@dataclass
class Tally:
    """What replaying the lines starting in [start, end) gave; line numbers count from the range's first line."""
    start: int
    end: int
    lines: int = 0
    events: int = 0
    calls: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    bad_lines: int = 0
    examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # problem → [(line, text)]
    bad_examples: list[tuple[int, int, str, str]] = field(default_factory=list)  # (line, col, pointer, message)

    def add(self, line: int, calls: list[dict], error: dict | None, violations: list[dict]) -> None:
        self.events += 1
        for call in calls:
            self.calls[f"{call['type']} {call['event']}" if call["type"] == "track" else call["type"]] += 1
        if error:
            self.errors[error["category"]] += 1
            self._example(f"error {error['category']}", line, f"{error['type']}: {error['message']}")
        for v in violations:
            self.violations[v["message"]] += 1
            self._example(f"contract {v['message']}", line, f"contract: {v['pointer']}: {v['message']}")

    def bad(self, line: int, col: int, pointer: str, message: str) -> None:
        self.bad_lines += 1
        _keep_first(self.bad_examples, (line, col, pointer, message), EXAMPLES)

    def _example(self, problem: str, line: int, text: str) -> None:
        _keep_first(self.examples.setdefault(problem, []), (line, text), EXAMPLES)


def _keep_first(items: list, item: tuple, limit: int) -> None:
    """Keep the `limit` items with the lowest line numbers (results arrive nearly in order)."""
    if len(items) < limit or item < items[-1]:
        items.append(item)
        items.sort()
        del items[limit:]


def merge(tallies: list[Tally]) -> Tally:
    """The tally of adjacent ranges, numbered from the first one's start. Ranges must tile without gaps."""
    tallies = sorted(tallies, key=lambda t: t.start)
    for before, after in zip(tallies, tallies[1:]):
        if before.end != after.start:
            raise EmulatorError(f"the replayed ranges do not join: bytes {before.end} to {after.start} are missing"
                                if before.end < after.start else f"the replayed ranges overlap at byte {after.start}")
    out = Tally(tallies[0].start, tallies[-1].end)
    for t in tallies:
        offset = out.lines
        out.lines += t.lines
        out.events += t.events
        for mine, theirs in ((out.calls, t.calls), (out.errors, t.errors), (out.violations, t.violations)):
            mine.update(theirs)
        out.bad_lines += t.bad_lines
        for problem, items in t.examples.items():
            for line, text in items:
                out._example(problem, line + offset, text)
        for line, col, pointer, message in t.bad_examples:
            _keep_first(out.bad_examples, (line + offset, col, pointer, message), EXAMPLES)
    return out


def byte_ranges(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    """`parts` adjacent ranges covering [start, end); a worker finds its first line itself."""
    cuts = [start + (end - start) * i // parts for i in range(parts + 1)]
    return list(zip(cuts, cuts[1:]))


def replay_range(handler: Handler, path: Path, start: int, end: int, options: Options, plan: TrackingPlan | None,
                 progress: Callable[[int], None] = lambda n: None) -> Tally:
    with Emulator(handler, options, plan=plan) as emu:
        return _Driver(emu, path, start, end, progress).run()


class _Driver:
    def __init__(self, emu: Emulator, path: Path, start: int, end: int, progress: Callable[[int], None]):
        self.emu, self.path, self.options = emu, path, emu.options
        self.tally = Tally(start, end)
        self.progress, self.reported = progress, start
        self.checkpoint = (start, 0)  # every line before this byte (the first N lines) has its result
        self.counted: set[int] = set()  # lines past the checkpoint that have their result
        self.fixtures: dict[int, Fixture] = {}  # lines run as fixtures the driver converted
        self.redactor = Redactor.of(self.options.settings, self.options.sensitive)

    def run(self) -> Tally:
        o = self.options
        self.emu.worker.send({"op": "replay", "path": str(self.path), "start": self.tally.start,
                              "end": self.tally.end, "url": EMULATOR_URL, "window": o.window,
                              "settings": o.settings, "fetch": o.fetch})
        quiet_since = time.monotonic()
        while True:
            message = self.emu.worker.receive(0.05)
            if message is None:
                if time.monotonic() - quiet_since > o.timeout + o.grace:
                    return self._finish_in_python()
                continue
            quiet_since = time.monotonic()
            if message is EOF_MARK:
                return self._finish_in_python()
            op = message["op"]
            if op == "result":
                self._count(message["id"], message)
            elif op == "line":
                self._convert(message)
            elif op == "progress":
                self._advance(message["byte"], message["line"])
            elif op == "replay_done":
                self.tally.lines = message["lines"]
                self._advance(self.tally.end, message["lines"])
                return self.tally
            elif op == "replay_error":
                raise EmulatorError(f"{self.path}: cannot replay: {message['message']}")
            elif op == "fetch":
                self.emu.answer_fetch(message)

    def _count(self, line: int, message: dict) -> None:
        fixture = self.fixtures.pop(line, None)
        if fixture is not None:  # its own settings may hold secrets: the emulator's own checks, the tally's view
            result = self.emu.result_from(fixture, message).shown()
            error, calls, violations = result.error, result.calls, result.violations
        else:
            calls = message["calls"]
            error = classify(message["error"]) if message["error"] else None
            violations = self.emu.plan.violations(calls) if self.emu.plan is not None else []
            if self.redactor.secrets:  # the tally is printed: its names and examples are a view
                calls, error, violations = (self.redactor.value(v) for v in (calls, error, violations))
        self._add(line, calls, error, violations)

    def _add(self, line: int, calls: list, error: dict | None, violations: list) -> None:
        if line > self.checkpoint[1]:
            if line in self.counted:
                return
            self.counted.add(line)
        self.tally.add(line, calls, error, violations)

    def _convert(self, message: dict) -> None:
        """A line the worker handed over: a fixture to run, a blank line, or an invalid line to locate."""
        line = message["id"]
        reply = {"op": "replay_line", "id": line}
        text = message["text"] if "text" in message else base64.b64decode(message["base64"])
        fixture = line_fixture(self.path, line, text, self.tally)
        if fixture is not None:
            self.fixtures[line] = fixture
            reply |= {"request": fixture.request, "settings": {**self.options.settings, **fixture.settings},
                      "http": fixture.http}
        elif line > self.checkpoint[1]:  # nothing to run: the line is done
            self.counted.add(line)
        self.emu.worker.send(reply)

    def _advance(self, byte: int, line: int) -> None:
        self._report(byte)
        self.checkpoint = (byte, line)
        self.counted = {n for n in self.counted if n > line}

    def _report(self, byte: int) -> None:
        """Move the progress bar to `byte`."""
        if byte > self.reported:
            self.progress(byte - self.reported)
            self.reported = byte

    def _finish_in_python(self) -> Tally:
        """The worker died or blocked: the rest of the range, from the checkpoint, in the Python-driven emulator."""
        byte, line = self.checkpoint
        self.emu.restart()
        numbers: deque[int] = deque()  # the line of each fixture sent, in order: results come back in that order
        last = [line]

        def fixtures() -> Iterator[Fixture]:
            for number, raw, after in _numbered(self.path, byte, self.tally.end, line):
                last[0] = number
                fixture = None if number in self.counted else line_fixture(self.path, number, raw, self.tally)
                if fixture is not None:
                    numbers.append(number)
                    yield fixture
                if after - self.reported > 1 << 18:
                    self._report(after)

        for result in self.emu.run(fixtures()):
            result = result.shown()
            self._add(numbers.popleft(), result.calls, result.error, result.violations)
        self.tally.lines = last[0]
        self._advance(self.tally.end, self.tally.lines)
        return self.tally


def line_fixture(path: Path, line: int, text: str | bytes, tally: Tally) -> Fixture | None:
    """The fixture of an NDJSON line (a fixture or a bare webhook body); None for a blank or invalid line, which
    is recorded in the tally with its location."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            tally.bad(line, exc.start + 1, "", f"not UTF-8 text: byte {exc.start + 1} is {text[exc.start]:#04x}")
            return None
    if not text.strip():
        return None
    ident = f"{path}:{line}"
    try:
        fixture = from_value(_parse(text, ident), Collector(str(path), {"": (line, 1)}), ident, ident, raw=text)
    except InputError as exc:
        first = next(f for f in exc.findings if f.level == "error")
        tally.bad(line, first.col, first.pointer, first.message)
        return None
    if fixture.sign is not None:
        tally.bad(line, 1, "/sign", "replay does not sign fixtures: give the request as it was received")
        return None
    return fixture


def _parse(text: str, ident: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return load_text(text, ident, json_syntax=True).value  # raises the located error


def _numbered(path: Path, start: int, end: int, before: int) -> Iterator[tuple[int, bytes, int]]:
    """(line number, bytes, the next line's first byte) of the lines starting in [start, end), `start` being a
    line's first byte."""
    with path.open("rb") as f:
        f.seek(start)
        at, number = start, before
        while at < end:
            raw = f.readline()
            if not raw:
                return
            at += len(raw)
            number += 1
            raw = raw[:-1] if raw.endswith(b"\n") else raw
            yield number, raw[:-1] if raw.endswith(b"\r") else raw, at

