"""The typed model of value expressions and conditions: one class per kind of expression.

Every node knows the JSON pointer of the spec text it came from and the JSON Schema of what it yields (`yields`;
`{}` when nothing is known). `js()` gives the node as data for the handler runtime (generator/runtime/values.js):
an array whose first item names the operation, for example `["path", "customer", "email"]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from ..paths import BODY, EVENT, ParsedPath, VarIndex


@dataclass(frozen=True)
class Expr:
    pointer: str
    yields: dict

    def children(self) -> tuple[Expr, ...]:
        return ()

    def js(self) -> list:
        raise NotImplementedError


def _js(node: Expr | None) -> Any:
    return None if node is None else node.js()


@dataclass(frozen=True)
class Path(Expr):
    path: ParsedPath
    dynamic: tuple[Expr, ...] = ()  # one variable read per VarIndex step, in order

    def children(self):
        return self.dynamic

    def js(self):
        dynamic = iter(self.dynamic)
        steps = [next(dynamic).js() if isinstance(s, VarIndex) else s for s in self.path.steps]
        if self.path.root == EVENT:
            return ["path", *steps]
        if self.path.root == BODY:
            return ["body", *steps]
        return ["var", self.path.root, *steps]


@dataclass(frozen=True)
class Const(Expr):
    value: Any

    def js(self):
        return ["const", self.value]


@dataclass(frozen=True)
class Template(Expr):
    parts: tuple[Union[str, Expr], ...]

    def children(self):
        return tuple(p for p in self.parts if isinstance(p, Expr))

    def js(self):
        return ["template", *[p if isinstance(p, str) else p.js() for p in self.parts]]


@dataclass(frozen=True)
class RequestPart(Expr):
    """A header, a query parameter, a setting, or what the request carries: {header: Name}, {query: name},
    {setting: name}, {request: sorted_form}."""
    part: str
    name: str

    def js(self):
        return [self.part, self.name]


@dataclass(frozen=True)
class First(Expr):
    items: tuple[Expr, ...]

    def children(self):
        return self.items

    def js(self):
        return ["first", *[i.js() for i in self.items]]


@dataclass(frozen=True)
class If(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr | None

    def children(self):
        return tuple(c for c in (self.cond, self.then, self.otherwise) if c is not None)

    def js(self):
        return ["if", self.cond.js(), self.then.js()] + ([self.otherwise.js()] if self.otherwise else [])


@dataclass(frozen=True)
class Lookup(Expr):
    key: Expr
    table: dict
    default: Expr | None

    def children(self):
        return (self.key,) + ((self.default,) if self.default else ())

    def js(self):
        return ["lookup", self.key.js(), self.table] + ([self.default.js()] if self.default else [])


@dataclass(frozen=True)
class Get(Expr):
    key: Expr
    source: Expr

    def children(self):
        return (self.key, self.source)

    def js(self):
        return ["get", self.key.js(), self.source.js()]


@dataclass(frozen=True)
class Apply(Expr):
    """An operation on values: arithmetic, rounding, text, conversions, hashes, JSON, length, concat, merge.
    `op` is the spec's operator name; `options` its literal parameters (digits, find/with, separator)."""
    op: str
    args: tuple[Expr, ...]
    options: tuple = ()

    def children(self):
        return self.args

    def js(self):
        return [self.op, *[a.js() for a in self.args], *self.options]


class Arithmetic(Apply):
    """add, subtract, multiply, divide."""


class Rounding(Apply):
    """round (with digits), floor, ceil, abs."""


class TextOp(Apply):
    """lowercase, uppercase, trim, replace, split, join, concat, length."""


class Convert(Apply):
    """to_string, to_number, to_boolean, from_unix_seconds, from_unix_millis, to_iso_timestamp, to_unix_seconds,
    to_unix_millis."""


class Hash(Apply):
    """md5, sha256."""


class JsonOp(Apply):
    """json_encode, json_decode."""


class Merge(Apply):
    """Objects merged left to right."""


@dataclass(frozen=True)
class ObjectOf(Expr):
    fields: tuple[tuple[str, Expr], ...]

    def children(self):
        return tuple(e for _, e in self.fields)

    def js(self):
        return ["object", {k: e.js() for k, e in self.fields}]


@dataclass(frozen=True)
class Fields(Expr):
    """Every field of an object except some: {fields: X, except: [...]}."""
    source: Expr
    excluded: tuple[str, ...]

    def children(self):
        return (self.source,)

    def js(self):
        return ["fields", self.source.js(), list(self.excluded)]


@dataclass(frozen=True)
class Each(Expr):
    array: Expr
    var: str
    index: str | None
    map: Expr | None
    filter: Expr | None

    def children(self):
        return tuple(c for c in (self.array, self.filter, self.map) if c is not None)

    def js(self):
        return ["each", self.array.js(), self.var, self.index, _js(self.filter), _js(self.map)]


@dataclass(frozen=True)
class FunctionCall(Expr):
    """A JavaScript function of the spec's folder (the escape hatch)."""
    name: str
    args: tuple[Expr, ...]

    def children(self):
        return self.args

    def js(self):
        return ["call", self.name, *[a.js() for a in self.args]]


# --- Conditions (they yield booleans) ---

@dataclass(frozen=True)
class Exists(Expr):
    value: Expr

    def children(self):
        return (self.value,)

    def js(self):
        return ["exists", self.value.js()]


@dataclass(frozen=True)
class Compare(Expr):
    op: str          # equals | one_of | greater_than | less_than
    value: Expr
    operand: Any

    def children(self):
        return (self.value,)

    def js(self):
        return [self.op, self.value.js(), self.operand]


@dataclass(frozen=True)
class Logic(Expr):
    op: str          # not | all | any
    items: tuple[Expr, ...]

    def children(self):
        return self.items

    def js(self):
        return [self.op, *[i.js() for i in self.items]]


def walk(node: Expr):
    """The node and every node below it."""
    yield node
    for child in node.children():
        yield from walk(child)


def ops_used(nodes) -> set[str]:
    """The runtime operations a set of expressions needs."""
    return {n.js()[0] for root in nodes if root is not None for n in walk(root)}
