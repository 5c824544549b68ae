"""Templates: `text {path} {header:Name} {query:name} {setting:name} {request:NAME}`, `{{`/`}}` for braces."""
from __future__ import annotations

SOURCES = ("header", "query", "setting", "request")


class TemplateError(ValueError):
    """A template that cannot be split; the message says what is wrong."""


def split_template(text: str) -> list[tuple[str, str]]:
    """("text", literal) and (kind, reference) pieces, kind one of path, header, query, setting, request."""
    pieces: list[tuple[str, str]] = []
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
            if literal:
                pieces.append(("text", literal))
            pieces.append(_reference(inner, text))
            literal, i = "", end + 1
        elif ch == "}":
            raise TemplateError(f"unmatched '}}' at character {i + 1} of template {text!r} (write '}}}}' for a brace)")
        else:
            literal, i = literal + ch, i + 1
    if literal:
        pieces.append(("text", literal))
    return pieces


def _reference(inner: str, text: str) -> tuple[str, str]:
    kind, sep, name = inner.partition(":")
    if sep and kind in SOURCES and name and name == name.strip():
        return kind, name
    if not inner.strip() or inner != inner.strip() or any(not seg for seg in inner.split(".")):
        raise TemplateError(f"'{{{inner}}}' in template {text!r} is not a path or header:, query:, setting:, request: reference")
    return "path", inner


def is_static(text: str) -> bool:
    """True when the template names nothing: its text is the value (`{{` and `}}` aside)."""
    return all(kind == "text" for kind, _ in split_template(text))


def literal_text(text: str) -> str:
    return "".join(value for _, value in split_template(text))
