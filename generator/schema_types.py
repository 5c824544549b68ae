"""The JSON types a JSON Schema allows, for the generator's type checks, and schemas made self-contained for
the tracking plan."""
from __future__ import annotations

from typing import Any

from .paths import resolve_ref

ALL = frozenset({"null", "boolean", "object", "array", "number", "integer", "string"})
PRIMITIVE = frozenset({"null", "boolean", "number", "integer", "string"})
Types = frozenset  # of JSON type names; None stands for "any"


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def types_of(schema: Any, root: Any = None, depth: int = 0) -> Types | None:
    """The types a value valid against `schema` can have; None when the schema does not constrain them."""
    if schema is True or schema == {} or depth > 32:
        return None
    if schema is False:
        return frozenset()
    if not isinstance(schema, dict):
        return None
    found: Types | None = None
    if "type" in schema:
        named = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        found = _widen(frozenset(named))
    if "const" in schema:
        found = _meet(found, _widen(frozenset({type_of(schema["const"])})))
    if isinstance(schema.get("enum"), list):
        found = _meet(found, _widen(frozenset(type_of(v) for v in schema["enum"])))
    if "$ref" in schema:
        found = _meet(found, types_of(resolve_ref(root, schema["$ref"]), root, depth + 1))
    for branch in schema.get("allOf", []):
        found = _meet(found, types_of(branch, root, depth + 1))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [types_of(b, root, depth + 1) for b in schema[key]]
            union = None if any(o is None for o in options) else frozenset().union(*options)
            found = _meet(found, union)
    return found


def _widen(types: frozenset) -> frozenset:
    """An integer is a number too: a schema saying `number` allows integers."""
    return types | {"integer"} if "number" in types else types


def _meet(a: Types | None, b: Types | None) -> Types | None:
    if a is None:
        return b
    if b is None:
        return a
    both = a & b
    return both | {"integer"} if "integer" in a | b and "number" in a | b and "integer" not in both else both


def accepts(actual: Types | None, wanted: frozenset) -> bool:
    """False only when the value certainly has none of the wanted types (an unknown type is accepted)."""
    return actual is None or bool(actual & _widen(wanted))


def describe(types: Types | None) -> str:
    if types is None:
        return "any value"
    names = [_WORDS[t] for t in _ORDER if t in types and not (t == "integer" and "number" in types)]
    if not names:
        return "nothing (the schema allows no value)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


_ORDER = ("string", "number", "integer", "boolean", "object", "array", "null")
_WORDS = {"string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
          "object": "an object", "array": "an array", "null": "null"}


def self_contained(schema: Any, root: Any, depth: int = 0) -> Any:
    """`schema` with local `$ref`s replaced by what they point at (the tracking plan has no `$defs`)."""
    if depth > 16:
        return {}
    if isinstance(schema, list):
        return [self_contained(s, root, depth + 1) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict = {}
    for key, value in schema.items():
        if key in ("$defs", "definitions"):
            continue
        if key == "$ref":
            target = resolve_ref(root, value)
            if isinstance(target, (dict, bool)):
                out.setdefault("allOf", []).append(self_contained(target, root, depth + 1))
        elif key in ("properties", "patternProperties", "dependentSchemas") and isinstance(value, dict):
            out[key] = {name: self_contained(sub, root, depth + 1) for name, sub in value.items()}
        elif key in ("enum", "const", "default", "examples", "required"):
            out[key] = value
        else:
            out[key] = self_contained(value, root, depth + 1)
    if list(out) == ["allOf"] and len(out["allOf"]) == 1:
        return out["allOf"][0]
    return out


def type_names(schema: Any) -> list[str]:
    """A schema's JSON type names for a page's Type column: as declared, else as its constraints imply."""
    declared = schema.get("type") if isinstance(schema, dict) else None
    if declared is not None:
        return list(declared) if isinstance(declared, list) else [declared]
    types = types_of(schema)
    return [] if types is None else [t for t in _ORDER if t in types and not (t == "integer" and "number" in types)]
