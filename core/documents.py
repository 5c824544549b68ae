"""Read YAML or JSON documents into plain values, remembering the line of every JSON pointer.

PyYAML's composer gives nodes with positions; values are built here rather than by PyYAML's
constructor because the spec needs YAML 1.2 core scalars (PyYAML's 1.1 rules turn a key like
`on:` into `True` and `2026-01-01` into a date) and duplicate keys must be errors, not overwrites.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

from .findings import Collector, InputError, NotFound, pointer_join

_NULL = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
# Limits every document is read within (README, "Limits"): deeper, bigger or stranger input is a located error.
MAX_DEPTH = 64            # nested mappings and lists
MAX_VALUES = 200_000      # values built, aliases expanded (a YAML "billion laughs" stops here)
MAX_NUMBER_CHARS = 100    # digits of one number (Python refuses to read integers past 4,300 digits)


class _Budget:
    def __init__(self) -> None:
        self.values = 0
        self.open: set[int] = set()  # the nodes being built: one met again is an alias to its own ancestor


class Document:
    """A loaded document: its value and a pointer → (line, column) map, both 1-based."""

    def __init__(self, display: str, value: Any, positions: dict[str, tuple[int, int]]):
        self.display = display
        self.value = value
        self.positions = positions

    def collector(self) -> Collector:
        return Collector(self.display, dict(self.positions))


def load_document(path: Path, display: str | None = None) -> Document:
    """Load `path` (YAML, or JSON when it ends in .json); a syntax error raises a located InputError."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{display}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        errors = Collector(display)
        errors.add("", f"cannot read file: {exc}")
        raise InputError(errors.findings) from None
    return load_text(text, display, json_syntax=path.suffix == ".json")


def load_text(text: str, display: str, json_syntax: bool = False) -> Document:
    """Like load_document, for text already in memory (`display` names it in messages)."""
    errors = Collector(display)
    if json_syntax:
        return _load_json(text, errors)
    node = _compose(text, errors)
    if node is None:
        errors.add("", "the document is empty")
        raise InputError(errors.findings)
    value = _build(node, "", errors, _Budget())
    errors.raise_if_errors()
    return Document(display, value, errors.positions)


def _load_json(text: str, errors: Collector) -> Document:
    """The value from the json module (YAML reads some JSON escapes differently: surrogate pairs); lines,
    columns and duplicate keys from YAML's composer. JSON may indent with tabs, which YAML forbids: outside
    strings a tab is only white space (json.loads refuses raw tabs inside strings), so a space in its place
    keeps every line and column."""
    try:
        value = json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        errors.positions[""] = (exc.lineno, exc.colno)
        errors.add("", f"invalid JSON: {exc.msg}")
        raise InputError(errors.findings) from None
    except (ValueError, RecursionError) as exc:  # the limits below, or nesting deeper than Python's stack
        errors.add("", f"invalid JSON: {exc}" if isinstance(exc, ValueError) else
                   f"invalid JSON: nested deeper than {MAX_DEPTH} levels")
        raise InputError(errors.findings) from None
    try:
        node = yaml.compose(text.replace("\t", " "), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):  # valid JSON YAML cannot read (a key over 1024 characters, deep
        node = None                           # nesting): located at the root only
    if node is not None:
        _build(node, "", errors, _Budget())
        errors.raise_if_errors()
    return Document(errors.file, value, errors.positions)


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text)} digits (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return float(text)


def _json_constant(text: str) -> float:
    raise ValueError(f"{text} is not JSON (a number must be finite)")


def _compose(text: str, errors: Collector) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        errors.positions[""] = (line, col)
        errors.add("", f"invalid YAML: {exc.problem or exc}")
        raise InputError(errors.findings) from None
    except yaml.YAMLError as exc:
        errors.add("", f"invalid YAML: {exc}")
        raise InputError(errors.findings) from None
    except RecursionError:
        errors.add("", f"invalid YAML: nested deeper than {MAX_DEPTH} levels")
        raise InputError(errors.findings) from None


class _Stop(Exception):
    """A limit was reached: the finding is recorded, building stops."""


def _build(node: yaml.Node, pointer: str, errors: Collector, budget: _Budget, depth: int = 0) -> Any:
    try:
        return _node(node, pointer, errors, budget, depth)
    except _Stop:
        if depth:
            raise
        return None


def _node(node: yaml.Node, pointer: str, errors: Collector, budget: _Budget, depth: int) -> Any:
    at = (node.start_mark.line + 1, node.start_mark.column + 1)
    errors.positions.setdefault(pointer, at)
    budget.values += 1
    if budget.values > MAX_VALUES:
        errors.add(pointer, f"the document holds more than {MAX_VALUES:,} values (YAML aliases expanding?)", at=at)
        raise _Stop
    if depth > MAX_DEPTH:
        errors.add(pointer, f"nested deeper than {MAX_DEPTH} levels", at=at)
        raise _Stop
    if isinstance(node, yaml.ScalarNode):
        return _checked_scalar(node, pointer, errors, at)
    if id(node) in budget.open:
        errors.add(pointer, "a YAML alias refers to a node that contains it (an endless document)", at=at)
        raise _Stop
    budget.open.add(id(node))
    try:
        if isinstance(node, yaml.MappingNode):
            return _build_mapping(node, pointer, errors, budget, depth)
        return [_build(item, pointer_join(pointer, i), errors, budget, depth + 1) for i, item in enumerate(node.value)]
    finally:
        budget.open.discard(id(node))


def _checked_scalar(node: yaml.ScalarNode, pointer: str, errors: Collector, at: tuple[int, int]) -> Any:
    if node.style is None and len(node.value) > MAX_NUMBER_CHARS and (_INT.match(node.value) or _FLOAT.match(node.value)):
        errors.add(pointer, f"a number of {len(node.value)} characters (at most {MAX_NUMBER_CHARS})", at=at)
        return None
    value = _scalar(node)
    if isinstance(value, float) and not math.isfinite(value):
        errors.add(pointer, f"{node.value} is not a finite number: JSON, and so Segment, has no form for it", at=at)
    return value


def _build_mapping(node: yaml.MappingNode, pointer: str, errors: Collector, budget: _Budget,
                   depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            errors.add(pointer, "mapping keys must be plain strings", at=at)
            continue
        key = str(key_node.value)
        child = pointer_join(pointer, key)
        at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in result:
            errors.add(child, f"duplicate key {key!r}", at=at)
            continue
        errors.positions[child] = at
        result[key] = _build(value_node, child, errors, budget, depth + 1)
    return result


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style is not None:  # quoted or block scalar: always a string
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT.match(text):
        return float(text)
    if text.lower() in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text.lower()]
    return text
