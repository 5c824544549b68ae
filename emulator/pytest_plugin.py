"""pytest plugin (entry point `pytest11`): the `srcfn_emulator` fixture.

    def test_signup(srcfn_emulator):
        emu = srcfn_emulator("build/acme/handler.js")
        result = emu.invoke(webhook({"type": "signup"}))

The handler's `fetch` calls are answered by Python `requests`, so a test's own `responses` mock (for example
`@responses.activate`) sees them; srcfn never activates `responses` itself. Workers start inside the test and
stop when it ends.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from .contracts import TrackingPlan
from .runner import Emulator, Options


def requests_bridge(request: dict) -> dict:
    """Perform a handler's fetch with `requests`; the reply in the worker's fetch_result shape.

    Node's fetch lowercases header names; they are sent canonically cased (`Authorization`), so a
    `responses` header matcher written the usual way matches (its name comparison is case-sensitive)."""
    headers = {_canonical(k): v for k, v in (request.get("headers") or {}).items()}
    response = requests.request(request["method"], request["url"], headers=headers,
                                data=(request.get("body") or "").encode("utf-8") or None, timeout=30)
    return {"status": response.status_code, "headers": dict(response.headers), "body": response.text}


def _canonical(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


@pytest.fixture
def srcfn_emulator():
    """A factory: `srcfn_emulator(handler, tracking_plan=None, **Options fields)` → a started Emulator."""
    started: list[Emulator] = []

    def start(handler: str | Path, tracking_plan: str | Path | None = None, **options) -> Emulator:
        plan = TrackingPlan.load(Path(tracking_plan)) if tracking_plan else None
        emu = Emulator(Path(handler), Options(fetch="bridge", **options), plan=plan, fetch_bridge=requests_bridge)
        emu.__enter__()
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.close()
