"""Markdown building blocks; spec text is escaped here, never in a template."""
from __future__ import annotations

import re

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_PLAIN_YAML = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]*$")


_LIQUID = re.compile(r"\{[{%]")
RAW_OPEN, RAW_CLOSE = "{% raw %}", "{% endraw %}"


def liquid_safe(text: str) -> str:
    """Spec text as Jekyll shows it without running it: segment-docs renders pages with Liquid before Markdown,
    so `{{` and `{%` in spec text would execute (or swallow the page). Each becomes literal text inside a raw tag,
    which works in prose, tables, links and code spans alike."""
    return _LIQUID.sub(lambda m: f"{RAW_OPEN}{m.group(0)}{RAW_CLOSE}", text)


def liquid_text(text: str) -> str:
    """What `liquid_safe` wrote, as the page shows it (for reading generated pages back)."""
    return text.replace(RAW_OPEN + "{{" + RAW_CLOSE, "{{").replace(RAW_OPEN + "{%" + RAW_CLOSE, "{%")


def inline(text: str) -> str:
    """Plain text (a name) made safe inside Markdown prose; `cell` adds what tables need."""
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def code(text: str) -> str:
    """`text` as a code span, with a fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell(markdown: str) -> str:
    """Markdown text made safe for one table cell: pipes escaped, line breaks as <br>."""
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", markdown.strip())]
    return "<br>".join(lines).replace("|", "\\|")


def cell_text(text: str) -> str:
    """Plain text (an event name) for a table cell, escaped only where Markdown would read markup, so the page's
    source keeps the name as written (`IDENTIFY_USER`, not `IDENTIFY\\_USER`); `cell` escapes the pipes."""
    return _CELL_SPECIAL.sub(r"\\\1", text)


# Backslash, code, emphasis and link openers; `_` only where it can open or close emphasis (not inside a word);
# `<` only where it can open a tag.
_CELL_SPECIAL = re.compile(r"([\\`*\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|<(?=[A-Za-z/!?]))")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A pipe table with leading pipes and padded columns (cells must already be escaped)."""
    count = len(headers)
    widths = [max([len(headers[i])] + [len(r[i]) for r in rows]) for i in range(count)]
    lines = ["| " + " | ".join(headers[i].ljust(widths[i]) for i in range(count)) + " |",
             "| " + " | ".join("-" * widths[i] for i in range(count)) + " |"]
    lines += ["| " + " | ".join(r[i].ljust(widths[i]) for i in range(count)) + " |" for r in rows]
    return "\n".join(lines)


def quote_block(text: str) -> str:
    """Prefix every line with `> ` (an empty line with `>`), as callouts need."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def yaml_scalar(text: str) -> str:
    """A front matter value: plain when unambiguous, else single-quoted."""
    return text if _PLAIN_YAML.match(text) else "'" + text.replace("'", "''") + "'"


def join_words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c` (Segment's style omits the serial comma in lists like these)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Block constructs that run to their closing marker, not to the next blank line (CommonMark HTML block types
# 1-5, and code fences): left open in spec text they swallow the rest of the page, tables included.
_RAW_TAGS = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)", re.IGNORECASE)
_OPENERS = ((re.compile(r"^ {0,3}<!--"), "-->", "HTML comment '<!--'"),
            (re.compile(r"^ {0,3}<\?"), "?>", "processing instruction '<?'"),
            (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>", "CDATA section"),
            (re.compile(r"^ {0,3}<![A-Za-z]"), ">", "declaration '<!'"))
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def unclosed_block(text: str) -> str | None:
    """Describe the first block construct `text` opens and never closes, or None."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        raw, fence = _RAW_TAGS.match(line), _FENCE.match(line)
        opener = next(((closer, what) for pattern, closer, what in _OPENERS if pattern.match(line)), None)
        if raw:
            closer, what = f"</{raw.group(1).lower()}>", f"'<{raw.group(1)}>' block"
            if not any(closer in later.lower() for later in lines[i:]):
                return f"unclosed {what} (no {closer}) would swallow the rest of the page"
        elif opener:
            closer, what = opener
            rest_of_line = line[line.index("<") + 2:]
            if not any(closer in later for later in [rest_of_line] + lines[i + 1:]):
                return f"unclosed {what} (no '{closer}') would swallow the rest of the page"
        elif fence:
            mark = fence.group(1)
            close = next((j for j in range(i + 1, len(lines))
                          if re.match(rf"^ {{0,3}}{mark[0]}{{{len(mark)},}}\s*$", lines[j])), None)
            if close is None:
                return f"unclosed code fence '{mark}' would swallow the rest of the page"
            i = close
        i += 1
    return None
