"""What a page knows about itself, so style rules judge words in context: the source's and products' names, the
events and object collections its tables list, the template's own section titles."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...core.segment import TEMPLATE_SECTIONS
from .import_tables import Table, find_tables, plain
from .parse import Page
from .sections import Placed, place

_LINK_TEXT = re.compile(r"\[([^\[\]]+)\]\(")
# The template's titles of more than one word keep their capitals inside headings (`Braze Event Properties`).
TEMPLATE_PHRASES = tuple(t for t in TEMPLATE_SECTIONS.values() if " " in t) + ("Event Cloud Source", "Segment")


@dataclass(frozen=True)
class Context:
    name: str                    # the source's name: the title without "Source"
    names: frozenset[str]        # product and partner names the page links or titles
    events: tuple[str, ...]      # the event names its events tables list
    collections: frozenset[str]  # the names its tables mark as objects (Type: Object)
    tables: tuple[Table, ...]    # the tables of its Events and Event Properties sections
    placed: tuple[Placed, ...]   # its blocks, each in its template section


def context_of(page: Page) -> Context:
    name = re.sub(r"\s+Source\s*$", "", str(page.front.get("title", ""))).strip()
    placed = tuple(place(page))
    tables = tuple(find_tables(page, list(placed)))
    events, collections = [], set()
    for table in (t for t in tables if t.role == "events"):
        kind = next((c for c in table.columns if c.show == "kind"), None)
        for _, row in table.data:
            label = plain(row[0]) if row else ""
            if kind and kind.index < len(row) and plain(row[kind.index]).lower() == "object":
                collections.add(label)
            elif label:
                events.append(label)
    linked = {plain(m.group(1)) for line in page.lines for m in _LINK_TEXT.finditer(line)}
    names = {n for n in linked | {name} if n and n[0].isupper() and len(n.split()) <= 4}
    return Context(name, frozenset(names), tuple(dict.fromkeys(events)), frozenset(collections), tables, placed)
