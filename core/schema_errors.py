"""JSON Schema errors worded for the people who write the documents (specs, fixtures), one located finding each.

jsonschema's raw messages are written for schema authors (`Additional properties are not allowed
('nmae' was unexpected)`); here each error is rephrased and pinned to the exact key, descending into the one
`oneOf` branch the user evidently meant. A schema may word its own message with `x-message`.
"""
from __future__ import annotations

import difflib
import json
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from .findings import Collector, pointer_join

_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "boolean": "true or false",
               "integer": "an integer", "number": "a number", "null": "null"}


def report_schema_errors(validator: jsonschema.protocols.Validator, value: Any, out: Collector) -> None:
    """Add one located finding per schema error of `value`."""
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
        _report(error, out)


def _report(error: ValidationError, out: Collector) -> None:
    pointer = pointer_join("", *error.absolute_path)
    kind = error.validator
    if kind in ("oneOf", "anyOf"):
        branch = _intended_branch(error)
        if branch:
            for sub in branch:
                _report(sub, out)
            return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(known)):
            hint = difflib.get_close_matches(key, known, n=1)
            tip = f"; did you mean {hint[0]!r}?" if hint else f"; expected one of: {', '.join(known)}"
            out.add(pointer_join(pointer, key), f"unknown key {key!r}{tip}")
        return
    out.add(pointer, _message(error))


def _intended_branch(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the single alternative whose shape matches the value, if exactly one does."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.schema_path[0], []).append(sub)
    plausible = [errs for errs in branches.values() if not any(_rules_out(e, error) for e in errs)]
    return plausible[0] if len(plausible) == 1 else None


def _rules_out(sub: ValidationError, parent: ValidationError) -> bool:
    """A branch is not the one meant when the value has the wrong type or lacks its key."""
    at_root = len(sub.absolute_path) == len(parent.absolute_path)
    return at_root and sub.validator in ("type", "required", "pattern", "$ref", "oneOf", "enum", "const")


def _message(error: ValidationError) -> str:
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    kind, value = error.validator, error.validator_value
    if kind == "required":  # jsonschema yields one error per missing key, named in its message
        return "missing required key " + error.message.split(" is a required property")[0]
    if kind == "type":
        wanted = [value] if isinstance(value, str) else value
        return "must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)
    if custom:
        return custom
    if kind == "enum":
        return "must be one of: " + ", ".join(json.dumps(v) for v in value)
    if kind == "const":
        return f"must be {json.dumps(value)}"
    if kind == "minItems":
        return "must not be empty" if value == 1 else f"must have at least {value} items"
    if kind == "minProperties":
        return "must not be empty" if value == 1 else f"must have at least {value} keys"
    if kind == "minLength":
        return "must not be empty" if value == 1 else f"must be at least {value} characters"
    if kind == "maxLength":
        return f"must be at most {value} characters"
    if kind == "uniqueItems":
        return "must not repeat items"
    return error.message
