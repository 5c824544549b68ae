"""Value expressions: where a call field comes from.

Forms (the meta-schema checks their shape): a dotted path string, `{path}`, `{const}`,
`{template: "..{a.b}.."}`, `{first: [...]}`, `{header}`, `{query}`, `{setting}` and
`{transform, value}`. This module parses templates, lists what an expression reads (for the
semantic checks) and compiles an expression to a JavaScript expression over the handler's
`body`, `request` and `settings` locals. Every literal is JSON-encoded by `js_literal`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Union

Path = tuple[str, ...]
TemplatePart = Union[str, Path]



class TemplateError(ValueError):
    """A template that cannot be parsed; the message says what is wrong."""


def js_literal(value: Any) -> str:
    """A JavaScript literal for a JSON value; line separators escaped so no text can end a line."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def split_path(text: str) -> Path:
    return tuple(text.split("."))


def parse_template(text: str) -> list[TemplatePart]:
    """Split `a{x.y}b` into literal strings and paths; `{{` and `}}` stand for braces."""
    parts: list[TemplatePart] = []
    literal, i = "", 0
    while i < len(text):
        ch = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal, i = literal + ch, i + 2
        elif ch == "{":
            end = text.find("}", i)
            inner = text[i + 1:end] if end != -1 else ""
            if end == -1 or "{" in inner:
                raise TemplateError(f"unclosed '{{' at character {i + 1} of template {text!r}")
            if not inner.strip() or any(not seg or seg != seg.strip() for seg in inner.split(".")):
                raise TemplateError(f"'{{{inner}}}' in template {text!r} is not a dotted path")
            if literal:
                parts.append(literal)
            parts.append(split_path(inner))
            literal, i = "", end + 1
        elif ch == "}":
            raise TemplateError(f"unmatched '}}' at character {i + 1} of template {text!r} (write '}}}}' for a brace)")
        else:
            literal, i = literal + ch, i + 1
    if literal:
        parts.append(literal)
    return parts


def body_paths(expr: Any, pointer: str = "") -> Iterator[tuple[str, Path]]:
    """Every body path an expression reads, with the pointer of the expression that reads it."""
    if isinstance(expr, str):
        yield pointer, split_path(expr)
    elif "path" in expr:
        yield pointer + "/path", split_path(expr["path"])
    elif "template" in expr:
        for part in parse_template(expr["template"]):
            if isinstance(part, tuple):
                yield pointer + "/template", part
    elif "first" in expr:
        for i, item in enumerate(expr["first"]):
            yield from body_paths(item, f"{pointer}/first/{i}")
    elif "transform" in expr:
        yield from body_paths(expr["value"], pointer + "/value")


def settings_read(expr: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every setting an expression reads, with its pointer."""
    if isinstance(expr, dict):
        if "setting" in expr:
            yield pointer + "/setting", expr["setting"]
        for i, item in enumerate(expr.get("first", ())):
            yield from settings_read(item, f"{pointer}/first/{i}")
        if "transform" in expr:
            yield from settings_read(expr["value"], pointer + "/value")


def template_js(parts: list[TemplatePart]) -> str:
    """`fill(body, [...])`: the template's text, or undefined when a field it names is absent."""
    return "fill(body, [" + ", ".join(js_literal(list(p) if isinstance(p, tuple) else p) for p in parts) + "])"


def to_js(expr: Any) -> str:
    """Compile an expression to JavaScript reading `body`, `request` and `settings`."""
    if isinstance(expr, str):
        return f"pick(body, {js_literal(list(split_path(expr)))})"
    if "path" in expr:
        return to_js(expr["path"])
    if "const" in expr:
        return js_literal(expr["const"])
    if "template" in expr:
        return template_js(parse_template(expr["template"]))
    if "first" in expr:
        return "first(" + ", ".join(to_js(item) for item in expr["first"]) + ")"
    if "header" in expr:
        return f"request.headers.get({js_literal(expr['header'])})"
    if "query" in expr:
        return f"query(request, {js_literal(expr['query'])})"
    if "setting" in expr:
        return f"settings[{js_literal(expr['setting'])}]"
    return f"transform({js_literal(expr['transform'])}, {to_js(expr['value'])})"
