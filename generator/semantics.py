"""Rules a JSON Schema cannot express: references between parts of the spec, what each Segment call requires,
and conventions. `check_raw` runs on every spec that passed the meta-schema; `check_model` on the typed model of a
spec whose expressions all parsed. Errors stop generation; warnings (naming, unused properties) are reported.
"""
from __future__ import annotations

import re
from typing import Any

from ..core.findings import Collector, pointer_join
from ..core.segment import SORTED_PAYLOADS, TEMPLATE_SECTIONS, WEBHOOK_HOST
from . import model as m
from .expr import nodes as n
from .markdown import unclosed_block
from .schema_types import PRIMITIVE, describe, types_of

SNAKE_CASE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "via"}
NEEDS = {"group": ("groupId", "group_id"), "alias": ("previousId", "previous_id"), "set": ("id", "id")}


# A repeated group with an alternative made only of repeated atoms (`(a+)+`, `(\w*)*`, `(x|y+){2,}`) can split
# the same text in exponentially many ways: on a near-match it backtracks through all of them (`^(a+)+$` took 6 s
# on a 41-character id), in the handler and in contract checks. A mandatory separator (`(_[a-z0-9]+)*`) is safe.
_REPEATED_GROUP = re.compile(r"\((?:\?:)?((?:[^()\\]|\\.)*)\)(?:[*+]|\{\d+,\d*\})")
_ATOM = re.compile(r"(\\.|\[(?:\\.|[^\]\\])*\]|[^|])([*+?]|\{\d+(?:,\d*)?\})?\??")


def _backtracks(pattern: str) -> bool:
    for group in _REPEATED_GROUP.finditer(pattern):
        for alternative in re.split(r"(?<!\\)\|", group.group(1)):
            atoms = _ATOM.findall(alternative)
            unbounded = [q for _, q in atoms if q in ("*", "+") or (q.startswith("{") and q.endswith(",}"))]
            if atoms and unbounded and all(q and q != "?" for _, q in atoms):
                return True
    return False


def schema_patterns(schema: Any, pointer: str):
    """(pointer, pattern) of every `pattern` keyword in a JSON Schema (not inside const, enum or examples)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield pointer_join(pointer, key), value
            elif key not in ("const", "enum", "default", "examples"):
                yield from schema_patterns(value, pointer_join(pointer, key))
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from schema_patterns(item, pointer_join(pointer, i))


def _check_patterns(spec: dict, out: Collector) -> None:
    for pointer, pattern in schema_patterns(spec["webhook"]["payload"], "/webhook/payload"):
        if _backtracks(pattern):
            out.add(pointer, f"{pattern!r} nests a quantifier in a quantified group, which backtracks "
                             "exponentially on values that almost match (^(a+)+$ took 6 s on 41 characters): "
                             "write it without the nesting (^a+$)")


def check_raw(spec: dict[str, Any], out: Collector, folder_slug: str | None) -> None:
    if folder_slug is not None and spec["source"]["slug"] != folder_slug:
        out.add("/source/slug", f"slug {spec['source']['slug']!r} must match its folder name {folder_slug!r}")
    _check_settings(spec, out)
    _check_patterns(spec, out)
    _check_entries(spec, out)
    _check_property_names(spec, out)
    for ptr, text in _markdown_fields(spec):
        problem = unclosed_block(text)
        if problem:
            out.add(ptr, problem)
    for key, value in spec.items():  # spec strings become code; page-only text never reaches the handler
        if key not in ("source", "connect", "extra_sections"):
            _find_self_calls(value, pointer_join("", key), out)
    titles = {title.lower() for title in TEMPLATE_SECTIONS.values()}
    for i, section in enumerate(spec.get("extra_sections", [])):
        if section["title"].strip().lower() in titles:
            out.add(f"/extra_sections/{i}/title", f"{section['title']!r} is a standard section of the page")


def is_proper_case(name: str) -> bool:
    words = name.split()
    return all(w[0].isupper() or not w[0].isalpha() or (i and w in _MINOR_WORDS) for i, w in enumerate(words))


def _check_settings(spec: dict, out: Collector) -> None:
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
        elif not settings[name].get("sensitive") and signature["scheme"] not in ("ed25519", "ecdsa-p256-sha256"):
            out.warn(ptr, f"setting {name!r} holds a secret: mark it sensitive: true")
    if signature:
        _check_signature(signature, out)


SIGNED_SCHEMES = ("hmac-sha256", "hmac-sha1", "hmac-sha512", "ed25519", "ecdsa-p256-sha256")  # a signature of `signed`
HMAC_ONLY = ("signed", "encoding", "prefix", "timestamp", "timestamp_unit", "tolerance_seconds", "value", "format",
             "secret_encoding")


def _check_signature(signature: dict, out: Collector) -> None:
    at, scheme = "/webhook/signature", signature["scheme"]
    if scheme not in SIGNED_SCHEMES:
        for key in (k for k in HMAC_ONLY if k in signature):
            out.add(f"{at}/{key}", f"{scheme} compares a shared secret: it takes no {key}")
        if scheme == "query_token" and "query" not in signature:
            out.add(at, "query_token needs query: the query parameter that holds the secret")
        return
    if "header" not in signature and "value" not in signature:
        out.add(at, "say where the signature is: header (a header name) or value (a body field)")
    for key in ("tolerance_seconds", "timestamp_unit"):
        if key in signature and "timestamp" not in signature:
            out.add(f"{at}/{key}", f"{key} needs timestamp: the signing time to check")
    if signature.get("signed", "raw") == "raw":
        out.add(f"{at}/signed" if "signed" in signature else at,
                f"a signature over the raw JSON body fails in production: {SORTED_PAYLOADS}, so the bytes the "
                "producer signed never reach the function; write signed: sorted_json only if the producer signs "
                "key-sorted compact JSON, sign fields of the body (signed: {template: ...}, as Mailgun does), or use "
                "a shared secret (scheme: basic, bearer or query_token)")


def entries_of(raws: list, ptr: str):
    """(pointer, entry) of every entry, groups' entries included, in spec order."""
    for i, raw in enumerate(raws):
        yield f"{ptr}/{i}", raw
        if "calls" in raw:
            yield from entries_of(raw["calls"], f"{ptr}/{i}/calls")


