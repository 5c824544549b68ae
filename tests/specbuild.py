"""Build specs in memory for tests: load one (or its findings), render its handler, run webhooks through it."""
from __future__ import annotations

import copy
import json
from typing import Any

from srcfn.core.findings import InputError
from srcfn.emulator.fixtures import webhook
from srcfn.emulator.handler import Handler
from srcfn.emulator.runner import Emulator, Options
from srcfn.generator.loader import load_spec_text
from srcfn.generator.render import render_all

BASE: dict[str, Any] = {
    "source": {"name": "Acme", "slug": "acme", "website": "https://acme.example.com/",
               "intro": "is a test source.", "maintainer": {"support_email": "support@acme.example.com"}},
    "connect": {"path": "Settings > Segment"},
    "webhook": {"payload": {"type": "object"}},
    "identity": {"user_id": {"value": {"const": "u1"}, "describe": "a constant"}},
    "events": [],
}


def spec(**parts: Any) -> dict:
    """BASE with top-level parts replaced (webhook parts merged into BASE's webhook)."""
    out = copy.deepcopy(BASE)
    for key, value in parts.items():
        if key == "webhook":
            out["webhook"] = {**out["webhook"], **value}
        else:
            out[key] = value
    return out


def load(value: dict, files: dict[str, str] | None = None):
    text = json.dumps(value)
    return load_spec_text(text, "acme/source.json", "acme", "source.json", (files or {}).get)


def errors(value: dict, files: dict[str, str] | None = None) -> list[str]:
    """`pointer: message` of every error the spec gives (empty when it loads)."""
    try:
        load(value, files)
    except InputError as exc:
        return [f"{f.pointer}: {f.message}" for f in exc.findings if f.level == "error"]
    return []


def handler(value: dict, files: dict[str, str] | None = None) -> Handler:
    return Handler(render_all(load(value, files).spec)["handler.js"], "acme/handler.js")


def run(value: dict, *requests: dict, files: dict[str, str] | None = None, deployed: bool = False) -> list:
    """Results of webhooks given as keyword dicts of `fixtures.webhook` (body=..., headers=...), as the tester
    sends them or (`deployed`) as a deployed function receives them."""
    with Emulator(handler(value, files), Options(deployed=deployed)) as emu:
        return list(emu.run([webhook(**r) for r in requests]))


def calls(value: dict, body: Any = None, files: dict[str, str] | None = None, **request: Any) -> list[dict]:
    """The calls of one webhook, without the context.integration srcfn adds; fails on an error."""
    (result,) = run(value, dict(body=body, **request), files=files)
    assert result.error is None, result.error
    out = []
    for call in result.calls:
        call = dict(call)
        context = {k: v for k, v in call.pop("context", {}).items() if k != "integration"}
        out.append({**call, **({"context": context} if context else {})})
    return out


def error_of(value: dict, body: Any = None, **request: Any) -> tuple[str, str]:
    (result,) = run(value, dict(body=body, **request))
    assert result.error is not None, result.calls
    return result.error["type"], result.error["message"]
