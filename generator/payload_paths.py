"""Answer "can this dotted path exist in a payload that validates?" from the payload JSON Schema."""
from __future__ import annotations

from typing import Any


def path_in_schema(schema: Any, path: tuple[str, ...], root: Any = None) -> bool:
    """False only when the schema rules the path out; an open schema admits any path."""
    root = schema if root is None else root
    if not path:
        return schema is not False
    if not isinstance(schema, dict):
        return schema is not False
    if "$ref" in schema and isinstance(schema["$ref"], str) and schema["$ref"].startswith("#/"):
        target = _resolve(root, schema["$ref"])
        if target is not None and not path_in_schema(target, path, root):
            return False
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    if branches and not any(path_in_schema(b, path, root) for b in branches):
        return False
    if any(not path_in_schema(b, path, root) for b in schema.get("allOf", [])):
        return False
    return _step(schema, path, root)


def _step(schema: dict, path: tuple[str, ...], root: Any) -> bool:
    head, rest = path[0], path[1:]
    types = schema.get("type")
    types = {types} if isinstance(types, str) else set(types or ())
    if types and "object" not in types and not ("array" in types and head.isdigit()):
        return False
    if head in schema.get("properties", {}):
        return path_in_schema(schema["properties"][head], rest, root)
    if "array" in types and head.isdigit():
        return path_in_schema(schema.get("items", True), rest, root)
    extra = schema.get("additionalProperties", True)
    if schema.get("patternProperties"):
        return True
    return path_in_schema(extra, rest, root)


def _resolve(root: Any, ref: str) -> Any:
    target = root
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or token not in target:
            return None
        target = target[token]
    return target
