"""Inline silencing, as linters do it: an HTML comment (invisible on the published page) names the rules it
silences and why.

    <!-- srcfn-lint disable-next-line event-case -- Aircall's own event names -->
    <!-- srcfn-lint disable heading-case -- the steps are titled as in Aircall's app -->

`disable-next-line` covers the next non-blank line, `disable` the whole page. A comment without a reason, naming
an unknown rule or silencing nothing is itself a finding (`lint-directive`), so silencing stays honest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .parse import Page

_DIRECTIVE = re.compile(r"<!--\s*srcfn-lint\s+(?P<kind>disable-next-line|disable)\b(?P<body>.*?)-->", re.S)


@dataclass
class Directive:
    line: int                 # where the comment starts
    col: int
    target: int | None        # the line it covers; None: the whole page
    rules: tuple[str, ...]
    reason: str
    used: bool = False


def find_directives(page: Page) -> list[Directive]:
    text = "\n".join(page.lines)
    found = []
    for match in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        names, _, reason = match.group("body").partition("--")
        rules = tuple(r for r in re.split(r"[\s,]+", names.strip()) if r)
        target = None
        if match.group("kind") == "disable-next-line":
            end = text.count("\n", 0, match.end()) + 1
            target = next((n for n in range(end + 1, len(page.lines) + 1) if page.lines[n - 1].strip()), end + 1)
        found.append(Directive(line, col, target, rules, " ".join(reason.split())))
    return found


def silenced(directives: list[Directive], rule: str, line: int) -> bool:
    """Whether a directive silences this finding (and mark the ones that do as used)."""
    hit = False
    for directive in directives:
        if rule in directive.rules and directive.reason and directive.target in (None, line):
            directive.used = hit = True
    return hit


def directive_problems(directives: list[Directive], known: set[str]) -> list[tuple[int, int, str]]:
    """(line, col, message) for each comment that cannot silence honestly."""
    problems = []
    for d in directives:
        example = f"<!-- srcfn-lint {'disable' if d.target is None else 'disable-next-line'} " \
                  f"{', '.join(d.rules) or 'RULE'} -- why the page keeps it -->"
        unknown = [r for r in d.rules if r not in known]
        if not d.rules or not d.reason:
            problems.append((d.line, d.col, f"a disable comment names the rules it silences and why: write {example}"))
        elif unknown:
            problems.append((d.line, d.col, f"unknown rule {unknown[0]!r} in a disable comment; rules: "
                                            + ", ".join(sorted(known))))
        elif not d.used:
            where = "on the page" if d.target is None else f"on line {d.target}"
            problems.append((d.line, d.col, f"this comment silences {', '.join(d.rules)} but no such finding is "
                                            f"{where}: remove the comment"))
    return problems