def _check_entries(spec: dict, out: Collector) -> None:
    routed = "event_type" in spec["webhook"]
    names: dict[str, str] = {}
    props = spec.get("properties", {})
    for ptr, raw in entries_of(spec["events"], "/events"):
        if "on" in raw and not routed:
            out.add(ptr + "/on", "on needs webhook.event_type: say what the webhook type is, or leave on out")
        kind = raw.get("call", "track") if "calls" not in raw and "function" not in raw else None
        if routed and "on" not in raw and not _routed_by_group(spec["events"], ptr):
            out.add(ptr, 'give the webhook types this applies to with on (or on: "*" for every type)')
        name = raw.get("name")
        if kind == "track" and (name is None or "description" not in raw):
            out.add(ptr, "track calls need a name and a description (the page's Events table lists them)")
        if name is not None and kind is not None:
            if name in names:
                out.add(ptr + "/name", f"duplicate event {name!r} (first at {names[name]})")
            names.setdefault(name, ptr)
            if kind == "track" and not is_proper_case(name):
                out.warn(ptr + "/name", f"event name {name!r} is not Proper Case")
        if kind in NEEDS and NEEDS[kind][1] not in raw:
            out.add(ptr, f"{kind} calls need {NEEDS[kind][1]} (Segment requires {NEEDS[kind][0]})")
        if kind == "set" and "collection" not in raw:
            out.add(ptr, "set calls need a collection")
        listed = [p if isinstance(p, str) else next(iter(p)) for p in raw.get("properties", [])] \
            if isinstance(raw.get("properties"), list) else []
        for j, prop in enumerate(raw.get("required", [])):
            if prop not in props:
                out.add(f"{ptr}/required/{j}", f"unknown property {prop!r}; declare it under properties")
            elif prop not in listed:
                out.add(f"{ptr}/required/{j}", f"required property {prop!r} is not among the call's properties")


def _routed_by_group(raws: list, ptr: str) -> bool:
    """True when an enclosing group gives the webhook types."""
    parts = ptr.split("/")[2:]
    node: Any = {"calls": raws}
    for i in range(0, len(parts) - 1, 2):
        node = node["calls"][int(parts[i])]
        if "on" in node:
            return True
    return False


def _check_property_names(spec: dict, out: Collector) -> None:
    used = {p if isinstance(p, str) else next(iter(p))
            for _, e in entries_of(spec["events"], "/events") if isinstance(e.get("properties"), list)
            for p in e["properties"]}
    for name in spec.get("properties", {}):
        ptr = pointer_join("/properties", name)
        if not SNAKE_CASE.match(name):
            out.warn(ptr, f"property name {name!r} is not snake_case")
        if name not in used:
            out.warn(ptr, f"property {name!r} is not used by any event")


