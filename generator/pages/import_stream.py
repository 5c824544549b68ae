"""What a page's Stream section says in the words srcfn generates: identity sentences (→ identity rules with their
`describe` and events), the calls beside track events and the webhooks that make them, and the traits table.

A hand-written page says these things in its own words: what does not read as srcfn's sentences stays a TODO.
"""
from __future__ import annotations

import heapq
import re

from .import_tables import plain
from .parse import Page
from .sections import Placed

_SCOPE = r"(?:[Ff]or the (?P<events>.+?) events, )?"
_USER = re.compile(_SCOPE + r"(?P<who>.+?) passes (?P<describe>.+?) as the `userId` when available\.")
_ANON_ONLY = re.compile(_SCOPE + r"[Ww]hen (?P<who>.+?) has no `userId` for the user, it passes (?P<describe>.+?) "
                                 r"as the `anonymousId`\.")
_ANON = re.compile(_SCOPE + r"(?P<who>.+?) passes (?P<describe>.+?) as the `anonymousId`\.")
_TRIGGER = re.compile(r"^- Identify calls: (?:every webhook|the (?P<hooks>.+?) webhooks?)"
                      r"(?P<conditional> when its conditions hold)?\.$")
_CODE = re.compile(r"`([^`]+)`")


def identity_rules(placed: list[Placed], name: str, events: list[str]) -> tuple[int, dict] | None:
    """(page line, identity rules) of a paragraph made only of srcfn's identity sentences; None when there is none."""
    for p in placed:
        if p.role != "stream" or p.block.kind != "paragraph" or not re.search(r"`(userId|anonymousId)`", p.block.text):
            continue
        rules = _rules(p.block.text, name, events)
        if rules:
            return p.block.line, rules
    return None


def _rules(text: str, name: str, events: list[str]) -> dict | None:
    rules: dict[str, list] = {"user_id": [], "anonymous_id": []}
    for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", " ".join(text.split())):
        for key, pattern, only in (("user_id", _USER, False), ("anonymous_id", _ANON_ONLY, True),
                                   ("anonymous_id", _ANON, False)):
            match = pattern.fullmatch(sentence)
            if match and plain(match.group("who")) == name:
                break
        else:
            return None
        rule = {"value": key, "describe": match.group("describe")}
        if match.group("events"):
            scope = _names(match.group("events"), events)
            if scope is None:
                return None
            rule["events"] = scope
        if only:
            rule["only_without_user_id"] = True
        rules[key].append(rule)
    return {k: v[0] if len(v) == 1 else v for k, v in rules.items() if v}


def _names(listed: str, events: list[str]) -> list[str] | None:
    """`A, B and C` → the known event names it lists (names may hold `and` or commas), or None. A walk over the
    positions where a name can start, each visited once: linear in the list, however hostile."""
    came_from: dict[int, tuple[int, str]] = {}
    starts, seen, ordered = [0], {0}, sorted(set(events), key=len, reverse=True)
    while starts:
        pos = heapq.heappop(starts)
        for event in ordered:
            if not listed.startswith(event, pos):
                continue
            end = pos + len(event)
            if end == len(listed):
                names = [event]
                while pos:
                    pos, name = came_from[pos]
                    names.append(name)
                return names[::-1]
            for joint in (", ", " and "):
                if listed.startswith(joint, end) and end + len(joint) not in seen:
                    seen.add(end + len(joint))
                    came_from[end + len(joint)] = (pos, event)
                    heapq.heappush(starts, end + len(joint))
    return None


def identify_hooks(page: Page, placed: list[Placed]) -> tuple[list[str] | None, bool]:
    """The webhook types the page says make Identify calls (None: every webhook or not said), and whether it adds
    "when its conditions hold"."""
    for p in placed:
        if p.role == "stream" and p.block.kind == "list":
            for line in page.source(p.block).splitlines():
                match = _TRIGGER.match(line.strip())
                if match:
                    hooks = _CODE.findall(match.group("hooks")) if match.group("hooks") else None
                    return hooks or None, bool(match.group("conditional"))
    return None, False


def is_traits_table(p: Placed) -> bool:
    """The Stream section's traits table (`Trait Name | Description`), as srcfn writes it."""
    rows = p.block.rows
    return p.role == "stream" and p.block.kind == "table" and bool(rows) and plain(rows[0][0]).lower() == "trait name"


def traits_rows(placed: list[Placed]) -> list[tuple[int, str, str]]:
    """(page line, name, description) of the rows of the traits table."""
    for p in placed:
        if is_traits_table(p):
            rows = p.block.rows
            return [(line, plain(row[0]), " ".join(row[-1].replace("\\|", "|").split()))
                    for line, row in zip(p.block.row_lines[1:], rows[1:]) if row]
    return []
