"""The `webhook` block → the typed Webhook: where the events are (batches), how they are routed and identified,
and the scope every rule of a call reads them in."""
from __future__ import annotations

from dataclasses import replace

import jsonschema

from ..core.findings import Collector, pointer_join
from . import model as m
from .expr import nodes as n
from .expr.parse import SCALAR, need, parse_cond, parse_value
from .expr.scope import Scope
from .paths import BODY, EVENT, PathError, VarIndex, declared, parse_path, resolve_ref
from .payload_js import UnsupportedSchema, compile_validator
from .schema_types import types_of


def payload_problems(payload: dict, out: Collector) -> bool:
    """True when the payload schema is valid and the handler generator implements every keyword it uses."""
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


def event_schemas(hook: dict, out: Collector, payload_ok: bool) -> tuple[m.Batch | None, list | None]:
    """The batch (if any) and the declared schemas of one event; None when they cannot be known."""
    payload = hook["payload"]
    raw = hook.get("batch")
    if raw is None:
        if payload_ok and types_of(payload, payload) == frozenset({"array"}):
            out.add("/webhook/payload", "the payload schema describes an array of events: say where the events are "
                                        "with webhook.batch (array: $ when the body itself is the array)")
            return None, None
        return None, [payload] if payload_ok else None
    array = _steps(raw["array"], "/webhook/batch/array", out) if raw["array"] != "$" else ()
    item = _steps(raw["item"], "/webhook/batch/item", out) if "item" in raw else ()
    batch = m.Batch(array or (), item or (), raw.get("invalid", "reject"))
    if array is None or item is None or not payload_ok:
        return batch, None
    if batch.invalid == "skip":
        found = _items_pointer(payload, array)
        if found is None:
            out.add("/webhook/batch/invalid", "invalid: skip validates each element with the schema of the array's "
                                              "items: declare the array with plain properties and items (no anyOf)")
            return batch, None
        batch = m.Batch(batch.array, batch.item, "skip", *found)
    arrays = [s for s in declared(payload, array, payload) if isinstance(s, dict) and "items" in s]
    if not arrays:
        where = raw["array"] if array else "the payload"
        out.add("/webhook/batch/array", f"{where} is not an array with items the payload schema declares")
        return batch, None
    events = [s for a in arrays for s in declared(a["items"], item, payload)]
    if not events:
        out.add("/webhook/batch/item", f"{raw['item']!r} names no field the payload schema declares in the array's items")
        return batch, None
    return batch, events


def _items_pointer(root: dict, steps: tuple) -> tuple[str, dict] | None:
    """The pointer and schema of the items of the array at `steps`, following properties and `$ref` only."""
    pointer, schema = "", root
    for step in (*steps, None):
        while isinstance(schema, dict) and "$ref" in schema:
            pointer, schema = schema["$ref"][1:], resolve_ref(root, schema["$ref"])
        if not isinstance(schema, dict):
            return None
        key = ("items",) if step is None else ("properties", step)
        if not isinstance(schema.get(key[0]), dict) or (step is not None and step not in schema[key[0]]):
            return None
        pointer = pointer_join(pointer, *key)
        schema = schema[key[0]] if step is None else schema[key[0]][step]
    return pointer, schema


def _steps(text: str, ptr: str, out: Collector) -> tuple | None:
    try:
        path = parse_path(text)
    except PathError as exc:
        out.add(ptr, str(exc))
        return None
    if path.root != EVENT or any(isinstance(s, VarIndex) for s in path.steps):
        out.add(ptr, f"{text!r}: a batch path names fields of the body, without variables")
        return None
    return path.steps


def build_webhook(hook: dict, scope: Scope, batch: m.Batch | None) -> m.Webhook:
    def value(key: str) -> n.Expr | None:
        return parse_value(hook[key], f"/webhook/{key}", scope) if key in hook else None

    event_type = value("event_type")
    if event_type is not None:
        need(event_type, SCALAR, "the webhook type", "/webhook/event_type", scope)
    message_id = value("message_id")
    ignore = hook.get("ignore", [])
    conds = tuple(parse_cond(c, f"/webhook/ignore/{i}", scope) for i, c in enumerate(ignore) if isinstance(c, dict))
    enum = event_type.yields.get("enum") if event_type is not None else None
    return m.Webhook(
        payload=hook["payload"], batch=batch, event_type=event_type, message_id=message_id,
        message_id_per_event=message_id is not None and reads_event(message_id),
        timestamp=value("timestamp"),
        ignore_types=tuple(t for t in ignore if isinstance(t, str)), ignore_when=tuple(c for c in conds if c),
        unknown_types=hook.get("unknown_types", "reject"),
        signature=_signature(hook["signature"], scope) if "signature" in hook else None,
        types=tuple(t for t in enum if isinstance(t, str)) if isinstance(enum, list) else (),
    )


def _signature(sig: dict, scope: Scope) -> m.Signature | None:
    """Signature expressions read the whole body (a batch's too): it is checked before events are split."""
    body = replace(scope, variables={**scope.variables, EVENT: scope.variables[BODY]})
    at = "/webhook/signature"
    scheme = sig["scheme"]
    if scheme == "query_token":
        given, label = n.RequestPart(at + "/query", {"type": "string"}, "query", sig.get("query", "")), \
            f"{sig.get('query')} query parameter"
    elif "value" in sig:
        given = parse_value(sig["value"], at + "/value", body)
        label = f"{sig['value']} field" if isinstance(sig["value"], str) else "signature value"
    else:
        header = sig.get("header", "Authorization")
        given, label = n.RequestPart(at + "/header", {"type": "string"}, "header", header), f"{header} header"
    signed = sig.get("signed", "raw")
    if isinstance(signed, (dict, list)) or (isinstance(signed, str) and signed not in ("raw", "sorted_json")):
        signed = parse_value(signed, at + "/signed", body)
    timestamp = parse_value(sig["timestamp"], at + "/timestamp", body) if "timestamp" in sig else None
    if given is None or signed is None or ("timestamp" in sig and timestamp is None):
        return None
    return m.Signature(scheme, sig["secret_setting"], given, label, sig.get("encoding", "hex"), sig.get("prefix", ""),
                       signed, timestamp, sig.get("tolerance_seconds", 300) if timestamp is not None else None,
                       sig.get("format"), sig.get("secret_encoding", "text"),
                       sig.get("timestamp_unit") == "milliseconds")


def reads_event(expr: n.Expr) -> bool:
    """True when the expression reads the current event (so it differs between the events of a batch)."""
    return any(isinstance(node, n.Path) and node.path.root == EVENT for node in n.walk(expr))
