"""Which template section each block of a page belongs to."""
from __future__ import annotations

from dataclasses import dataclass

from ...core.segment import TEMPLATE_SECTIONS
from .parse import Block, Page

# Heading (lowercase) → template section; live pages also use the older titles.
ROLES = {title.lower(): key for key, title in TEMPLATE_SECTIONS.items()} | {
    "components": "components", "collections": "events", "properties": "event_properties",
    "add destinations": "adding_destinations"}


@dataclass
class Placed:
    block: Block
    role: str           # top | getting_started | stream | events | event_properties | adding_destinations | extra
    section: Block | None  # the H2 heading it sits under (None at the top)


def role_of(title: str) -> str | None:
    return ROLES.get(" ".join(title.lower().split()))


def place(page: Page) -> list[Placed]:
    placed: list[Placed] = []
    h2: Block | None = None
    h2_role, sub_role = "top", None
    for block in page.blocks:
        if block.kind == "heading" and block.level <= 2:
            h2, h2_role, sub_role = block, role_of(block.text) or "extra", None
            placed.append(Placed(block, h2_role, h2))
            continue
        if block.kind == "heading" and h2_role != "extra":  # an H3 such as **Events** under Components
            sub = role_of(block.text)
            if sub and sub != "components":
                sub_role = sub
        role = sub_role or h2_role
        placed.append(Placed(block, "stream" if role == "components" else role, h2))
    return placed
