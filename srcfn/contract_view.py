"""What a spec promises downstream, read off the typed model: for each call it can emit (keyed as warehouses and
destinations see it: the event, page or screen name, the set collection, the kind for identify, group and alias),
the webhooks it answers, its properties and traits with their schemas and sources, and its identity rules.
Expressions are compared by what the handler runs (`Expr.js()`), so moving or reformatting spec text changes
nothing here."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .generator import model as m
from .generator.build_calls import describe_value
from .generator.expr.nodes import Expr

ANNOTATIONS = frozenset({"description", "title", "examples", "$comment", "deprecated"})
IDENTITY_FIELDS = ("userId", "anonymousId")


def canonical(expr: Expr | None) -> str | None:
    """What the handler runs for an expression, as comparable text (None for no expression)."""
    return None if expr is None else json.dumps(expr.js(), sort_keys=True, ensure_ascii=False)


def strip_annotations(schema):
    """A JSON Schema without the keywords that only document it."""
    if isinstance(schema, dict):
        return {k: strip_annotations(v) for k, v in schema.items() if k not in ANNOTATIONS}
    if isinstance(schema, list):
        return [strip_annotations(v) for v in schema]
    return schema


@dataclass(frozen=True)
class Value:
    """A property or trait: its schema, where its value comes from, and how the page describes it."""
    schema: dict
    source: str | None
    source_text: str
    description: str = ""


@dataclass
class CallView:
    kind: str
    name: str | None     # the event, page or screen name, or set collection; None for unnamed kinds or computed names
    pointer: str         # the first call's place in the spec
    routes: set[str] = field(default_factory=set)
    properties: dict[str, Value] = field(default_factory=dict)
    required: set[str] | None = None       # required in every call of this key
    identity: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # userId → {canonical: (words, pointer)}
    traits: dict[str, Value] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)          # groupId, previousId, id, ... → canonicals
    descriptions: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        if self.kind == "function":
            return f"calls returned by function {self.name}()"
        if self.name is None:
            return self.kind if self.kind in ("identify", "group", "alias") else f"{self.kind} (name computed per webhook)"
        return f"{self.kind} {json.dumps(self.name, ensure_ascii=False)}"


def call_views(spec: m.Spec) -> dict[tuple[str, str | None], CallView]:
    """Every call the spec can emit, merged by key, in spec order."""
    views: dict[tuple[str, str | None], CallView] = {}
    for entry, route in _walk(spec.entries, ()):
        if isinstance(entry, m.FunctionCalls):
            key = ("function", entry.call.name)
            view = views.setdefault(key, CallView("function", entry.call.name, entry.pointer))
            view.routes.add(route)
            view.fields.setdefault("call", set()).add(canonical(entry.call))
            continue
        key = (entry.kind, _name(entry))
        view = views.setdefault(key, CallView(entry.kind, key[1], entry.pointer))
        _merge(view, entry, route, spec.properties)
    return views


def _walk(entries, outer: tuple):
    """(call, route) of every call: the route is the webhook types and conditions of the call and its groups."""
    for entry in entries:
        step = (sorted(entry.on) if entry.on is not None else "*", canonical(entry.when))
        if isinstance(entry, m.Group):
            yield from _walk(entry.entries, outer + (step, canonical(entry.each)))
        else:
            yield entry, json.dumps(outer + (step,), ensure_ascii=False)


def _name(call: m.Call) -> str | None:
    if call.kind == "set":
        return call.collection
    return call.name if call.kind in ("track", "page", "screen") and call.name_from is None else None


def _merge(view: CallView, call: m.Call, route: str, table: dict[str, m.Property]) -> None:
    view.routes.add(route)
    if call.description:
        view.descriptions.add(call.description)
    found = _properties(call, table)
    for name, value in found.items():
        view.properties.setdefault(name, value)
    required = set(call.required)
    view.required = required if view.required is None else view.required & required
    for name, rule in zip(IDENTITY_FIELDS, (call.user_id, call.anonymous_id)):
        if rule is not None:
            view.identity.setdefault(name, {})[canonical(rule.value)] = (describe_value(rule.value), rule.value.pointer)
    for trait in call.traits:
        view.traits.setdefault(trait.name, Value(trait.value.yields, canonical(trait.value),
                                                 describe_value(trait.value), trait.describe or ""))
    for name, expr in call.fields + tuple((f"context.{k}", v) for k, v in call.context) + \
            tuple((f"integrations.{k}", v) for k, v in call.integrations):
        view.fields.setdefault(name, set()).add(canonical(expr))
    if call.name_from is not None:
        view.fields.setdefault("name", set()).add(canonical(call.name_from))


def _properties(call: m.Call, table: dict[str, m.Property]) -> dict[str, Value]:
    if not isinstance(call.properties, tuple):  # an object expression: its schema says what it holds
        schema = call.properties.yields
        return {name: Value(sub, canonical(call.properties), describe_value(call.properties))
                for name, sub in schema.get("properties", {}).items()}
    return {name: Value(table[name].schema, canonical(expr), describe_value(expr), table[name].description)
            for name, expr in call.properties}
