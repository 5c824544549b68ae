"""The JSON outputs: `settings.json` (Public API FunctionSettingV1 list) and `tracking-plan.json`."""
from __future__ import annotations

import json
import re
from typing import Any

from . import model as m
from .expressions import parse_template

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def dump_json(value: Any) -> str:
    """Stable JSON text: two-space indent, real UTF-8, trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def settings_json(spec: m.Spec) -> str:
    return dump_json([{"name": s.name, "label": s.label, "description": s.description, "type": s.type,
                       "required": s.required, "sensitive": s.sensitive} for s in spec.settings])


def tracking_plan_json(spec: m.Spec) -> str:
    plan: dict[str, Any] = {"schema_dialect": DRAFT, "source": spec.source.slug, "spec": spec.path,
                            "spec_sha256": spec.sha256, "track": {}}
    for event in spec.track_events:
        plan["track"][event.name] = _track_schema(spec, event)
    identifies = [e for e in spec.events if e.call == "identify"]
    if identifies:
        plan["identify"] = _identify_schema(spec, identifies)
    return dump_json(plan)


def _identity(spec: m.Spec, event: m.Event) -> dict[str, Any]:
    has_user = spec.rule_for(spec.user_id, event) is not None
    has_anon = spec.rule_for(spec.anonymous_id, event) is not None
    ident: dict[str, Any] = {"type": "string", "minLength": 1}
    schema: dict[str, Any] = {"properties": {}}
    if has_user:
        schema["properties"]["userId"] = ident
    if has_anon:
        schema["properties"]["anonymousId"] = ident
    if has_user and has_anon:
        schema["anyOf"] = [{"required": ["userId"]}, {"required": ["anonymousId"]}]
    else:
        schema["required"] = ["userId" if has_user else "anonymousId"]
    return schema


def _track_schema(spec: m.Spec, event: m.Event) -> dict[str, Any]:
    ident = _identity(spec, event)
    props = {name: spec.properties[name].schema for name in event.properties}
    body: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if event.required:
        body["required"] = list(event.required)
    schema = {"type": "object", "required": ["event"] + ident.pop("required", []),
              "properties": {"type": {"const": "track"}, "event": {"const": event.name},
                             **ident.pop("properties"), "properties": body}}
    return {**schema, **ident}


def _identify_schema(spec: m.Spec, events: list[m.Event]) -> dict[str, Any]:
    ident = _identity(spec, events[0])
    static: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for trait in list(spec.traits) + [t for e in events for t in e.traits]:
        parts = parse_template(trait.name)
        if all(isinstance(p, str) for p in parts):
            static["".join(parts)] = {}
        else:
            regex = "".join(re.escape(p) if isinstance(p, str) else ".+" for p in parts)
            patterns[f"^{regex}$"] = {}
    traits = {"type": "object", "properties": static, "patternProperties": patterns, "additionalProperties": False}
    schema = {"type": "object", "required": ident.pop("required", []),
              "properties": {"type": {"const": "identify"}, **ident.pop("properties"), "traits": traits}}
    return {**schema, **ident}
