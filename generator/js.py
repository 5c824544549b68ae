"""JavaScript text: literals for spec values, the spec as readable data, and srcfn's handler runtime
(generator/runtime/*.js) trimmed to the declarations a handler uses."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

RUNTIME_FILES = ("flow.js", "calls.js", "values.js", "signature.js", "check.js")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_TOKEN = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# One left-to-right pass, so `//` inside a string ("https://...") is not a comment and a quote in a comment opens
# no string.
_STRINGS_AND_COMMENTS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`|//[^\n]*')
_DECLARATION = re.compile(r"^(?:async\s+)?function\s+([A-Za-z_$][\w$]*)|^(?:const|let)\s+([A-Za-z_$][\w$]*)")


def js_literal(value: Any) -> str:
    """A JavaScript literal for a JSON value; line separators escaped so no text can end a line."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True)
class Raw:
    """JavaScript written as is inside data (a function's name)."""
    code: str


def js_data(value: Any, indent: int = 0, width: int = 118) -> str:
    """Data as JavaScript, laid out to read: a value that fits the line stays on it; otherwise its items are
    packed into lines of at most `width` columns (an item that does not fit alone is laid out the same way,
    one level deeper). Keys keep their order; identifier keys are left unquoted."""
    return _layout(value, indent, indent, width)


def _layout(value: Any, indent: int, column: int, width: int) -> str:
    inline = _inline(value)
    if column + len(inline) <= width or not isinstance(value, (dict, list)) or not value:
        return inline
    inner = indent + 2
    if isinstance(value, list):
        items = [(_layout(v, inner, inner, width), "") for v in value]
    else:
        items = [(_key(k) + ": " + _layout(v, inner, inner + len(_key(k)) + 2, width), "") for k, v in value.items()]
    if any("\n" in text for text, _ in items):  # an item laid out over lines: every item gets its own
        return _lines(value, [t + "," for t, _ in items], indent)
    lines, line = [], ""
    for text, _ in items:
        piece = text + ","
        if "\n" in text or (line and inner + len(line) + 1 + len(piece) > width):
            if line:
                lines.append(line)
            line = ""
        if "\n" in text:
            lines.append(piece)
        else:
            line = f"{line} {piece}" if line else piece
    if line:
        lines.append(line)
    return _lines(value, lines, indent)


def _lines(value: Any, lines: list[str], indent: int) -> str:
    open_, close = ("[", "]") if isinstance(value, list) else ("{", "}")
    return open_ + "\n" + "\n".join(" " * (indent + 2) + ln for ln in lines) + "\n" + " " * indent + close


def _inline(value: Any) -> str:
    if isinstance(value, Raw):
        return value.code
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)}: {_inline(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _key(key: str) -> str:
    if key == "__proto__":  # in an object literal, `__proto__: v` (quoted or not) sets the prototype instead
        return '["__proto__"]'
    return key if _IDENTIFIER.match(key) else _inline(key)


@dataclass(frozen=True)
class Declaration:
    name: str
    text: str    # with its comment lines
    uses: frozenset[str]


@lru_cache(maxsize=1)
def runtime() -> tuple[Declaration, ...]:
    """Every top-level declaration of the runtime files, in file order (each file's header comment left out)."""
    found = []
    for file in RUNTIME_FILES:
        text = resources.files(__package__).joinpath("runtime", file).read_text(encoding="utf-8")
        found += split_declarations(text)
    return tuple(found)


def split_declarations(text: str) -> list[Declaration]:
    """Top-level `function`/`const`/`let` declarations, each with the comment lines just above it. The runtime
    files are written for this: a declaration starts at column 0 and ends before the next blank line at column 0
    that is followed by a comment or declaration."""
    blocks, current = [], []
    for line in text.splitlines():
        ends = current and (current[-1] in ("}", "};") or (current[-1].endswith(";") and not current[-1][0].isspace()))
        header = current and all(ln.startswith("//") for ln in current)  # a file's header comment
        if line == "" and (ends or header):
            blocks.append(current)
            current = []
        elif line != "" or current:
            current.append(line)
    if current:
        blocks.append(current)
    out = []
    for block in blocks:
        body = [i for i, line in enumerate(block) if not line.startswith("//")]
        match = _DECLARATION.match(block[body[0]]) if body else None
        if match:
            code = "\n".join(block[body[0]:])
            out.append(Declaration(match.group(1) or match.group(2), "\n".join(block), frozenset(identifiers(code))))
    return out


def identifiers(code: str) -> set[str]:
    """The identifiers JavaScript code names, comments and string literals left out."""
    return set(_TOKEN.findall(_STRINGS_AND_COMMENTS.sub(" ", code)))


def trimmed_runtime(roots: set[str]) -> list[Declaration]:
    """The runtime declarations the names in `roots` need, directly or through each other, in file order."""
    by_name = {d.name: d for d in runtime()}
    needed, todo = set(), [r for r in roots if r in by_name]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += [u for u in by_name[name].uses if u in by_name and u not in needed]
    return [d for d in runtime() if d.name in needed]
