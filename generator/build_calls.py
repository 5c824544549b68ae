"""`events` entries → typed calls, groups and function calls: identities resolved from the rules, properties
from the table, every value parsed in the scope of its call (the variables of enclosing `each` groups)."""
from __future__ import annotations

import json
from typing import Any

from ..core.findings import pointer_join
from . import model as m
from .expr import nodes as n
from .expr.parse import OBJECT, SCALAR, item_schemas, need, parse_cond, parse_template, parse_value
from .expr.scope import Scope
from .expr.templates import TemplateError, is_static

# Spec keys each kind of call takes, beyond the common ones.
COMMON = {"call", "name", "description", "on", "when", "user_id", "anonymous_id", "context", "integrations",
          "timestamp", "message_id"}
KEYS = {
    "track": COMMON | {"name_from", "properties", "required", "cells"},
    "identify": COMMON | {"traits"},
    "group": COMMON | {"group_id", "traits"},
    "page": COMMON | {"name_from", "properties", "required"},
    "screen": COMMON | {"name_from", "properties", "required"},
    "alias": COMMON | {"previous_id"},
    "set": {"call", "name", "description", "on", "when", "collection", "id", "properties", "cells"},
}
FIELDS = {"group_id": "groupId", "previous_id": "previousId", "id": "id", "timestamp": "timestamp",
          "message_id": "messageId"}
IDENTITY_TYPES = frozenset({"string", "integer", "number"})


def build_entries(raws: list, ptr: str, scope: Scope, rules: m.IdentityRules, properties: dict[str, m.Property],
                  inherited_on: tuple[str, ...] | None = None) -> tuple:
    entries = [build_entry(raw, f"{ptr}/{i}", scope, rules, properties, inherited_on) for i, raw in enumerate(raws)]
    return tuple(e for e in entries if e is not None)


def build_entry(raw: dict, ptr: str, scope: Scope, rules: m.IdentityRules, properties: dict, inherited_on) -> m.Entry | None:
    on = _on(raw.get("on"), inherited_on)
    when = parse_cond(raw["when"], ptr + "/when", scope) if "when" in raw else None
    if "calls" in raw:
        each = parse_value(raw["each"], ptr + "/each", scope) if "each" in raw else None
        inner = scope
        if each is not None and need(each, frozenset({"array"}), "each", ptr + "/each", scope):
            inner = scope.bind(raw.get("as", "item"), item_schemas(each))
            if "index" in raw:
                inner = inner.bind(raw["index"], [{"type": "integer", "minimum": 0}])
        entries = build_entries(raw["calls"], ptr + "/calls", inner, rules, properties, on)
        return m.Group(ptr, on, when, each, raw.get("as", "item") if "each" in raw else None, raw.get("index"),
                       raw.get("description"), entries)
    if "function" in raw:
        call = parse_value({"function": raw["function"], "args": raw.get("args", [])}, ptr, scope)
        return call and m.FunctionCalls(ptr, on, when, call, raw.get("name"), raw.get("description"))
    return build_call(raw, ptr, scope, rules, properties, on, when)


