"""Contract checks: every emitted call against the build's `tracking-plan.json`.

The plan (generator/render_data.py) keys track, page and screen schemas by name and set schemas by collection,
with `<kind>_other` for names computed per webhook; identify, group and alias have one schema each. Validation
is on the hot path of `replay`, so schemas are compiled once with jsonschema-rs (about 1 µs a call, against
~80 µs for the pure-Python validator); its errors already carry the instance path this module turns into JSON
pointers.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..core.findings import pointer_join

NAMED = {"track": "event", "page": "name", "screen": "name", "set": "collection"}
SINGLE = ("identify", "group", "alias", "track_other", "page_other", "screen_other", "set_other",
          "function_calls")  # the last: calls the spec's functions return, checked when no other schema names them


class TrackingPlan:
    def __init__(self, plan: dict[str, Any], origin: str = "tracking-plan.json"):
        self.origin = origin
        self.raw = plan  # what other processes rebuild it from (compiled validators do not pickle)
        compile_ = jsonschema_rs.Draft202012Validator
        self.named = {kind: {name: compile_(s) for name, s in plan.get(kind, {}).items()} for kind in NAMED}
        self.single = {kind: compile_(plan[kind]) for kind in SINGLE if kind in plan}

    @classmethod
    def load(cls, path: Path) -> TrackingPlan:
        return cls(json.loads(path.read_text(encoding="utf-8")), str(path))

    def violations(self, calls: list[dict]) -> list[dict]:
        """One {pointer, message} per problem, the pointer into the invocation's calls list."""
        found = []
        for i, call in enumerate(calls):
            base = f"/calls/{i}"
            validator = self._validator_for(call)
            if isinstance(validator, str):
                found.append({"pointer": base, "message": validator})
            elif not validator.is_valid(call):
                found += [{"pointer": pointer_join(base, *err.instance_path), "message": err.message}
                          for err in validator.iter_errors(call)]
        return found

    def _validator_for(self, call: dict) -> Any:
        kind = call.get("type")
        if kind in NAMED:
            name = call.get(NAMED[kind])
            found = self.named[kind].get(name) if isinstance(name, str) else None
            found = found or self.single.get(kind + "_other") or self.single.get("function_calls")
            if found:
                return found
            what = {"track": "event", "set": "collection"}.get(kind, kind)
            return f"{what} {name!r} is not in the tracking plan"
        found = self.single.get(kind) or self.single.get("function_calls")
        return found or f"{kind} calls are not in the tracking plan"
