"""Lint a catalog page against Segment's partner template and style rules.

Each rule has an id (RULES documents it); a finding is `file:line:col: rule-id message`. Text rules look at
prose only: code spans, fenced code, link targets, HTML comments and front matter are blanked out first, with
columns preserved.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...core.segment import TEMPLATE_SECTIONS, UTM
from ..semantics import SNAKE_CASE, is_proper_case
from .parse import Page
from .sections import place, role_of

REQUIRED = ("getting_started", "stream", "events", "adding_destinations")  # Event Properties may be left out
NAMING_RULES = frozenset({"event-case", "property-case"})  # also spec warnings, located in the spec
RULES = {
    "required-sections": "the template's sections are present: " + ", ".join(TEMPLATE_SECTIONS[k] for k in REQUIRED),
    "section-order": "the template's sections come in the template's order",
    "title-source": "the front matter title ends with \"Source\"",
    "front-matter": "front matter has a title, and no keys without effect on source pages (beta, private)",
    "template-leftover": "no template instructions left: (delete after reading), <integration_name>, yourintegration.com",
    "utm": "the partner's homepage link keeps " + UTM,
    "curly-target": "link attributes use straight quotes: {:target=\"_blank\"}",
    "mailto": "email links use mailto:",
    "first-person": "third person: no we, our, us, let's",
    "latin": "no Latin abbreviations: e.g., i.e., eg., etc.",
    "substitutions": "Segment's word list: utilize/leverage -> use, via -> through, whitelist -> allowlist, ...",
    "heading-case": "headings in sentence case (the template's own section titles excepted)",
    "event-case": "event names in Proper Case",
    "property-case": "property names in snake_case",
    "events-table": "the Events section has a table with at least one event",
    "missing-property": "properties an event description names (in backticks) are in the properties table",
    "html-table": "tables are pipe tables (HTML tables are the pre-2023 style)",
}
ORDER = list(TEMPLATE_SECTIONS)
TEMPLATE_HEADINGS = {title.lower() for title in TEMPLATE_SECTIONS.values()} | {"event cloud source"}
SUBSTITUTIONS = {"utilize": "use", "utilizes": "uses", "utilizing": "using", "leverage": "use", "leverages": "uses",
                 "leveraging": "using", "via": "through", "whitelist": "allowlist", "blacklist": "blocklist",
                 "login": "credentials (noun) or log in (verb)", "setup": "configuration (noun) or set up (verb)"}


@dataclass(frozen=True, order=True)
class LintFinding:
    file: str
    line: int
    col: int
    rule: str
    message: str

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.rule} {self.message}"

    def github(self) -> str:
        return f"::error file={self.file},line={self.line},col={self.col}::{self.rule} {self.message}"


def lint_page(page: Page, disabled: frozenset[str] = frozenset()) -> list[LintFinding]:
    found = [f for check in CHECKS for f in check(page) if f.rule not in disabled]
    return sorted(set(found))


def _f(page: Page, line: int, col: int, rule: str, message: str) -> LintFinding:
    return LintFinding(page.path, line, col, rule, message)


def _prose_lines(page: Page) -> list[tuple[int, str]]:
    """(line number, text) of prose lines: code, comments, link targets and front matter blanked."""
    body_start = max(page.front_lines.values(), default=0) + 2 if page.front_lines else 1
    text = "\n".join(page.lines)
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = re.sub(r"^ {0,3}(```|~~~).*?^ {0,3}\1", blank, text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", blank, text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", blank, text)
    # Link targets stop at the next bracket too: `[x]([x]([x](...` stays linear instead of quadratic.
    text = re.sub(r"\]\([^()\s]*\)", lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    text = re.sub(r"https?://\S+", blank, text)
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if n >= body_start]


def _words(page: Page, pattern: re.Pattern, rule: str, say: Callable[[re.Match], str | None]) -> Iterator[LintFinding]:
    for n, line in _prose_lines(page):
        for m in pattern.finditer(line):
            message = say(m)
            if message:
                yield _f(page, n, m.start() + 1, rule, message)


def check_sections(page: Page) -> Iterator[LintFinding]:
    roles = [(b, "stream" if role_of(b.text) == "components" else role_of(b.text))
             for b in page.blocks if b.kind == "heading"]
    present = [(b, r) for b, r in roles if r in ORDER]
    seen = {r for _, r in present}
    for required in REQUIRED:
        if required not in seen:
            yield _f(page, 1, 1, "required-sections", f"no {TEMPLATE_SECTIONS[required]!r} section")
    last = -1
    for block, role in present:
        if ORDER.index(role) < last:
            yield _f(page, block.line, 1, "section-order", f"{block.text!r} comes after a section that follows it in the template")
        last = max(last, ORDER.index(role))


def check_front_matter(page: Page) -> Iterator[LintFinding]:
    if page.front_error:
        yield _f(page, 1, 1, "front-matter", page.front_error)
        return
    title = page.front.get("title")
    if not title:
        yield _f(page, 1, 1, "front-matter", "no title in the front matter")
    elif not str(title).rstrip().endswith("Source"):
        yield _f(page, page.front_lines.get("title", 1), 1, "title-source", f"title {title!r} does not end with \"Source\"")
    for key in ("beta", "private"):
        if key in page.front:
            yield _f(page, page.front_lines.get(key, 1), 1, "front-matter",
                     f"`{key}:` has no effect on source pages (the catalog status sets the Beta badge)")


def check_raw_text(page: Page) -> Iterator[LintFinding]:
    """Rules that look at the source as written (link attributes and targets included)."""
    leftovers = re.compile(r"\(delete after reading\)|<integration_name>|\[integration_name\]|yourintegration\.com")
    for n, line in enumerate(page.lines, start=1):
        for m in leftovers.finditer(line):
            yield _f(page, n, m.start() + 1, "template-leftover", f"template text left in the page: {m.group(0)}")
        # Curly quotes, and their mojibake (the template's `‚Äù` is `”` read as Mac Roman): anything not ASCII.
        for m in re.finditer(r"\{:[^{}\n]*[^\x00-\x7f{}][^{}\n]*\}", line):
            yield _f(page, n, m.start() + 1, "curly-target", f"curly quote in {m.group(0)}: kramdown drops the attribute")
        for m in re.finditer(r"\]\(([^()\s:]+@[^()\s]+)\)", line):
            yield _f(page, n, m.start(1) + 1, "mailto", f"email link ({m.group(1)}) needs mailto:")
    yield from _utm(page)


def _utm(page: Page) -> Iterator[LintFinding]:
    for p in place(page):
        if p.role != "top" or p.block.kind != "paragraph":
            continue
        for m in re.finditer(r"\]\((https?://[^()\s]+)\)", p.block.text):
            url = m.group(1)
            if "segment.com" in url:
                continue
            if not url.endswith(UTM):
                line = next((n for n in range(p.block.line, p.block.end + 1) if url in page.lines[n - 1]), p.block.line)
                yield _f(page, line, page.lines[line - 1].find(url) + 1, "utm", f"partner link {url} lacks {UTM}")
            return


def check_style(page: Page) -> Iterator[LintFinding]:
    yield from _words(page, re.compile(r"\b(we|our|ours|us|let's|we're|we've|we'll)\b", re.I), "first-person",
                      lambda m: None if m.group(0) == "US" else f"first person {m.group(0)!r}: write in the third person")
    yield from _words(page, re.compile(r"(?<![\w.])(e\.g\.|i\.e\.|eg\.|ie\.|etc\.)", re.I), "latin",
                      lambda m: f"Latin abbreviation {m.group(0)!r}: use \"for example\", \"that is\", \"and so on\"")
    # Bold text names UI elements (the **Setup** tab): the word list does not apply to it.
    yield from _words(page, re.compile(r"\*\*[^*]+\*\*|\b(" + "|".join(SUBSTITUTIONS) + r")\b|(?<=\s)&(?=\s)", re.I),
                      "substitutions", lambda m: None if m.group(0).startswith("**")
                      else f"{m.group(0)!r}: use {SUBSTITUTIONS.get(m.group(0).lower(), 'and')}")


def check_headings(page: Page) -> Iterator[LintFinding]:
    name = re.sub(r"\s+Source$", "", str(page.front.get("title", ""))).lower()
    allowed = {"segment", "source", "destination", "destinations"} | set(name.split())
    for block in page.blocks:
        if block.kind != "heading" or block.level < 2 or block.text.lower() in TEMPLATE_HEADINGS:
            continue
        words = block.text.split()
        for word in words[1:]:
            bare = word.strip("*`()[]:,")
            if bare[:1].isupper() and not bare.isupper() and bare.lower() not in allowed and not any(c.isdigit() for c in bare):
                yield _f(page, block.line, 1, "heading-case", f"heading {block.text!r} is not in sentence case ({bare!r})")
                break


def check_tables(page: Page) -> Iterator[LintFinding]:
    placed = place(page)
    events_heading = next((p.block for p in placed if p.block.kind == "heading" and p.role == "events"), None)
    events_tables = [p.block for p in placed if p.block.kind == "table" and p.role == "events"]
    if events_heading and not any(len(t.rows) > 1 for t in events_tables):
        yield _f(page, events_heading.line, 1, "events-table", "the Events section lists no events in a table")
    properties = set()
    for p in placed:
        if p.block.kind == "table" and p.role == "event_properties":
            for offset, row in enumerate(p.block.rows[1:], start=1):
                prop = re.sub(r"[`*]", "", row[0]).strip() if row else ""
                properties.add(prop)
                if prop and not SNAKE_CASE.match(prop):
                    yield _f(page, p.block.line + offset + (0 if p.block.html else 1), 1, "property-case",
                             f"property {prop!r} is not snake_case")
    for table in events_tables:
        for offset, row in enumerate(table.rows[1:], start=1):
            line = table.line + offset + (0 if table.html else 1)
            event = re.sub(r"[`*]", "", row[0]).strip() if row else ""
            if event and not is_proper_case(event):
                yield _f(page, line, 1, "event-case", f"event {event!r} is not in Proper Case")
            if properties:
                for named in re.findall(r"`([a-z][a-z0-9_]*)`", row[-1] if len(row) > 1 else ""):
                    if "_" in named and named not in properties:
                        yield _f(page, line, 1, "missing-property", f"{named!r} is named in {event!r} but not in the properties table")
    for p in placed:
        if p.block.kind == "table" and p.block.html:
            yield _f(page, p.block.line, 1, "html-table", "HTML table: write it as a pipe table (warning)")


CHECKS = (check_sections, check_front_matter, check_raw_text, check_style, check_headings, check_tables)