def _markdown_fields(spec: dict):
    """(pointer, text) of every spec field rendered as Markdown blocks on the page."""
    yield "/source/intro", spec["source"]["intro"]
    for i, notice in enumerate(spec["source"].get("notices", [])):
        yield f"/source/notices/{i}/body", notice["body"]
    for i, note in enumerate(spec["connect"].get("notes", [])):
        yield f"/connect/notes/{i}", note
    for i, section in enumerate(spec.get("extra_sections", [])):
        yield f"/extra_sections/{i}/body", section["body"]


def _find_self_calls(value: Any, ptr: str, out: Collector) -> None:
    """Segment refuses to save a function whose code contains its own webhook host."""
    if isinstance(value, str) and WEBHOOK_HOST in value:
        out.add(ptr, f"contains {WEBHOOK_HOST}: Segment refuses to save a function whose code calls its own webhook")
    elif isinstance(value, dict):
        for key, item in value.items():
            _find_self_calls(item, pointer_join(ptr, key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _find_self_calls(item, pointer_join(ptr, i), out)


def check_model(spec: m.Spec, raw: dict, out: Collector) -> None:
    names = {c.name for c in spec.calls if c.name}
    for key in ("user_id", "anonymous_id"):
        rules = raw.get("identity", {}).get(key, [])
        for i, rule in enumerate([rules] if isinstance(rules, dict) else rules):
            at = f"/identity/{key}" + ("" if isinstance(rules, dict) else f"/{i}")
            for j, name in enumerate(rule.get("events", [])):
                if name not in names:
                    out.add(f"{at}/events/{j}", f"identity rule names unknown event {name!r}")
    for call in spec.calls:
        if call.kind != "set" and call.user_id is None and call.anonymous_id is None:
            what = f"event {call.name!r}" if call.kind == "track" else f"the {call.kind} call"
            out.add(call.pointer, f"no identity rule gives {what} a userId or an anonymousId")
        if call.kind == "alias" and call.user_id is None:
            out.add(call.pointer, "alias calls need a userId (the new id; previous_id is the old one)")
        if call.kind == "set":
            _check_set_values(call, out)
    for function in spec.functions:
        if WEBHOOK_HOST in function.code:
            out.add(pointer_join("/functions", function.name), f"{function.file} contains {WEBHOOK_HOST}: Segment "
                                                                "refuses to save a function whose code calls its own webhook")
    _check_routes(spec, raw, out)
    signature = spec.webhook.signature
    if signature is not None and not isinstance(signature.signed, str):
        for node in n.walk(signature.signed):
            if isinstance(node, n.RequestPart) and node.part == "request" and node.name == "url":
                out.warn(node.pointer, "Segment does not document the URL a deployed function's request carries: a "
                                       "signature over {request: url} may fail in production; sign a setting holding "
                                       "the webhook URL instead ({setting: webhookUrl})")


def _check_set_values(call: m.Call, out: Collector) -> None:
    """The Object API takes primitive property values only."""
    values = call.properties if isinstance(call.properties, tuple) else ()
    for i, (name, expr) in enumerate(values):
        types = types_of(expr.yields)
        if types is not None and not types & PRIMITIVE:
            out.add(f"{call.pointer}/properties/{i}", f"set properties must be primitive (string, number, boolean or null); "
                                  f"{name!r} is {describe(types)}")


def _check_routes(spec: m.Spec, raw: dict, out: Collector) -> None:
    hook = spec.webhook
    leaves = [c for e in spec.entries for c in m.flatten(e)]
    routed = {t for c in leaves for t in (c.on or ())}
    for hook_type in sorted(routed & set(hook.ignore_types)):
        out.add("/webhook/ignore", f"webhook type {hook_type!r} is both ignored and routed to calls")
    if not hook.types or any(c.on is None for c in leaves):  # a "*" entry handles every type
        return
    for entry in leaves:
        for i, hook_type in enumerate(entry.on or ()):
            if hook_type not in hook.types:
                given = _raw_at(raw, entry.pointer).get("on")
                at = entry.pointer + "/on" + (f"/{i}" if isinstance(given, list) else "")
                out.add(at, f"webhook type {hook_type!r} is not one the payload schema's enum allows "
                            f"({', '.join(hook.types)})")
    for hook_type in hook.types:
        if hook_type not in routed and hook_type not in hook.ignore_types and hook.unknown_types == "reject":
            out.warn("/webhook/payload", f"webhook type {hook_type!r} is allowed by the payload schema but "
                                         "triggers no event")


def _raw_at(raw: dict, pointer: str) -> dict:
    """The spec text's entry at a pointer such as /events/2/calls/0."""
    node = raw
    for token in pointer.split("/")[1:]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
