"""`srcfn diff` output: text for people, GitHub annotations for CI, JSON for tools, Markdown for a pull-request
comment. Every format carries the same changes, in the same order."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import click

from .replay_diff import CallChanges
from .spec_diff import BREAKING, CLASSES, Change

FORMATS = ("text", "json", "github", "markdown")


@dataclass(frozen=True)
class Located:
    source: str
    file: str
    line: int
    change: Change

    def to_json(self) -> dict:
        c = self.change
        return {"source": self.source, "class": c.cls, "kind": c.kind, "subject": c.subject, "calls": list(c.calls),
                "reason": c.reason, "file": self.file, "line": self.line, "pointer": c.pointer}


def summary(changes: list[Located], against: str) -> str:
    counts = Counter(c.change.cls for c in changes)
    if not changes:
        return f"diff against {against}: no changes"
    parts = ", ".join(f"{counts[k]} {k}" for k in CLASSES if counts[k])
    return f"diff against {against}: {parts} ({len(changes)} {'change' if len(changes) == 1 else 'changes'})"


def emit(changes: list[Located], against: str, fmt: str, allowed: bool, behaviour: CallChanges | None,
         replay_file: str | None) -> None:
    if fmt == "json":
        click.echo(json.dumps({"against": against, "breaking": any(c.change.cls == BREAKING for c in changes),
                               "changes": [c.to_json() for c in changes],
                               "counts": {k: sum(c.change.cls == k for c in changes) for k in CLASSES},
                               "replay": behaviour.to_json() if behaviour else None}, indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo(markdown(changes, against, behaviour, replay_file))
        return
    for c in changes:
        click.echo(_github(c, allowed) if fmt == "github" else
                   f"{c.file}:{c.line}: {c.change.cls}: {c.change.text}: {c.change.reason}")
    if behaviour is not None:
        click.echo("\n".join(behaviour_lines(behaviour, replay_file)))
    click.echo(summary(changes, against) + (" (allowed)" if allowed and any(
        c.change.cls == BREAKING for c in changes) else ""), err=fmt == "github")


def _github(c: Located, allowed: bool) -> str:
    level = "error" if c.change.cls == BREAKING and not allowed else \
        "warning" if c.change.cls == BREAKING else "notice"
    text = f"{c.change.text}: {c.change.reason}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    title = f"srcfn diff: {c.change.cls}"
    return f"::{level} file={c.file},line={c.line},title={title}::{text}"


def markdown(changes: list[Located], against: str, behaviour: CallChanges | None, replay_file: str | None) -> str:
    out = [f"### srcfn diff against `{against}`", "", _md_summary(changes), ""]
    if changes:
        out += ["| Class | Source | Change | Why |", "|---|---|---|---|"]
        out += [f"| {'**breaking**' if c.change.cls == BREAKING else c.change.cls} | {_cell(c.source)} | "
                f"{_cell(c.change.text)} | {_cell(c.change.reason)} |" for c in changes]
        out.append("")
    if behaviour is not None:
        out += ["#### Replay", "", "```", *behaviour_lines(behaviour, replay_file), "```", ""]
    return "\n".join(out)


def _md_summary(changes: list[Located]) -> str:
    counts = Counter(c.change.cls for c in changes)
    if not changes:
        return "No changes downstream would notice."
    return ", ".join(f"**{counts[k]} {k}**" if k == BREAKING else f"{counts[k]} {k}" for k in CLASSES if counts[k]) + "."


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def behaviour_lines(b: CallChanges, replay_file: str | None) -> list[str]:
    lines = [f"replay of {replay_file}: {b.webhooks} webhooks, {b.calls_before} calls before, {b.calls_after} after; "
             f"{b.changed} changed, {sum(b.removed.values())} no longer emitted, {sum(b.added.values())} new"
             + (f"; {b.invalid.bad_lines} invalid lines" if b.invalid.bad_lines else "")]
    for title, counts in (("changed calls by event", b.by_event), ("changed calls by field", b.by_field),
                          ("calls no longer emitted", b.removed), ("new calls", b.added),
                          ("outcomes changed", b.outcomes)):
        if counts:
            lines.append(f"{title}:")
            lines += [f"  {n:>8}  {name}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    for kind, items in sorted(b.examples.items()):
        lines += [f"  e.g. line {line}: {kind}: {text}" for line, text in items]
    for line, col, pointer, message in b.invalid.bad_examples:
        lines.append(f"  {replay_file}:{line}:{col}: {pointer or '(root)'}: {message}")
    return lines
