"""Lint a catalog page against Segment's partner template and style rules.

Each rule has an id (RULES documents it); a finding is `file:line:col: rule-id message`, and its message says
what to write instead. Text rules look at prose only: code spans, fenced code, link targets, HTML comments and
front matter are blanked out first, with columns preserved. Naming rules know their context (lint_naming.py);
an HTML comment silences a finding with a reason (lint_directives.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...core.segment import TEMPLATE_SECTIONS, UTM
from .lint_context import Context, context_of
from .lint_directives import directive_problems, find_directives, silenced
from .lint_naming import event_findings, heading_findings, property_findings
from .parse import Page
from .sections import role_of

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
    "heading-case": "headings in sentence case (the template's titles, event, partner and product names excepted)",
    "event-case": "event names written as prose are in Proper Case (identifiers such as call.created and object "
                  "collections are names as the source sends them)",
    "property-case": "a properties table keeps one naming convention (snake_case or camelCase)",
    "events-table": "the Events section has a table with at least one event",
    "missing-property": "properties an event description names (in backticks) are in the properties table",
    "html-table": "tables are pipe tables (HTML tables are the pre-2023 style)",
    "lint-directive": "disable comments name known rules, give a reason, and silence a finding",
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


LATIN = {"e.g.": "for example", "eg.": "for example", "i.e.": "that is", "ie.": "that is", "etc.": "and so on"}


def lint_page(page: Page, disabled: frozenset[str] = frozenset()) -> list[LintFinding]:
    ctx = context_of(page)
    directives = find_directives(page)
    # Silencing first, so a comment for a rule turned off by --disable still counts as used.
    found = [f for check in CHECKS for f in check(page, ctx)
             if not silenced(directives, f.rule, f.line) and f.rule not in disabled]
    if "lint-directive" not in disabled:
        found += [_f(page, line, col, "lint-directive", message)
                  for line, col, message in directive_problems(directives, set(RULES) - {"lint-directive"})]
    return sorted(set(found))


def _f(page: Page, line: int, col: int, rule: str, message: str) -> LintFinding:
    return LintFinding(page.path, line, col, rule, message)


def _prose_lines(page: Page, ctx: Context) -> list[tuple[int, str]]:
    """(line number, text) of prose lines: code, comments, link targets, front matter and the names in the first
    cell of events and properties tables (names as the source sends them, not prose) blanked."""
    body_start = max(page.front_lines.values(), default=0) + 2 if page.front_lines else 1
    text = "\n".join(page.lines)
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = re.sub(r"^ {0,3}(```|~~~).*?^ {0,3}\1", blank, text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", blank, text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", blank, text)
    # Link targets stop at the next bracket too: `[x]([x]([x](...` stays linear instead of quadratic.
    text = re.sub(r"\]\([^()\s]*\)", lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    text = re.sub(r"https?://\S+", blank, text)
    lines = text.splitlines()
    for table in ctx.tables:
        for line, _ in table.data:
            _blank_first_cell(lines, line - 1, table.block.html)
    return [(n, line) for n, line in enumerate(lines, start=1) if n >= body_start]


def _blank_first_cell(lines: list[str], index: int, html: bool) -> None:
    """Blank the name cell of the table row that starts on lines[index]."""
    if html:  # the row's first <td> is on its line or one of the next
        for i in range(index, min(index + 4, len(lines))):
            match = re.search(r"<t[dh][^>]*>(.*?)(</t[dh]>|$)", lines[i])
            if match:
                lines[i] = lines[i][:match.start(1)] + " " * len(match.group(1)) + lines[i][match.end(1):]
                return
        return
    match = re.match(r"^(\s*\|?)((?:[^|\\]|\\.)*)", lines[index])
    if match:
        lines[index] = match.group(1) + " " * len(match.group(2)) + lines[index][match.end():]


def _words(page: Page, lines: list[tuple[int, str]], pattern: re.Pattern, rule: str,
           say: Callable[[re.Match], str | None]) -> Iterator[LintFinding]:
    for n, line in lines:
        for m in pattern.finditer(line):
            message = say(m)
            if message:
                yield _f(page, n, m.start() + 1, rule, message)


def check_sections(page: Page, ctx: Context) -> Iterator[LintFinding]:
    roles = [(b, "stream" if role_of(b.text) == "components" else role_of(b.text))
             for b in page.blocks if b.kind == "heading"]
    present = [(b, r) for b, r in roles if r in ORDER]
    seen = {r for _, r in present}
    for required in REQUIRED:
        if required not in seen:
            yield _f(page, 1, 1, "required-sections",
                     f"no {TEMPLATE_SECTIONS[required]!r} section: add `## {TEMPLATE_SECTIONS[required]}` as the template does")
    last: tuple[int, str] | None = None
    for block, role in present:
        if last and ORDER.index(role) < last[0]:
            yield _f(page, block.line, 1, "section-order", f"{block.text!r} comes after {last[1]!r}, which follows it "
                                                           f"in the template: move it before {last[1]!r}")
        if not last or ORDER.index(role) > last[0]:
            last = (ORDER.index(role), block.text)


def check_front_matter(page: Page, ctx: Context) -> Iterator[LintFinding]:
    if page.front_error:
        yield _f(page, 1, 1, "front-matter", page.front_error)
        return
    title = page.front.get("title")
    if not title:
        yield _f(page, 1, 1, "front-matter", "no title in the front matter: write `title: <Partner> Source`")
    elif not str(title).rstrip().endswith("Source"):
        yield _f(page, page.front_lines.get("title", 1), 1, "title-source",
                 f"title {title!r} does not end with \"Source\": write 'title: {str(title).rstrip()} Source'")
    for key in ("beta", "private"):
        if key in page.front:
            yield _f(page, page.front_lines.get(key, 1), 1, "front-matter",
                     f"`{key}:` has no effect on source pages (the catalog status sets the Beta badge): remove it")


def check_raw_text(page: Page, ctx: Context) -> Iterator[LintFinding]:
    """Rules that look at the source as written (link attributes and targets included)."""
    leftovers = re.compile(r"\(delete after reading\)|<integration_name>|\[integration_name\]|yourintegration\.com")
    for n, line in enumerate(page.lines, start=1):
        for m in leftovers.finditer(line):
            yield _f(page, n, m.start() + 1, "template-leftover",
                     f"template text left in the page: {m.group(0)}: write the partner's own text, or delete it")
        # Curly quotes, and their mojibake (the template's `‚Äù` is `”` read as Mac Roman): anything not ASCII.
        for m in re.finditer(r"\{:[^{}\n]*[^\x00-\x7f{}][^{}\n]*\}", line):
            yield _f(page, n, m.start() + 1, "curly-target",
                     f"curly quote in {m.group(0)}: kramdown drops the attribute; write {{:target=\"_blank\"}}")
        for m in re.finditer(r"\]\(([^()\s:]+@[^()\s]+)\)", line):
            yield _f(page, n, m.start(1) + 1, "mailto", f"email link ({m.group(1)}) needs mailto:: write (mailto:{m.group(1)})")
    yield from _utm(page, ctx)


def _utm(page: Page, ctx: Context) -> Iterator[LintFinding]:
    for p in ctx.placed:
        if p.role != "top" or p.block.kind != "paragraph":
            continue
        for m in re.finditer(r"\]\((https?://[^()\s]+)\)", p.block.text):
            url = m.group(1)
            if "segment.com" in url:
                continue
            if not url.endswith(UTM):
                line = next((n for n in range(p.block.line, p.block.end + 1) if url in page.lines[n - 1]), p.block.line)
                fixed = url + (UTM if "?" not in url else "&" + UTM[1:])
                yield _f(page, line, page.lines[line - 1].find(url) + 1, "utm", f"partner link {url} lacks {UTM}: write {fixed}")
            return


def check_style(page: Page, ctx: Context) -> Iterator[LintFinding]:
    lines = _prose_lines(page, ctx)  # once for the three word rules
    yield from _words(page, lines, re.compile(r"\b(we|our|ours|us|let's|we're|we've|we'll)\b", re.I), "first-person",
                      lambda m: None if m.group(0) == "US" else
                      f"first person {m.group(0)!r}: write in the third person, naming who acts ({ctx.name or 'the partner'}, "
                      "Segment, or you for the reader)")
    yield from _words(page, lines, re.compile(r"(?<![\w.])(e\.g\.?|i\.e\.?|eg\.|ie\.|etc\.)(?!\w)", re.I), "latin",
                      lambda m: f"Latin abbreviation {m.group(0)!r}: write {LATIN[m.group(0).lower().rstrip('.') + '.']!r}")
    # Bold text names UI elements (the **Setup** tab): the word list does not apply to it.
    yield from _words(page, lines, re.compile(r"\*\*[^*]+\*\*|\b(" + "|".join(SUBSTITUTIONS) + r")\b|(?<=\s)&(?=\s)", re.I),
                      "substitutions", lambda m: None if m.group(0).startswith("**")
                      else f"{m.group(0)!r}: write {SUBSTITUTIONS.get(m.group(0).lower(), 'and')}")


def check_headings(page: Page, ctx: Context) -> Iterator[LintFinding]:
    for line, message in heading_findings(page, ctx, TEMPLATE_HEADINGS):
        yield _f(page, line, 1, "heading-case", message)


def check_naming(page: Page, ctx: Context) -> Iterator[LintFinding]:
    for line, message in event_findings(ctx):
        yield _f(page, line, 1, "event-case", message)
    for line, message in property_findings(ctx):
        yield _f(page, line, 1, "property-case", message)


def check_tables(page: Page, ctx: Context) -> Iterator[LintFinding]:
    events_heading = next((p.block for p in ctx.placed if p.block.kind == "heading" and p.role == "events"), None)
    events_tables = [t for t in ctx.tables if t.role == "events"]
    if events_heading and not any(t.data for t in events_tables):
        yield _f(page, events_heading.line, 1, "events-table",
                 "the Events section lists no events in a table: add a table of | Event Name | Description |")
    properties = {re.sub(r"[`*]", "", row[0]).strip() for t in ctx.tables if t.role == "event_properties"
                  for _, row in t.data if row}
    for table in events_tables if properties else ():
        for line, row in table.data:
            event = re.sub(r"[`*]", "", row[0]).strip() if row else ""
            for named in re.findall(r"`([a-z][a-z0-9_]*)`", row[-1] if len(row) > 1 else ""):
                if "_" in named and named not in properties:
                    yield _f(page, line, 1, "missing-property", f"{named!r} is named in {event!r} but not in the "
                                                                f"properties table: add a `{named}` row to it")
    for p in ctx.placed:
        if p.block.kind == "table" and p.block.html:
            yield _f(page, p.block.line, 1, "html-table", "HTML table: write it as a pipe table (| Name | Description |), "
                                                          "as the template does (warning)")


CHECKS = (check_sections, check_front_matter, check_raw_text, check_style, check_headings, check_naming, check_tables)
