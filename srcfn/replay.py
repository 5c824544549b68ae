"""`srcfn replay`: stream many payloads through a pool of workers and summarise what came out.

Lines are read lazily and results are counted, not kept, so memory stays flat however long the file is.
Each worker gets its own thread: a thread waits on its worker's pipe while the others' results are counted.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .emulator.contracts import TrackingPlan
from .emulator.fixtures import Fixture, from_value
from .emulator.results import Result
from .emulator.runner import Emulator, Options
from .core.documents import load_text
from .core.findings import Collector, Finding, InputError


@dataclass
class Summary:
    events: int = 0
    calls: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    bad_lines: list[Finding] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # the first few failures, for the report
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, result: Result) -> None:
        with self.lock:
            self.events += 1
            for call in result.calls:
                self.calls[f"{call['type']} {call['event']}" if call["type"] == "track" else call["type"]] += 1
            if result.error:
                self.errors[result.error["category"]] += 1
                self._example(f"{result.fixture}: {result.error['type']}: {result.error['message']}")
            for v in result.violations:
                self.violations[v["message"]] += 1
                self._example(f"{result.fixture}: contract: {v['pointer']}: {v['message']}")

    def _example(self, text: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(text)


def read_lines(path: Path, summary: Summary) -> Iterator[Fixture]:
    """Fixtures from an NDJSON file; a bad line is recorded with its location and skipped."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            ident = f"{path}:{number}"
            try:
                yield from_value(_parse(line, ident), Collector(str(path), {"": (number, 1)}), ident, ident,
                                 raw=line.rstrip("\r\n"))
            except InputError as exc:
                first = next(f for f in exc.findings if f.level == "error")
                with summary.lock:
                    summary.bad_lines.append(Finding(str(path), number, first.col, first.pointer, first.message))


def _parse(line: str, ident: str) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return load_text(line, ident, json_syntax=True).value  # raises the located error


def replay(handler: Path, path: Path, options: Options, plan: TrackingPlan | None, workers: int,
           progress: Callable[[int], None]) -> Summary:
    summary = Summary()
    source = read_lines(path, summary)
    source_lock = threading.Lock()

    def take() -> Iterator[Fixture]:
        while True:
            with source_lock:
                fixture = next(source, None)
            if fixture is None:
                return
            yield fixture

    failures: list[BaseException] = []

    def work() -> None:
        try:
            with Emulator(handler, options, plan=plan) as emu:
                for result in emu.run(take()):
                    summary.add(result)
                    progress(1)
        except BaseException as exc:  # reported by the caller once every thread has stopped
            failures.append(exc)

    if workers <= 1:  # one worker needs no thread of its own
        work()
        if failures:
            raise failures[0]
        return summary
    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return summary