def _on(raw: Any, inherited: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if raw is None or raw == "*":
        return inherited
    return (raw,) if isinstance(raw, str) else tuple(raw)


def build_call(raw: dict, ptr: str, scope: Scope, rules: m.IdentityRules, properties: dict, on, when) -> m.Call | None:
    kind = raw.get("call", "track")
    for key in sorted(set(raw) - KEYS[kind]):
        scope.error(pointer_join(ptr, key), f"{kind} calls take no {key}")
    name = raw.get("name")

    def value(key: str, types: frozenset | None = None) -> n.Expr | None:
        if key not in raw:
            return None
        node = parse_value(raw[key], pointer_join(ptr, key), scope)
        return node if types is None or need(node, types, key, pointer_join(ptr, key), scope) else None

    fields = tuple((FIELDS[k], v) for k in FIELDS if (v := value(k, SCALAR)) is not None)
    collection = raw.get("collection") if isinstance(raw.get("collection"), str) else None
    if "collection" in raw and collection is None:
        node = value("collection", frozenset({"string"}))
        fields += (("collection", node),) if node is not None else ()
    return m.Call(
        pointer=ptr, kind=kind, name=name, name_from=value("name_from", SCALAR), description=raw.get("description"),
        on=on, when=when,
        user_id=None if kind == "set" else _identity(raw, "user_id", ptr, scope, rules.user_id, name),
        anonymous_id=None if kind == "set" else _identity(raw, "anonymous_id", ptr, scope, rules.anonymous_id, name),
        properties=_properties(raw, ptr, scope, properties),
        required=tuple(raw.get("required", [])), cells=tuple(raw.get("cells", {}).items()),
        traits=(rules.traits if kind == "identify" else ()) + build_traits(raw.get("traits", {}), ptr + "/traits", scope),
        fields=fields, collection=collection,
        context=_pairs(raw.get("context", {}), ptr + "/context", scope),
        integrations=_pairs(raw.get("integrations", {}), ptr + "/integrations", scope),
    )


def _identity(raw: dict, key: str, ptr: str, scope: Scope, rules: tuple[m.Identity, ...], name: str | None):
    if key in raw:
        given = raw[key]
        spelled = isinstance(given, dict) and "value" in given
        at = pointer_join(ptr, key) + ("/value" if spelled else "")
        node = parse_value(given["value"] if spelled else given, at, scope)
        if node is None or not need(node, IDENTITY_TYPES, key, at, scope):
            return None
        return m.Identity(node, given.get("describe") if spelled else describe_value(node))
    return next((r for r in rules if r.scope is None or name in r.scope), None)


def build_rules(identity: dict, scope: Scope) -> m.IdentityRules:
    found: dict[str, list[m.Identity]] = {}
    for key in ("user_id", "anonymous_id"):
        raw = identity.get(key, [])
        found[key] = []
        for i, rule in enumerate([raw] if isinstance(raw, dict) else raw):
            at = f"/identity/{key}" + ("" if isinstance(raw, dict) else f"/{i}")
            node = parse_value(rule["value"], at + "/value", scope)
            if node is not None and need(node, IDENTITY_TYPES, key, at + "/value", scope):
                events = tuple(rule["events"]) if "events" in rule else None
                found[key].append(m.Identity(node, rule["describe"], rule.get("only_without_user_id", False), events))
    return m.IdentityRules(tuple(found["user_id"]), tuple(found["anonymous_id"]),
                           build_traits(identity.get("traits", {}), "/identity/traits", scope))


def build_traits(raw: dict, ptr: str, scope: Scope) -> tuple[m.Trait, ...]:
    traits = []
    for name, trait in raw.items():
        at = pointer_join(ptr, name)
        spelled = isinstance(trait, dict) and "value" in trait
        value = parse_value(trait["value"] if spelled else trait, at + ("/value" if spelled else ""), scope)
        key = _trait_key(name, at, scope)
        if value is not None and key is not False:
            traits.append(m.Trait(name, key, value, trait.get("describe") if spelled else None))
    return tuple(traits)


def _trait_key(name: str, ptr: str, scope: Scope) -> n.Expr | None | bool:
    """The template a trait name is (None when it names nothing; False when it is wrong, reported)."""
    try:
        static = is_static(name)
    except TemplateError as exc:
        scope.error(ptr, f"bad template: {exc}")
        return False
    node = None if static else parse_template(name, ptr, ptr, scope)
    return False if not static and node is None else node


def _properties(raw: dict, ptr: str, scope: Scope, table: dict[str, m.Property]):
    given = raw.get("properties", [])
    if not isinstance(given, list):
        node = parse_value(given, ptr + "/properties", scope)
        return node if need(node, OBJECT, "properties", ptr + "/properties", scope) else ()
    pairs = []
    for i, entry in enumerate(given):
        name, override = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        at = f"{ptr}/properties/{i}"
        if name not in table:
            scope.error(at, f"unknown property {name!r}; declare it under properties")
            continue
        if table[name] is None:  # its `from` has an error, reported already
            continue
        if override is None:
            if table[name].source is None:
                scope.error(at, f"property {name!r} has no `from`: give it one, or its value here ({{{name}: ...}})")
            else:
                pairs.append((name, table[name].source))
            continue
        node = parse_value(override, pointer_join(at, name), scope)
        if node is not None:
            pairs.append((name, node))
    return tuple(pairs)


def _pairs(raw: dict, ptr: str, scope: Scope) -> tuple[tuple[str, n.Expr], ...]:
    pairs = [(k, parse_value(v, pointer_join(ptr, k), scope)) for k, v in raw.items()]
    return tuple((k, v) for k, v in pairs if v is not None)


def describe_value(node: n.Expr) -> str:
    """A noun phrase for a value, for the page's identity prose."""
    if isinstance(node, n.Path):
        return f"the `{node.path.text()}` field"
    if isinstance(node, n.RequestPart):
        return f"the `{node.name}` {node.part}"
    if isinstance(node, n.Const):
        return f"`{json.dumps(node.value)}`"
    if isinstance(node, n.Template) and all(isinstance(p, (str, n.Path, n.RequestPart)) for p in node.parts):
        return f"the template `{''.join(_template_part(p) for p in node.parts)}`"
    return "a value computed from the webhook"


def _template_part(part) -> str:
    if isinstance(part, str):
        return part.replace("{", "{{").replace("}", "}}")
    return "{" + (part.path.text() if isinstance(part, n.Path) else f"{part.part}:{part.name}") + "}"
