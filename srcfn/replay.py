"""`srcfn replay` and `srcfn replay-merge`: split an NDJSON file into byte ranges, replay each in its own process
(a Python driver and the Node worker that reads the range itself), and merge the tallies.

No process reads the whole file and none sits on the path of every event: the parent only starts the ranges,
moves the progress bar and merges. `--shard I/N` replays one slice and `--summary-json` writes its tally, so many
machines can share a file and `replay-merge` (or `merge_summaries`) joins their summaries: the result, examples
included, is the same however the file was split.
"""
from __future__ import annotations

import json
import multiprocessing
import queue
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import jsonschema

from .core.documents import load_document
from .core.findings import Collector, InputError
from .core.schema_errors import report_schema_errors
from .emulator.contracts import TrackingPlan
from .emulator.errors import EmulatorError
from .emulator.handler import Handler, as_handler
from .emulator.replay import Tally, byte_ranges, merge, replay_range
from .emulator.runner import Options

FORMAT = "srcfn-replay-summary/1"


def shard_range(size: int, shard: tuple[int, int]) -> tuple[int, int]:
    """The bytes of slice I of N (1-based) of a file of `size` bytes."""
    index, count = shard
    return byte_ranges(0, size, count)[index - 1]


def replay(handler: Handler | Path, path: Path, options: Options, plan: TrackingPlan | None, workers: int,
           progress: Callable[[int], None], shard: tuple[int, int] = (1, 1)) -> Tally:
    """The tally of slice `shard` of the file, replayed by `workers` processes; progress in bytes."""
    start, end = shard_range(path.stat().st_size, shard)
    handler = as_handler(handler)
    if workers <= 1:
        return replay_range(handler, path, start, end, options, plan, progress)
    return _in_processes(handler, path, byte_ranges(start, end, workers), options, plan, progress)


def _in_processes(handler: Handler, path: Path, ranges: list[tuple[int, int]], options: Options,
                  plan: TrackingPlan | None, progress: Callable[[int], None]) -> Tally:
    # fork starts a range in milliseconds (spawn re-imports srcfn: ~0.5 s each); only safe on Linux (macOS system
    # libraries are not fork-safe) and without other threads
    forkable = sys.platform.startswith("linux") and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if forkable else "spawn")
    inbox = context.Queue()
    raw_plan = plan.raw if plan is not None else None
    procs = [context.Process(target=_range_process, args=(i, handler, path, r, options, raw_plan, inbox), daemon=True)
             for i, r in enumerate(ranges)]
    for p in procs:
        p.start()
    tallies: dict[int, Tally] = {}
    finished = False
    try:
        while len(tallies) < len(procs):
            try:
                kind, index, value = inbox.get(timeout=0.5)
            except queue.Empty:
                dead = [i for i, p in enumerate(procs) if i not in tallies and not p.is_alive()]
                if dead and inbox.empty():
                    raise EmulatorError(f"the replay process of bytes {ranges[dead[0]][0]}-{ranges[dead[0]][1]} "
                                        f"exited unexpectedly (exit code {procs[dead[0]].exitcode})")
                continue
            if kind == "progress":
                progress(value)
            elif kind == "done":
                tallies[index] = tally_from_json(value)
            else:
                raise EmulatorError(value)
        finished = True
    finally:  # Ctrl-C or a failure: each range stops its Node worker and exits; one that does not is killed
        for p in procs:
            if not finished and p.is_alive():
                p.terminate()
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
    return merge(list(tallies.values()))


