"""Answer "does the payload JSON Schema declare this dotted path?" for the semantic checks."""
from __future__ import annotations

import re

from typing import Any


def path_in_schema(schema: Any, path: tuple[str, ...], root: Any = None) -> bool:
    """True when the schema declares the path: through `properties`, array `items`, or a map's
    `additionalProperties` / `patternProperties` schema. Undeclared keys of open objects do not count,
    so a typo in a path is caught even where the payload allows extra keys."""
    root = schema if root is None else root
    if not path:
        return schema is not False
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and path_in_schema(_resolve(root, ref), path, root):
        return True
    branches = schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    if any(path_in_schema(b, path, root) for b in branches):
        return True
    return _step(schema, path, root)


def _step(schema: dict, path: tuple[str, ...], root: Any) -> bool:
    head, rest = path[0], path[1:]
    if head in schema.get("properties", {}):
        return path_in_schema(schema["properties"][head], rest, root)
    if head.isdigit() and "items" in schema:
        return path_in_schema(schema["items"], rest, root)
    if any(re.search(pattern, head) for pattern in schema.get("patternProperties", {})):
        return True
    extra = schema.get("additionalProperties")
    return isinstance(extra, dict) and path_in_schema(extra, rest, root)


def _resolve(root: Any, ref: str) -> Any:
    target = root
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or token not in target:
            return None
        target = target[token]
    return target
