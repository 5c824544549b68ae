"""Compare an invocation with its fixture's expectation; rewrite expectations for `--update`."""
from __future__ import annotations

import difflib
import json
from pathlib import Path

from .fixtures import Fixture
from .results import Result


def actual_outcome(result: Result) -> dict:
    """The result in the shape of an `expect` block."""
    if result.error:
        return {"error": {"type": result.error["type"], "message": result.error["message"]}}
    return {"calls": result.calls}


def mismatch(fixture: Fixture, result: Result) -> str | None:
    """None when the result meets the expectation, else a unified diff (expected → actual)."""
    expect = fixture.expect
    if expect is None:
        return f"unexpected {result.error['type']}: {result.error['message']}" if result.error else None
    actual = actual_outcome(result)
    wanted = expect
    if "error" in expect and "error" in actual and "message" not in expect["error"]:
        actual = {"error": {"type": actual["error"]["type"]}}  # the fixture pins only the error type
    if wanted == actual:
        return None
    return "".join(difflib.unified_diff(_pretty(wanted), _pretty(actual), "expected", "actual"))


def _pretty(value: dict) -> list[str]:
    # Keys sorted on both sides: the diff shows what differs, not the order fields were written in.
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").splitlines(keepends=True)


def update(fixture: Fixture, result: Result) -> bool:
    """Write the actual outcome as the fixture's expectation; False when it already matched."""
    if fixture.path is None or (fixture.expect is not None and mismatch(fixture, result) is None):
        return False
    data = json.loads(fixture.path.read_text(encoding="utf-8"))
    data["expect"] = actual_outcome(result)
    Path(fixture.path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return True