def _range_process(index: int, handler: Handler, path: Path, byte_range: tuple[int, int], options: Options,
                   raw_plan: dict | None, inbox) -> None:
    signal.signal(signal.SIGTERM, _interrupted)  # the parent stopping the replay: clean up as on Ctrl-C
    pending = 0

    def progress(n: int) -> None:  # batched: a message per ~256 KiB, not per line
        nonlocal pending
        pending += n
        if pending >= 1 << 18:
            inbox.put(("progress", index, pending))
            pending = 0

    try:
        plan = TrackingPlan(raw_plan) if raw_plan is not None else None
        tally = replay_range(handler, path, *byte_range, options, plan, progress)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        inbox.put(("progress", index, pending))
        inbox.put(("done", index, tally_to_json(tally)))
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # reported by the parent, which stops the other ranges
        inbox.put(("failed", index, f"{type(exc).__name__}: {exc}" if not isinstance(exc, EmulatorError) else str(exc)))


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def tally_to_json(tally: Tally, path: Path | None = None, size: int | None = None) -> dict:
    out = {"format": FORMAT} | ({"file": str(path), "size": size} if path is not None else {})
    return out | {"start": tally.start, "end": tally.end, "lines": tally.lines, "events": tally.events,
                  "calls": dict(sorted(tally.calls.items())), "errors": dict(sorted(tally.errors.items())),
                  "violations": dict(sorted(tally.violations.items())), "bad_lines": tally.bad_lines,
                  "examples": {k: [list(e) for e in v] for k, v in sorted(tally.examples.items())},
                  "bad_examples": [list(e) for e in tally.bad_examples]}


def tally_from_json(value: dict) -> Tally:
    return Tally(value["start"], value["end"], value["lines"], value["events"], Counter(value["calls"]),
                 Counter(value["errors"]), Counter(value["violations"]), value["bad_lines"],
                 {k: [tuple(e) for e in v] for k, v in value["examples"].items()},
                 [tuple(e) for e in value["bad_examples"]])


SUMMARY_SCHEMA = {
    "type": "object",
    "required": ["format", "file", "size", "start", "end", "lines", "events", "calls", "errors", "violations",
                 "bad_lines", "examples", "bad_examples"],
    "properties": {
        "format": {"const": FORMAT}, "file": {"type": "string"},
        **{k: {"type": "integer", "minimum": 0} for k in ("size", "start", "end", "lines", "events", "bad_lines")},
        **{k: {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
           for k in ("calls", "errors", "violations")},
        "examples": {"type": "object", "additionalProperties": {"type": "array", "items": {
            "type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "minItems": 2, "maxItems": 2}}},
        "bad_examples": {"type": "array", "items": {
            "type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}, {"type": "string"},
                                             {"type": "string"}], "minItems": 4, "maxItems": 4}},
    },
}


_SUMMARY_VALIDATOR = jsonschema.Draft202012Validator(SUMMARY_SCHEMA)


def merge_summaries(paths: list[Path]) -> tuple[Tally, str, int]:
    """The merged tally of `--summary-json` files of one input file, with that file's name and size; bad or
    mismatched summaries are located errors."""
    values, findings = [], []
    for path in paths:
        try:
            doc = load_document(path, str(path))
        except InputError as exc:
            findings += exc.findings
            continue
        out = doc.collector()
        report_schema_errors(_SUMMARY_VALIDATOR, doc.value, out)
        findings += out.findings
        if not out.errors:
            values.append((path, doc.value))
    if findings:
        raise InputError(findings)
    first_path, first = values[0]
    for path, value in values[1:]:
        if (value["file"], value["size"]) != (first["file"], first["size"]):
            out = Collector(str(path))
            out.add("/file", f"summarises {value['file']} ({value['size']} bytes), not {first['file']} "
                             f"({first['size']} bytes) as {first_path} does")
            raise InputError(out.findings)
    tally = merge([tally_from_json(v) for _, v in values])
    if (tally.start, tally.end) != (0, first["size"]):
        raise EmulatorError(f"the summaries cover bytes {tally.start}-{tally.end} of {first['file']}, not the "
                            f"whole file (0-{first['size']}): a shard is missing")
    return tally, first["file"], first["size"]


def write_summary(tally: Tally, path: Path, size: int, out: Path) -> None:
    out.write_text(json.dumps(tally_to_json(tally, path, size), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
