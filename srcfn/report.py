"""Print findings and stale files as text (for people) or GitHub annotations (for CI)."""
from __future__ import annotations

import click

from .core.findings import ERROR, Finding

from .check import Stale

FORMATS = ("text", "github")


def findings(items: list[Finding], fmt: str) -> None:
    for f in sorted(items):
        click.echo(f.github() if fmt == "github" else f.format(), err=fmt != "github")


def stale(items: list[Stale], fmt: str) -> None:
    for s in items:
        if fmt == "github":
            click.echo(f"::error file={s.path},line={s.line}::{s.message()}")
        else:
            click.echo(f"{s.path}:{s.line}: {s.message()}")
            if s.diff:
                click.echo(s.diff.rstrip("\n"))


def fixture_failures(runs: list, fmt: str) -> None:
    for run in runs:
        r = run.result.shown()
        why = r.mismatch or "; ".join(f"contract: {v['pointer']}: {v['message']}" for v in r.violations)
        first = why.splitlines()[0] if why else "failed"
        if fmt == "github":
            text = why.replace("%", "%25").replace("\n", "%0A")
            click.echo(f"::error file={run.fixture.ident},line=1::fixture fails: {text}")
        else:
            click.echo(f"{run.fixture.ident}:1: fixture fails: {first}")
            rest = why.splitlines()[1:]
            if rest:
                click.echo("\n".join(rest))


def replay_summary(tally, source: str, elapsed: float | None = None, workers: int = 1) -> None:
    """A replay's (or merged replays') tally; line numbers count from the first line at or after byte
    `tally.start` of `source` (the file's own line numbers when the tally starts at byte 0)."""
    where = source if tally.start == 0 else f"{source} (the slice from byte {tally.start})"
    if elapsed is None:
        click.echo(f"replayed {tally.events} events from {tally.lines} lines of {where}")
    else:
        rate = tally.events / elapsed if elapsed > 0 else 0.0
        click.echo(f"replayed {tally.events} events from {tally.lines} lines of {where} in {elapsed:.2f} s "
                   f"({rate:,.0f} events/s, {plural(workers, 'worker')})")
    click.echo("calls:")
    for name, n in sorted(tally.calls.items()):
        click.echo(f"  {n:>8}  {name}")
    for title, counts, kind in (("errors by category", tally.errors, "error"),
                                ("contract violations", tally.violations, "contract")):
        click.echo(f"{title}:" + ("" if counts else " none"))
        for name, n in sorted(counts.items()):
            click.echo(f"  {n:>8}  {name}")
            for line, text in tally.examples.get(f"{kind} {name}", []):
                click.echo(f"            e.g. line {line}: {text}")
    if tally.bad_lines:
        click.echo(f"invalid lines: {tally.bad_lines}")
        for line, col, pointer, message in tally.bad_examples:
            click.echo(f"  {source}:{line}:{col}: {pointer or '(root)'}: {message}" if tally.start == 0
                       else f"  line {line}, column {col}: {pointer or '(root)'}: {message}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def count(items: list[Finding], level: str = ERROR) -> int:
    return sum(1 for f in items if f.level == level)
