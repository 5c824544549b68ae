"""Paths into webhook data, and what the payload's JSON Schema declares along them.

A path reads the current event unless it starts with a variable: `customer.email`, `items[0].id` (or v1's
`items.0.id`), `$item.title` (a variable bound by `each`), `$body.live` (the whole body of a batch), `$event` (the
current event itself), `answers[$i].field.id` (an index from a variable).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

_NAME = r"[^.\[\]\s{}$][^.\[\]\s{}]*"
_VAR = r"[A-Za-z_][A-Za-z0-9_]*"
_ROOT = re.compile(rf"^\$({_VAR})?")
_STEP = re.compile(rf"\.({_NAME})|\[(\d+)\]|\[\$({_VAR})\]")
_FIRST = re.compile(_NAME)

EVENT, BODY = "event", "body"  # the roots that always exist


class PathError(ValueError):
    """A path that does not parse; the message says where."""


@dataclass(frozen=True)
class VarIndex:
    """A step whose key is the value of a variable (`answers[$i]`)."""
    name: str


Step = Union[str, int, VarIndex]


@dataclass(frozen=True)
class ParsedPath:
    root: str               # "event", "body", or a variable name
    steps: tuple[Step, ...]

    def text(self) -> str:
        out = "" if self.root == EVENT else f"${self.root}"
        for step in self.steps:
            if isinstance(step, int):
                out += f"[{step}]"
            elif isinstance(step, VarIndex):
                out += f"[${step.name}]"
            else:
                out += ("." if out else "") + step
        return out or "$event"


def parse_path(text: str) -> ParsedPath:
    root = _ROOT.match(text)
    if root:
        return ParsedPath(root.group(1) or EVENT, tuple(_steps(text, root.end())))
    first = _FIRST.match(text)
    if not first:
        raise PathError(f"{text!r} is not a path: it must start with a field name or a $variable")
    return ParsedPath(EVENT, (first.group(0), *_steps(text, first.end())))


def _steps(text: str, i: int) -> list[Step]:
    steps: list[Step] = []
    while i < len(text):
        match = _STEP.match(text, i)
        if not match:
            raise PathError(f"{text!r} is not a path: unexpected {text[i:]!r} at character {i + 1}")
        name, index, var = match.groups()
        steps.append(name if name is not None else int(index) if index is not None else VarIndex(var))
        i = match.end()
    return steps


def path_from_list(keys: list) -> ParsedPath:
    """`{path: [a, b]}`: keys that may hold dots or spaces, read from the current event."""
    return ParsedPath(EVENT, tuple(keys))


# --- What a JSON Schema declares along a path ---------------------------------------------------------------

def resolve_ref(root: Any, ref: str) -> Any:
    """The schema a local `$ref` (`#/$defs/x`) points at, or None."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    target = root
    for token in ref[2:].split("/") if len(ref) > 1 else ():
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or token not in target:
            return None
        target = target[token]
    return target


def declared(schema: Any, steps: tuple, root: Any, depth: int = 0) -> list[Any]:
    """Every subschema the payload schema declares at `steps` below `schema` (empty: not declared).

    Steps go through `properties`, array `items`, or a map's `additionalProperties` / `patternProperties`
    schema; `$ref`, `allOf`, `anyOf` and `oneOf` are followed. Undeclared keys of open objects do not count, so
    a typo in a path is caught even where the payload allows extra keys."""
    if depth > 64 or schema is False:
        return []
    if not steps:
        return [schema]
    if not isinstance(schema, dict):
        return []
    found: list[Any] = []
    if "$ref" in schema:
        target = resolve_ref(root, schema["$ref"])
        if target is not None:
            found += declared(target, steps, root, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            found += declared(branch, steps, root, depth + 1)
    return found + [s for sub in _step(schema, steps[0]) for s in declared(sub, steps[1:], root, depth + 1)]


def _step(schema: dict, step: Step) -> list[Any]:
    props = schema.get("properties", {})
    if isinstance(step, str) and step in props:
        return [props[step]]
    is_index = isinstance(step, (int, VarIndex)) or (isinstance(step, str) and step.isdigit())
    if is_index and isinstance(schema.get("items"), (dict, bool)):
        return [schema["items"]]
    if isinstance(step, str):
        matched = [sub for pattern, sub in schema.get("patternProperties", {}).items() if re.search(pattern, step)]
        if matched:
            return matched
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and not isinstance(step, int):
        return [extra]
    return []
