"""The JSON outputs: `settings.json` (Public API FunctionSettingV1 list) and `tracking-plan.json`."""
from __future__ import annotations

import json
import re
from typing import Any

from . import model as m
from .expr.templates import literal_text

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def dump_json(value: Any) -> str:
    """Stable JSON text: two-space indent, real UTF-8, trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def settings_json(spec: m.Spec) -> str:
    return dump_json([{"name": s.name, "label": s.label, "description": s.description, "type": s.type,
                       "required": s.required, "sensitive": s.sensitive} for s in spec.settings])


NAMED = {"track": "event", "page": "name", "screen": "name", "set": "collection"}  # kinds keyed by a name


def tracking_plan_json(spec: m.Spec) -> str:
    """The JSON Schema of every call the handler makes: keyed by event, page or screen name and set collection
    (`<kind>_other` for names computed per webhook), one schema for identify, group and alias."""
    plan: dict[str, Any] = {"schema_dialect": DRAFT, "source": spec.source.slug, "spec": spec.path,
                            "spec_sha256": spec.sha256, "track": {}}
    for call in spec.calls:
        schema = _call_schema(spec, call)
        static = call.collection if call.kind == "set" else call.name if call.name_from is None else None
        if call.kind in NAMED and static is not None:
            _add(plan.setdefault(call.kind, {}), static, schema)
        else:
            _add(plan, call.kind + "_other" if call.kind in NAMED else call.kind, schema)
    for entry in spec.function_calls:  # what a function returns: an array of calls (see its `returns`)
        returns = next(f.returns for f in spec.functions if f.name == entry.call.name)
        _add(plan, "function_calls", returns.get("items", {}))
    return dump_json(plan)


def _add(table: dict, key: str, schema: dict) -> None:
    """A second schema for the same key: either one validates."""
    if key not in table:
        table[key] = schema
    elif "anyOf" in table[key] and set(table[key]) == {"anyOf"}:
        table[key]["anyOf"].append(schema)
    elif table[key] != schema:
        table[key] = {"anyOf": [table[key], schema]}


def _identity(call: m.Call) -> dict[str, Any]:
    has_user, has_anon = call.user_id is not None, call.anonymous_id is not None
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


def _call_schema(spec: m.Spec, call: m.Call) -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    if call.kind == "set":
        collection = {"const": call.collection} if call.collection is not None else text
        return {"type": "object", "required": ["collection", "id", "properties"],
                "properties": {"type": {"const": "set"}, "collection": collection, "id": text,
                               "properties": _properties(spec, call)}}
    ident = _identity(call)
    props: dict[str, Any] = {"type": {"const": call.kind}, **ident.pop("properties")}
    required = ident.pop("required", [])
    if call.kind in NAMED:
        key = NAMED[call.kind]
        static = call.name_from is None and call.name is not None
        props[key] = {"const": call.name} if static else text
        required = ([key] if call.kind == "track" or static else []) + required
        props["properties"] = _properties(spec, call)
    if call.kind in ("identify", "group"):
        props["traits"] = _traits(call.traits)
    for field in ("groupId", "previousId"):
        if any(k == field for k, _ in call.fields):
            props[field] = text
            required.append(field)
    return {"type": "object", "required": required, "properties": props, **ident}


def _properties(spec: m.Spec, call: m.Call) -> dict[str, Any]:
    if not isinstance(call.properties, tuple):
        return {"type": "object", **{k: v for k, v in call.properties.yields.items() if k != "type"}}
    props = {name: spec.properties[name].schema for name, _ in call.properties}
    body: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if call.required:
        body["required"] = list(call.required)
    return body


def _traits(traits: tuple[m.Trait, ...]) -> dict[str, Any]:
    static: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for trait in traits:
        if trait.key is None:
            static.setdefault(literal_text(trait.name), trait.value.yields)
        else:
            regex = "".join(re.escape(p) if isinstance(p, str) else ".+" for p in trait.key.parts)
            patterns.setdefault(f"^{regex}$", trait.value.yields)
    return {"type": "object", "properties": static, "patternProperties": patterns, "additionalProperties": False}
