"""Rules a JSON Schema cannot express: references between parts of the spec, and conventions.

Runs on the raw spec after it passed the meta-schema; adds located findings to a Collector.
Errors stop generation; warnings (naming conventions, unused properties) are reported only.
"""
from __future__ import annotations

import re
from typing import Any

import jsonschema

from .expressions import TemplateError, body_paths, settings_read, split_path
from ..core.findings import Collector, pointer_join
from ..core.segment import TEMPLATE_SECTIONS, WEBHOOK_HOST
from .markdown import unclosed_block
from .payload_js import UnsupportedSchema, compile_validator
from .payload_paths import path_in_schema

SNAKE_CASE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "via"}


def check_semantics(spec: dict[str, Any], out: Collector, folder_slug: str | None) -> None:
    payload = spec["webhook"]["payload"]
    if folder_slug is not None and spec["source"]["slug"] != folder_slug:
        out.add("/source/slug", f"slug {spec['source']['slug']!r} must match its folder name {folder_slug!r}")
    payload_ok = _check_payload_schema(payload, out)
    settings = _check_settings(spec, out)
    events = _check_events(spec, out)
    _check_identity(spec, events, out)
    _check_expressions(spec, payload if payload_ok else None, settings, out)
    _check_properties(spec, out)
    _check_markdown(spec, out)
    _check_self_calls(spec, out)
    for i, section in enumerate(spec.get("extra_sections", [])):
        if section["title"].strip().lower() in {title.lower() for title in TEMPLATE_SECTIONS.values()}:
            out.add(f"/extra_sections/{i}/title", f"{section['title']!r} is a standard section of the page")


def is_proper_case(name: str) -> bool:
    words = name.split()
    return all(w[0].isupper() or not w[0].isalpha() or (i and w in _MINOR_WORDS) for i, w in enumerate(words))


def _check_payload_schema(payload: dict, out: Collector) -> bool:
    try:
        jsonschema.Draft202012Validator.check_schema(payload)
    except jsonschema.SchemaError as exc:
        out.add(pointer_join("/webhook/payload", *exc.path), f"invalid JSON Schema: {exc.message}")
        return False
    try:
        compile_validator(payload)
    except UnsupportedSchema as exc:
        out.add("/webhook/payload" + exc.pointer, str(exc))
        return False
    return True


def _check_settings(spec: dict, out: Collector) -> dict[str, dict]:
    settings: dict[str, dict] = {}
    for i, setting in enumerate(spec.get("settings", [])):
        if setting["name"] in settings:
            out.add(f"/settings/{i}/name", f"duplicate setting {setting['name']!r}")
        settings.setdefault(setting["name"], setting)
    signature = spec["webhook"].get("signature")
    if signature:
        name, ptr = signature["secret_setting"], "/webhook/signature/secret_setting"
        if name not in settings:
            out.add(ptr, f"signature secret names unknown setting {name!r}; declare it under settings")
        elif settings[name]["type"] != "STRING":
            out.add(ptr, f"setting {name!r} holds the signing secret and must have type STRING")
        elif not settings[name].get("sensitive"):
            out.warn(ptr, f"setting {name!r} holds a secret: mark it sensitive: true")
    return settings


def _check_events(spec: dict, out: Collector) -> dict[str, int]:
    """Event names, webhook-type routing and property references; returns track names → index."""
    names: dict[str, int] = {}
    routes: dict[tuple[str, str], str] = {}
    known = spec.get("properties", {})
    for i, event in enumerate(spec["events"]):
        call, ptr = event.get("call", "track"), f"/events/{i}"
        name = event.get("name")
        if name is not None:
            if name in names:
                out.add(ptr + "/name", f"duplicate event {name!r} (first at /events/{names[name]})")
            names.setdefault(name, i)
            if call == "track" and not is_proper_case(name):
                out.warn(ptr + "/name", f"event name {name!r} is not Proper Case")
        on = [event["on"]] if isinstance(event["on"], str) else event["on"]
        for j, hook in enumerate(on):
            label = name or f"identify at {ptr}"
            if (call, hook) in routes:
                out.add(f"{ptr}/on" + ("" if isinstance(event["on"], str) else f"/{j}"),
                        f"webhook type {hook!r} already triggers {routes[(call, hook)]!r}")
            routes.setdefault((call, hook), label)
        for key in ("properties", "required"):
            for j, prop in enumerate(event.get(key, [])):
                if prop not in known:
                    out.add(f"{ptr}/{key}/{j}", f"unknown property {prop!r}; declare it under properties")
                elif key == "required" and prop not in event.get("properties", []):
                    out.add(f"{ptr}/{key}/{j}", f"required property {prop!r} is not among the event's properties")
    _check_routes_against_enum(spec, {hook for _, hook in routes}, out)
    return {n: i for n, i in names.items() if spec["events"][i].get("call", "track") == "track"}


def _check_routes_against_enum(spec: dict, hooks: set[str], out: Collector) -> None:
    node: Any = spec["webhook"]["payload"]
    for key in split_path(spec["webhook"]["event_type"]):
        node = node.get("properties", {}).get(key, {}) if isinstance(node, dict) else {}
    allowed = node.get("enum") if isinstance(node, dict) else None
    if allowed is None:
        return
    for hook in sorted(hooks - set(allowed)):
        out.add("/webhook/payload", f"webhook type {hook!r} is routed to an event but not allowed by the payload schema's enum")
    for hook in [h for h in allowed if h not in hooks]:
        out.warn("/webhook/payload", f"webhook type {hook!r} is allowed by the payload schema but triggers no event")


