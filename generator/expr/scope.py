"""What an expression can read where it stands: the current event's schema, the body's, variables, settings and
functions; and the located type errors of the checks."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ...core.findings import Collector
from ..paths import BODY, EVENT
from ..schema_types import Types, describe, self_contained

SETTING_TYPES = {"STRING": {"type": "string"}, "BOOLEAN": {"type": "boolean"},
                 "ARRAY": {"type": "array", "items": {"type": "string"}},
                 "TEXT_MAP": {"type": "object", "additionalProperties": {"type": "string"}}}


@dataclass(frozen=True)
class Scope:
    out: Collector
    root: Any                           # the payload schema, which `$ref`s point into
    variables: dict = field(default_factory=dict)   # name → declared schemas of its value (None: unknown)
    settings: dict = field(default_factory=dict)    # setting name → its Public API type
    functions: dict = field(default_factory=dict)   # function name → JSON Schema of what it returns

    @classmethod
    def of(cls, out: Collector, payload: Any, event: list | None, settings: dict, functions: dict) -> Scope:
        """`event` holds the declared schemas of one event; None when the payload schema is broken (path checks
        are then skipped: its errors were reported already)."""
        body = None if event is None else [payload]
        return cls(out, payload, {EVENT: event, BODY: body}, settings, functions)

    def bind(self, name: str, schemas: list | None) -> Scope:
        return replace(self, variables={**self.variables, name: schemas})

    def error(self, pointer: str, message: str) -> None:
        self.out.add(pointer, message)

    def plan_schema(self, schemas: list | None) -> dict:
        """A self-contained JSON Schema of a value declared by these payload subschemas."""
        if not schemas:
            return {}
        parts = [self_contained(s, self.root) for s in schemas]
        unique = [p for i, p in enumerate(parts) if p not in parts[:i]]
        return unique[0] if len(unique) == 1 and isinstance(unique[0], dict) else {"anyOf": unique}


def mismatch(op: str, wanted: str, what: str, actual: Types | None) -> str:
    return f"{op} needs {wanted}; {what} is {describe(actual)}"
