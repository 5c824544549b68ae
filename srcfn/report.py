"""Print findings and stale files as text (for people) or GitHub annotations (for CI)."""
from __future__ import annotations

import click

from generator.findings import ERROR, Finding

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


def count(items: list[Finding], level: str = ERROR) -> int:
    return sum(1 for f in items if f.level == level)
