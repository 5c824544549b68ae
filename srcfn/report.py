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
        r = run.result
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


def replay_summary(summary, elapsed: float, workers: int) -> None:
    rate = summary.events / elapsed if elapsed > 0 else 0.0
    click.echo(f"replayed {summary.events} events in {elapsed:.2f} s ({rate:,.0f} events/s, {workers} worker{'s' if workers != 1 else ''})")
    click.echo("calls:")
    for name, n in sorted(summary.calls.items()):
        click.echo(f"  {n:>8}  {name}")
    click.echo("errors by category:" + ("" if summary.errors else " none"))
    for name, n in sorted(summary.errors.items()):
        click.echo(f"  {n:>8}  {name}")
    click.echo("contract violations:" + ("" if summary.violations else " none"))
    for name, n in sorted(summary.violations.items()):
        click.echo(f"  {n:>8}  {name}")
    if summary.bad_lines:
        click.echo(f"invalid lines: {len(summary.bad_lines)}")
        for f in summary.bad_lines[:5]:
            click.echo(f"  {f.format()}")
    for example in summary.examples:
        click.echo(f"  e.g. {example}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def count(items: list[Finding], level: str = ERROR) -> int:
    return sum(1 for f in items if f.level == level)
