"""Spec expressions → the typed model (nodes.py), every reference resolved and every type checked on the way.

A problem is a located error in the scope's collector and the node comes back as None; parsing goes on, so one run
reports every problem of a spec. The meta-schema has already checked the shape of every expression.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ...core.findings import pointer_join
from ..paths import PathError, VarIndex, declared, parse_path, path_from_list
from ..schema_types import ALL, PRIMITIVE, accepts, describe, type_of, types_of
from . import nodes as n
from .scope import SETTING_TYPES, Scope, mismatch
from .templates import TemplateError, split_template

NUMBER, STRING, ARRAY, OBJECT = frozenset({"number"}), frozenset({"string"}), frozenset({"array"}), frozenset({"object"})
SCALAR = PRIMITIVE - {"null"}
DATE_TIME = {"type": "string", "format": "date-time"}
REQUEST_PARTS = ("sorted_form", "sorted_json", "url")  # {request: ...}: what a signature may cover besides fields and headers

# Operations of one value: input types, output schema.
UNARY: dict[str, tuple[type, frozenset, dict]] = {
    "lowercase": (n.TextOp, STRING, {"type": "string"}),
    "uppercase": (n.TextOp, STRING, {"type": "string"}),
    "trim": (n.TextOp, STRING, {"type": "string"}),
    "length": (n.TextOp, STRING | ARRAY, {"type": "integer", "minimum": 0}),
    "floor": (n.Rounding, NUMBER, {"type": "integer"}),
    "ceil": (n.Rounding, NUMBER, {"type": "integer"}),
    "abs": (n.Rounding, NUMBER, {"type": "number", "minimum": 0}),
    "to_string": (n.Convert, SCALAR, {"type": "string"}),
    "to_number": (n.Convert, STRING | NUMBER, {"type": "number"}),
    "to_boolean": (n.Convert, ALL, {"type": "boolean"}),
    "from_unix_seconds": (n.Convert, NUMBER, DATE_TIME),
    "from_unix_millis": (n.Convert, NUMBER, DATE_TIME),
    "to_iso_timestamp": (n.Convert, STRING, DATE_TIME),
    "to_unix_seconds": (n.Convert, STRING, {"type": "integer"}),
    "to_unix_millis": (n.Convert, STRING, {"type": "integer"}),
    "md5": (n.Hash, STRING, {"type": "string", "pattern": "^[0-9a-f]{32}$"}),
    "sha256": (n.Hash, STRING, {"type": "string", "pattern": "^[0-9a-f]{64}$"}),
    "json_encode": (n.JsonOp, ALL, {"type": "string"}),
    "json_decode": (n.JsonOp, STRING, {}),
}
ARITHMETIC = ("add", "subtract", "multiply", "divide")
COMPARISONS = ("equals", "one_of", "greater_than", "less_than")


def parse_value(raw: Any, ptr: str, scope: Scope) -> n.Expr | None:
    if isinstance(raw, str):
        return _path(raw, ptr, scope)
    if not isinstance(raw, dict):  # a number, true, false or null stands for itself
        return n.Const(ptr, {"const": raw}, raw)
    # The meta-schema allows one operator key and its options, in any order (`{args: [...], function: f}`).
    op = next(key for key in raw if key in VALUES)
    return VALUES[op](raw, ptr, scope)


def parse_cond(raw: Any, ptr: str, scope: Scope) -> n.Expr | None:
    if "value" in raw:
        return _compare(raw, ptr, scope)
    op = next(iter(raw))
    if op == "exists":
        value = parse_value(raw["exists"], ptr + "/exists", scope)
        return value and n.Exists(ptr, {"type": "boolean"}, value)
    items = [raw["not"]] if op == "not" else raw[op]
    parts = [parse_cond(c, ptr + f"/{op}" + ("" if op == "not" else f"/{i}"), scope) for i, c in enumerate(items)]
    return None if None in parts else n.Logic(ptr, {"type": "boolean"}, op, tuple(parts))


def _what(node: n.Expr) -> str:
    if isinstance(node, n.Path):
        return f"{node.path.text()!r} (as the payload schema declares it)"
    if isinstance(node, n.Const):
        return f"the constant {json.dumps(node.value)}"
    return f"the value of {node.js()[0]}"


def need(node: n.Expr | None, wanted: frozenset, op: str, ptr: str, scope: Scope) -> bool:
    """Report a value that can never be of the wanted types; True when it may be."""
    if node is None:
        return False
    actual = types_of(node.yields)
    if accepts(actual, wanted):
        return True
    scope.error(ptr, mismatch(op, describe(wanted), _what(node), actual))
    return False


def _path(raw: Any, ptr: str, scope: Scope) -> n.Path | None:
    try:
        parsed = parse_path(raw) if isinstance(raw, str) else path_from_list(raw)
    except PathError as exc:
        scope.error(ptr, str(exc))
        return None
    names = [parsed.root] + [s.name for s in parsed.steps if isinstance(s, VarIndex)]
    unknown = [v for v in names if v not in scope.variables]
    if unknown:
        known = ", ".join(f"${v}" for v in scope.variables)
        scope.error(ptr, f"unknown variable ${unknown[0]} in {parsed.text()!r} (variables here: {known})")
        return None
    dynamic = tuple(_index(step, ptr, scope) for step in parsed.steps if isinstance(step, VarIndex))
    base = scope.variables[parsed.root]
    if base is None or None in dynamic:
        return n.Path(ptr, {}, parsed, tuple(d for d in dynamic if d))
    found = [s for b in base for s in declared(b, parsed.steps, scope.root)]
    if not found:
        scope.error(ptr, f"{parsed.text()!r} names no field declared by the webhook payload schema")
        return None
    return n.Path(ptr, scope.plan_schema(found), parsed, dynamic)


def _index(step: VarIndex, ptr: str, scope: Scope) -> n.Path | None:
    node = _path(f"${step.name}", ptr, scope)
    return node if need(node, frozenset({"integer", "string"}), f"the index ${step.name}", ptr, scope) else None


def _const(raw, ptr, scope):
    return n.Const(ptr, {"const": raw["const"]}, raw["const"])


def _request_part(part: str) -> Callable:
    return lambda raw, ptr, scope: _source(part, raw[part], ptr, f"{ptr}/{part}", scope)


def _source(part: str, name: str, ptr: str, at: str, scope: Scope) -> n.RequestPart | None:
    """{header: ..}, {query: ..}, {setting: ..} or {request: ..} at `ptr`, its problems reported at `at`."""
    if part == "request" and name not in REQUEST_PARTS:
        scope.error(at, f"unknown request part {name!r}; one of {', '.join(REQUEST_PARTS)}")
        return None
    if part != "setting":
        return n.RequestPart(ptr, {"type": "string"}, part, name)
    if name not in scope.settings:
        scope.error(at, f"unknown setting {name!r}; declare it under settings")
        return None
    return n.RequestPart(ptr, SETTING_TYPES[scope.settings[name]], part, name)


def _template(raw, ptr, scope):
    return parse_template(raw["template"], ptr, ptr + "/template", scope)


def parse_template(text: str, ptr: str, at: str, scope: Scope) -> n.Template | None:
    """A template node at `ptr`, its problems reported at `at` (the template text's own pointer)."""
    try:
        pieces = split_template(text)
    except TemplateError as exc:
        scope.error(at, f"bad template: {exc}")
        return None
    parts: list = []
    for kind, piece in pieces:
        if kind == "text":
            parts.append(piece)
            continue
        node = _path(piece, at, scope) if kind == "path" else _source(kind, piece, at, at, scope)
        if node is None or not need(node, SCALAR, "a template part", at, scope):
            return None
        parts.append(node)
    return n.Template(ptr, {"type": "string"}, tuple(parts))


def _first(raw, ptr, scope):
    items = _values(raw["first"], ptr + "/first", scope)
    return items and n.First(ptr, _either([i.yields for i in items]), tuple(items))


def _if(raw, ptr, scope):
    cond = parse_cond(raw["if"], ptr + "/if", scope)
    then = parse_value(raw["then"], ptr + "/then", scope)
    other = parse_value(raw["else"], ptr + "/else", scope) if "else" in raw else None
    if cond is None or then is None or ("else" in raw and other is None):
        return None
    return n.If(ptr, _either([then.yields] + ([other.yields] if other else [])), cond, then, other)


def _lookup(raw, ptr, scope):
    key = parse_value(raw["lookup"], ptr + "/lookup", scope)
    default = parse_value(raw["default"], ptr + "/default", scope) if "default" in raw else None
    if not need(key, SCALAR, "lookup", ptr + "/lookup", scope) or ("default" in raw and default is None):
        return None
    values = list(raw["table"].values())
    unique = [v for i, v in enumerate(values) if v not in values[:i]]
    yields = {"enum": unique}
    return n.Lookup(ptr, _either([yields, default.yields]) if default else yields, key, raw["table"], default)


def _get(raw, ptr, scope):
    key = parse_value(raw["get"], ptr + "/get", scope)
    source = parse_value(raw["from"], ptr + "/from", scope)
    ok = need(key, frozenset({"string", "integer"}), "get", ptr + "/get", scope)
    ok = need(source, OBJECT | ARRAY, "get ... from", ptr + "/from", scope) and ok
    return n.Get(ptr, {}, key, source) if ok else None


def _unary(op: str) -> Callable:
    cls, wanted, out = UNARY[op]

    def parse(raw, ptr, scope):
        value = parse_value(raw[op], ptr + f"/{op}", scope)
        if not need(value, wanted, op, ptr + f"/{op}", scope):
            return None
        yields = value.yields if op == "abs" and types_of(value.yields) == frozenset({"integer"}) else out
        return cls(ptr, yields, op, (value,))
    return parse


def _arithmetic(op: str) -> Callable:
    def parse(raw, ptr, scope):
        args = _values(raw[op], ptr + f"/{op}", scope)
        if not args or not all(need(a, NUMBER, op, a.pointer, scope) for a in args):
            return None
        integers = op != "divide" and all(types_of(a.yields) == frozenset({"integer"}) for a in args)
        return n.Arithmetic(ptr, {"type": "integer" if integers else "number"}, op, tuple(args))
    return parse


def _round(raw, ptr, scope):
    value = parse_value(raw["round"], ptr + "/round", scope)
    if not need(value, NUMBER, "round", ptr + "/round", scope):
        return None
    digits = raw.get("digits", 0)
    return n.Rounding(ptr, {"type": "integer" if digits == 0 else "number"}, "round", (value,), (digits,))


def _text_op(op: str, options: tuple[str, ...], wanted: frozenset, out: dict) -> Callable:
    def parse(raw, ptr, scope):
        value = parse_value(raw[op], ptr + f"/{op}", scope)
        if not need(value, wanted, op, ptr + f"/{op}", scope):
            return None
        defaults = {"separator": ","}
        return n.TextOp(ptr, out, op, (value,), tuple(raw.get(o, defaults.get(o)) for o in options))
    return parse


def _concat(raw, ptr, scope):
    parts = _values(raw["concat"], ptr + "/concat", scope)
    if not parts or not all(need(p, SCALAR, "concat", p.pointer, scope) for p in parts):
        return None
    return n.TextOp(ptr, {"type": "string"}, "concat", tuple(parts))


def _object(raw, ptr, scope):
    fields = [(k, parse_value(v, pointer_join(ptr + "/object", k), scope)) for k, v in raw["object"].items()]
    if any(v is None for _, v in fields):
        return None
    yields = {"type": "object", "properties": {k: v.yields for k, v in fields}, "additionalProperties": False}
    return n.ObjectOf(ptr, yields, tuple(fields))


def _fields(raw, ptr, scope):
    source = parse_value(raw["fields"], ptr + "/fields", scope)
    if not need(source, OBJECT, "fields", ptr + "/fields", scope):
        return None
    excluded = tuple(raw.get("except", []))
    declared_keys = source.yields.get("properties") if isinstance(source.yields, dict) else None
    if declared_keys is not None and source.yields.get("additionalProperties") is False:
        for i, key in enumerate(excluded):
            if key not in declared_keys:
                scope.error(f"{ptr}/except/{i}", f"{key!r} is not a field the schema of {_what(source)} declares")
                return None
    yields = {k: v for k, v in source.yields.items() if k not in ("required",)} if declared_keys is not None else {
        "type": "object"}
    if declared_keys is not None:
        yields["properties"] = {k: v for k, v in declared_keys.items() if k not in excluded}
        required = [k for k in source.yields.get("required", []) if k not in excluded]
        if required:
            yields["required"] = required
    return n.Fields(ptr, yields, source, excluded)


def _merge(raw, ptr, scope):
    items = _values(raw["merge"], ptr + "/merge", scope)
    if not items or not all(need(i, OBJECT, "merge", i.pointer, scope) for i in items):
        return None
    return n.Merge(ptr, {"type": "object"}, "merge", tuple(items))


def _each(raw, ptr, scope):
    array = parse_value(raw["each"], ptr + "/each", scope)
    if not need(array, ARRAY, "each", ptr + "/each", scope):
        return None
    inner = scope.bind(raw["as"], item_schemas(array))
    if "index" in raw:
        inner = inner.bind(raw["index"], [{"type": "integer", "minimum": 0}])
    cond = parse_cond(raw["filter"], ptr + "/filter", inner) if "filter" in raw else None
    mapped = parse_value(raw["map"], ptr + "/map", inner) if "map" in raw else None
    if ("filter" in raw and cond is None) or ("map" in raw and mapped is None):
        return None
    items = mapped.yields if mapped else array.yields.get("items", {})
    return n.Each(ptr, {"type": "array", "items": items}, array, raw["as"], raw.get("index"), mapped, cond)


def item_schemas(array: n.Expr) -> list | None:
    """The declared schemas of an array expression's items (None: unknown)."""
    items = array.yields.get("items") if isinstance(array.yields, dict) else None
    return [items] if items is not None else None


def _function(raw, ptr, scope):
    name = raw["function"]
    args = _values(raw.get("args", []), ptr + "/args", scope)
    if name not in scope.functions:
        scope.error(ptr + "/function", f"unknown function {name!r}; declare it under functions")
        return None
    return None if args is None else n.FunctionCall(ptr, scope.functions[name], name, tuple(args))


def _compare(raw, ptr, scope):
    value = parse_value(raw["value"], ptr + "/value", scope)
    op = next(k for k in raw if k != "value")
    operand = raw[op]
    if value is None:
        return None
    if op in ("greater_than", "less_than"):
        if not need(value, NUMBER, op, ptr + "/value", scope):
            return None
    else:
        literals = operand if op == "one_of" else [operand]
        actual = types_of(value.yields)
        for i, literal in enumerate(literals):
            if not accepts(actual, frozenset({type_of(literal)})):
                where = f"{ptr}/{op}" + (f"/{i}" if op == "one_of" else "")
                scope.error(where, f"{json.dumps(literal)} can never match: {_what(value)} is {describe(actual)}")
                return None
    return n.Compare(ptr, {"type": "boolean"}, op, value, operand)


def _values(raws: list, ptr: str, scope: Scope) -> list[n.Expr] | None:
    items = [parse_value(r, f"{ptr}/{i}", scope) for i, r in enumerate(raws)]
    return None if None in items else items


def _either(schemas: list[dict]) -> dict:
    unique = [s for i, s in enumerate(schemas) if s not in schemas[:i]]
    if len(unique) == 1:
        return unique[0]
    if any(s == {} for s in unique):
        return {}
    return {"anyOf": unique}


VALUES: dict[str, Callable] = {
    "path": lambda raw, ptr, scope: _path(raw["path"], ptr + "/path", scope),
    "const": _const,
    "template": _template,
    "header": _request_part("header"),
    "query": _request_part("query"),
    "setting": _request_part("setting"),
    "request": _request_part("request"),
    "first": _first,
    "if": _if,
    "lookup": _lookup,
    "get": _get,
    **{op: _arithmetic(op) for op in ARITHMETIC},
    "round": _round,
    **{op: _unary(op) for op in UNARY},
    "replace": _text_op("replace", ("find", "with"), STRING, {"type": "string"}),
    "split": _text_op("split", ("separator",), STRING, {"type": "array", "items": {"type": "string"}}),
    "join": _text_op("join", ("separator",), ARRAY, {"type": "string"}),
    "concat": _concat,
    "object": _object,
    "fields": _fields,
    "merge": _merge,
    "each": _each,
    "function": _function,
}
CONDITIONS = ("exists", "not", "all", "any") + COMPARISONS
