"""`srcfn diff --replay`: captured webhooks through the old and the new handler, and what changed in the calls.

Both handlers run in the emulator with the same settings and the same fixed clock, line by line in chunks (flat
memory). The calls of one webhook are paired by kind and name in emission order; a pair that differs counts
once for the call, once per field that differs (`properties.total`), and its first examples are kept."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .emulator.handler import Handler
from .emulator.replay import EXAMPLES, Tally, line_fixture
from .emulator.results import Result
from .emulator.runner import Emulator, Options

CHUNK = 256       # webhooks run through both handlers at a time
MAX_TEXT = 160    # characters of a value shown in an example


@dataclass
class CallChanges:
    webhooks: int = 0
    calls_before: int = 0
    calls_after: int = 0
    changed: int = 0                  # paired calls that differ
    by_event: Counter = field(default_factory=Counter)
    by_field: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)   # calls no longer emitted, by call
    added: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)  # "ok → ValidationError"
    examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    invalid: Tally = field(default_factory=lambda: Tally(0, 0))

    def example(self, kind: str, line: int, text: str) -> None:
        items = self.examples.setdefault(kind, [])
        if len(items) < EXAMPLES:
            items.append((line, text))

    def to_json(self) -> dict:
        return {"webhooks": self.webhooks, "calls_before": self.calls_before, "calls_after": self.calls_after,
                "changed_calls": self.changed, "changed_by_event": dict(sorted(self.by_event.items())),
                "changed_by_field": dict(sorted(self.by_field.items())), "calls_removed": dict(sorted(self.removed.items())),
                "calls_added": dict(sorted(self.added.items())), "outcomes_changed": dict(sorted(self.outcomes.items())),
                "examples": {k: [{"line": line, "text": t} for line, t in v] for k, v in sorted(self.examples.items())},
                "invalid_lines": self.invalid.bad_lines}


def replay_diff(old: Handler, new: Handler, path: Path, options: Options) -> CallChanges:
    out = CallChanges()
    numbered = _fixtures(path, out.invalid)
    with Emulator(old, options) as before, Emulator(new, options) as after:
        while chunk := list(islice(numbered, CHUNK)):
            lines = [line for line, _ in chunk]
            fixtures = [f for _, f in chunk]
            for line, a, b in zip(lines, before.run(fixtures), after.run(fixtures)):
                _compare(out, line, a, b)
    return out


def _fixtures(path: Path, invalid: Tally):
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            fixture = line_fixture(path, number, raw.rstrip(b"\r\n"), invalid)
            if fixture is not None:
                yield number, fixture


def _compare(out: CallChanges, line: int, before: Result, after: Result) -> None:
    out.webhooks += 1
    out.calls_before += len(before.calls)
    out.calls_after += len(after.calls)
    was, now = _outcome(before), _outcome(after)
    if was != now:
        out.outcomes[f"{was} → {now}"] += 1
        out.example(f"outcome {was} → {now}", line, (after.shown().error or before.shown().error or {}).get("message", ""))
    shown_before, shown_after = before.shown().calls, after.shown().calls
    old_groups, new_groups = _by_label(before.calls), _by_label(after.calls)
    for label in dict.fromkeys([*old_groups, *new_groups]):
        olds, news = old_groups.get(label, []), new_groups.get(label, [])
        for i, j in zip(olds, news):
            fields = _differences(before.calls[i], after.calls[j])
            if fields:
                out.changed += 1
                out.by_event[label] += 1
                out.by_field.update(".".join(f) for f in fields)
                out.example(f"changed {label}", line, _describe(fields, shown_before[i], shown_after[j]))
        for i in olds[len(news):]:
            out.removed[label] += 1
            out.example(f"removed {label}", line, _short(shown_before[i]))
        for j in news[len(olds):]:
            out.added[label] += 1
            out.example(f"added {label}", line, _short(shown_after[j]))


def _outcome(result: Result) -> str:
    return "ok" if result.error is None else result.error["type"]


def label_of(call: dict) -> str:
    kind = call.get("type", "?")
    name = call.get("event") if kind == "track" else call.get("name") if kind in ("page", "screen") else \
        call.get("collection") if kind == "set" else None
    return kind if name is None else f"{kind} {json.dumps(name, ensure_ascii=False)}"


def _by_label(calls: list[dict]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, call in enumerate(calls):
        groups.setdefault(label_of(call), []).append(i)
    return groups


def _differences(a, b, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths at which two calls differ (an object's keys compared one by one, arrays as a whole)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in dict.fromkeys([*a, *b]):
            found += _differences(a.get(key, _MISSING), b.get(key, _MISSING), path + (key,))
        return found
    return [] if a == b and type(a) is type(b) else [path]


_MISSING = object()


def _describe(fields: list[tuple[str, ...]], before: dict, after: dict) -> str:
    return "; ".join(f"{'.'.join(f)}: {_at(before, f)} → {_at(after, f)}" for f in fields[:3]) + \
        (f"; and {len(fields) - 3} more" if len(fields) > 3 else "")


def _at(call: dict, path: tuple[str, ...]) -> str:
    value = call
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return "(absent)"
        value = value[key]
    return _short(value)


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"
