"""Print invocation results for people (readable) or programs (one JSON object per line)."""
from __future__ import annotations

import json

import click

from .core.segment import TESTER_LOG_BYTES
from .emulator.results import Result


def result_line(result: Result, name: str, verdict: bool = True) -> str:
    outcome = f"{result.status}"
    if result.error:
        outcome += f" {result.error['type']} ({result.error['category']}): {result.error['message']}"
    line = f"{name}  {outcome}  {result.duration_ms:.1f} ms"
    return (("PASS " if result.ok else "FAIL ") + line) if verdict else line


def describe_call(call: dict) -> str:
    head = call["type"] + (f" {json.dumps(call['event'], ensure_ascii=False)}" if "event" in call else "")
    ids = " ".join(f"{k}={json.dumps(call[k], ensure_ascii=False)}" for k in ("userId", "anonymousId", "groupId",
                                                                          "previousId", "collection", "id") if k in call)
    return f"{head} {ids}".rstrip()


def print_result(result: Result, name: str, verbose: bool = True, verdict: bool = True) -> None:
    """One invocation; `verdict=False` (serve) shows no PASS/FAIL and no expectation diff."""
    result = result.shown()
    click.echo(result_line(result, name, verdict))
    if not verbose and result.ok:
        return
    for call in result.calls:
        click.echo(f"    {describe_call(call)}")
        for key in ("properties", "traits"):
            if call.get(key):
                click.echo(f"      {key}: {json.dumps(call[key], ensure_ascii=False)}")
    if result.discarded:
        click.echo(f"    {result.discarded} call(s) discarded: the handler threw (all-or-nothing)")
    for line in result.logs:
        click.echo(f"    log: {line}")
    if result.logs_over_limit:
        limit = f"{TESTER_LOG_BYTES // 1024} KB"
        click.echo(f"    note: console output is over {limit}; Segment's tester shows only the first {limit}")
    for v in result.violations:
        click.echo(f"    contract: {v['pointer']}: {v['message']}")
    if result.mismatch and verdict:
        click.echo("    " + result.mismatch.rstrip("\n").replace("\n", "\n    "))


def print_json(result: Result) -> None:
    click.echo(json.dumps(result.shown().to_json(), ensure_ascii=False))