def _check_identity(spec: dict, track_names: dict[str, int], out: Collector) -> None:
    identity = spec["identity"]
    covered = {kind: set() for kind in ("user_id", "anonymous_id")}
    for kind in covered:
        rules = identity.get(kind, [])
        for i, rule in enumerate([rules] if isinstance(rules, dict) else rules):
            ptr = f"/identity/{kind}" + ("" if isinstance(rules, dict) else f"/{i}")
            for j, name in enumerate(rule.get("events", [])):
                if name not in track_names:
                    out.add(f"{ptr}/events/{j}", f"identity rule names unknown event {name!r}")
            covered[kind] |= set(rule.get("events", track_names))
    for name, i in track_names.items():
        if name not in covered["user_id"] | covered["anonymous_id"]:
            out.add(f"/events/{i}", f"no identity rule gives event {name!r} a userId or an anonymousId")


def _expressions(spec: dict):
    """Every (pointer, expression) of the spec."""
    hook = spec["webhook"]
    for key in ("message_id", "timestamp"):
        if key in hook:
            yield f"/webhook/{key}", hook[key]
    yield "/webhook/event_type", hook["event_type"]
    for kind in ("user_id", "anonymous_id"):
        rules = spec["identity"].get(kind, [])
        for i, rule in enumerate([rules] if isinstance(rules, dict) else rules):
            yield f"/identity/{kind}" + ("" if isinstance(rules, dict) else f"/{i}") + "/value", rule["value"]
    for ptr, name, trait in _traits(spec):
        yield (ptr + "/value", trait["value"]) if isinstance(trait, dict) and "value" in trait else (ptr, trait)
    for name, prop in spec.get("properties", {}).items():
        yield pointer_join("/properties", name, "from"), prop["from"]


def _traits(spec: dict):
    """Every (pointer, name, trait) of the identity traits and the identify events' traits."""
    for base, traits in [("/identity/traits", spec["identity"].get("traits", {}))] + [
            (f"/events/{i}/traits", e.get("traits", {})) for i, e in enumerate(spec["events"])]:
        for name, trait in traits.items():
            yield pointer_join(base, name), name, trait


def _check_expressions(spec: dict, payload: Any | None, settings: dict, out: Collector) -> None:
    """Templates parse, paths name declared payload fields (unless the payload schema is broken), settings exist."""
    # A trait name is a template too: `Listrak_list_{listId}` must name a payload field.
    named = [(ptr, {"template": name}, ptr) for ptr, name, _ in _traits(spec)]
    for ptr, expr, name_ptr in [(p, e, None) for p, e in _expressions(spec)] + named:
        try:
            paths = [(name_ptr or where, path) for where, path in body_paths(expr, ptr)]
        except TemplateError as exc:
            out.add(ptr, f"bad template: {exc}")
            continue
        for where, path in paths if payload is not None else ():
            if not path_in_schema(payload, path):
                out.add(where, f"{'.'.join(path)!r} names no field declared by the webhook payload schema")
        for where, name in settings_read(expr, ptr):
            if name not in settings:
                out.add(where, f"unknown setting {name!r}; declare it under settings")


def _markdown_fields(spec: dict):
    """(pointer, text) of every spec field rendered as Markdown blocks on the page."""
    yield "/source/intro", spec["source"]["intro"]
    for i, notice in enumerate(spec["source"].get("notices", [])):
        yield f"/source/notices/{i}/body", notice["body"]
    for i, note in enumerate(spec["connect"].get("notes", [])):
        yield f"/connect/notes/{i}", note
    for i, section in enumerate(spec.get("extra_sections", [])):
        yield f"/extra_sections/{i}/body", section["body"]


def _check_markdown(spec: dict, out: Collector) -> None:
    for ptr, text in _markdown_fields(spec):
        problem = unclosed_block(text)
        if problem:
            out.add(ptr, problem)


def _check_self_calls(spec: dict, out: Collector) -> None:
    """Segment refuses to save a function whose code contains its own webhook host; spec strings become code.
    Page-only text (source, connect, extra_sections) never reaches the handler."""
    for key, value in spec.items():
        if key not in ("source", "connect", "extra_sections"):
            _find_self_calls(value, pointer_join("", key), out)


def _find_self_calls(value: Any, ptr: str, out: Collector) -> None:
    if isinstance(value, str) and WEBHOOK_HOST in value:
        out.add(ptr, f"contains {WEBHOOK_HOST}: Segment refuses to save a function whose code calls its own webhook")
    elif isinstance(value, dict):
        for key, item in value.items():
            _find_self_calls(item, pointer_join(ptr, key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _find_self_calls(item, pointer_join(ptr, i), out)


def _check_properties(spec: dict, out: Collector) -> None:
    used = {p for e in spec["events"] for p in e.get("properties", [])}
    for name, prop in spec.get("properties", {}).items():
        ptr = pointer_join("/properties", name)
        if not SNAKE_CASE.match(name):
            out.warn(ptr, f"property name {name!r} is not snake_case")
        if name not in used:
            out.warn(ptr, f"property {name!r} is not used by any event")
        try:
            jsonschema.Draft202012Validator.check_schema(prop.get("schema", {}))
        except jsonschema.SchemaError as exc:
            out.add(pointer_join(ptr, "schema", *exc.path), f"invalid JSON Schema: {exc.message}")
