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
    value = _build(node, "", errors)
    errors.raise_if_errors()
    return Document(display, value, errors.positions)


def _load_json(text: str, errors: Collector) -> Document:
    """The value from the json module (YAML reads some JSON escapes differently: surrogate pairs); lines,
    columns and duplicate keys from YAML's composer. JSON may indent with tabs, which YAML forbids: outside
    strings a tab is only white space (json.loads refuses raw tabs inside strings), so a space in its place
    keeps every line and column."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.positions[""] = (exc.lineno, exc.colno)
        errors.add("", f"invalid JSON: {exc.msg}")
        raise InputError(errors.findings) from None
    try:
        node = yaml.compose(text.replace("\t", " "), Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # valid JSON YAML cannot read (a key over 1024 characters): located at the root only
        node = None
    if node is not None:
        _build(node, "", errors)
        errors.raise_if_errors()
    return Document(errors.file, value, errors.positions)


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


def _build(node: yaml.Node, pointer: str, errors: Collector) -> Any:
    errors.positions.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, pointer, errors)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, pointer_join(pointer, i), errors) for i, item in enumerate(node.value)]
    return _scalar(node)


def _build_mapping(node: yaml.MappingNode, pointer: str, errors: Collector) -> dict[str, Any]:
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
        result[key] = _build(value_node, child, errors)
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
