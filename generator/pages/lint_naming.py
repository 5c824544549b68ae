"""Naming rules in context: headings in sentence case (event and product names, the template's titles and a
sentence start after `:` or `(` keep their capitals), event names in Proper Case (identifiers the partner sends,
such as `call.created`, and object collections are names, not prose), one naming convention per property table.
Each finding says what to write instead."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .lint_context import TEMPLATE_PHRASES, Context
from .import_tables import plain
from .parse import Page

MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "via", "vs"}
# Segment's own fields keep Segment's camelCase whatever the table's convention.
SEGMENT_FIELDS = {"userId", "anonymousId", "messageId", "groupId", "previousId", "receivedAt", "sentAt",
                  "originalTimestamp", "timestamp", "context", "traits", "properties", "integrations", "event", "type"}
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*")
_MASK = "\x00"


def heading_findings(page: Page, ctx: Context, template_headings: set[str]) -> Iterator[tuple[int, str]]:
    phrases = sorted({*ctx.events, *ctx.names, *TEMPLATE_PHRASES}, key=len, reverse=True)
    names = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")  # longest first
    for block in page.blocks:
        if block.kind != "heading" or block.level < 2 or block.text.lower() in template_headings:
            continue
        text = plain(block.text)
        masked = names.sub(lambda m: _MASK * len(m.group(0)), text)  # names keep their capitals
        wrong = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", masked) if _capitalised_mid_sentence(masked, m)]
        if wrong:
            fixed = list(text)
            for start, word in wrong:
                fixed[start] = word[0].lower()
            yield block.line, f"heading {text!r} is not in sentence case: write {''.join(fixed)!r}"


def _capitalised_mid_sentence(text: str, match: re.Match) -> bool:
    """A word such as `Data` (capital, then lowercase) that does not start the heading or a sentence inside it."""
    word = match.group(0)
    if _MASK in word or not re.fullmatch(r"[A-Z][a-z]+[,;]?", word):
        return False
    before = text[:match.start()].rstrip()
    return bool(before) and not before.endswith((":", ".", "(", "-", "—", "!", "?"))


def event_findings(ctx: Context) -> Iterator[tuple[int, str]]:
    for table in (t for t in ctx.tables if t.role == "events"):
        for line, row in table.data:
            name = plain(row[0]) if row else ""
            if " " not in name or name in ctx.collections:  # an identifier the partner sends, or a collection
                continue
            fixed = proper_case(name)
            if fixed != name:
                yield line, f"event {name!r} is not in Proper Case: write {fixed!r}"


def proper_case(name: str) -> str:
    """Each word capitalised but minor words inside the name; brands (`iOS`), notes in parentheses and
    {placeholders} as they are."""
    head, _, note = name.partition(" (")
    out, i = [], 0
    for token in re.findall(r"\{[^{}]*\}|\S+|\s+", head):
        if token.isspace() or token.startswith("{"):
            out.append(token)
            continue
        keep = not token[0].isalpha() or any(c.isupper() for c in token) or (i and token in MINOR_WORDS)
        out.append(token if keep else token[0].upper() + token[1:])
        i += 1
    return "".join(out) + (f" ({note}" if note else "")


def property_findings(ctx: Context) -> Iterator[tuple[int, str]]:
    """A table that mixes snake_case and camelCase names: flagged once, on its first name off the table's
    convention (a table all in camelCase documents the partner's own keys as they are)."""
    for table in (t for t in ctx.tables if t.role == "event_properties"):
        names = [(line, plain(row[0])) for line, row in table.data if row]
        styles = {style: [(line, n) for line, n in names if _style(n) == style] for style in ("snake", "camel")}
        if not styles["snake"] or not styles["camel"]:
            continue
        usual = "snake" if len(styles["snake"]) >= len(styles["camel"]) else "camel"
        odd = styles["camel" if usual == "snake" else "snake"]
        listed = ", ".join(n for _, n in odd[:5]) + (", ..." if len(odd) > 5 else "")
        convert = snake_case if usual == "snake" else camel_case
        yield odd[0][0], (f"property {odd[0][1]!r} is {'camelCase' if usual == 'snake' else 'snake_case'} in a table of "
                          f"{'snake_case' if usual == 'snake' else 'camelCase'} names ({len(odd)} such: {listed}): "
                          f"write {convert(odd[0][1])!r} if that is the key the source sends, else mark the "
                          "exception with a disable comment")


def _style(name: str) -> str | None:
    """snake or camel for a name made of identifiers (`a.b`, `a, b`); None when neutral or not an identifier."""
    parts = [p.strip() for p in re.sub(r"\s*\(.*?\)", "", name).split(",")]
    if not all(_IDENTIFIER.fullmatch(p) for p in parts):
        return None
    segments = [s for p in parts for s in p.split(".") if s not in SEGMENT_FIELDS]
    if any(re.fullmatch(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+", s) for s in segments):
        return "camel"
    if any(re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+", s) for s in segments):
        return "snake"
    return None


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def camel_case(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)
