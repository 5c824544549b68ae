"""A catalog page as front matter plus a flat list of top-level blocks, each with its page line.

markdown-it-py does the Markdown; this module only names what catalog pages use: headings (a paragraph that
is only bold text, like `**Stream**`, counts as a level-3 heading), pipe tables, pre-2023 HTML tables,
callouts (`> info "Title"`), Liquid includes, paragraphs and lists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from ...core.documents import load_text
from ...core.findings import InputError
from ..markdown import liquid_text

_md = MarkdownIt("commonmark").enable("table")
_CALLOUT = re.compile(r'^(info|success|warning|error)\s+"([^"]*)"\s*$')
_INCLUDE = re.compile(r"^\{%\s*include\s+(\S+)\s*%\}$")
_BOLD_ONLY = re.compile(r"^\*\*([^*]+)\*\*$")


@dataclass
class Block:
    kind: str        # heading | paragraph | list | table | callout | include | other
    line: int        # first page line (1-based)
    end: int         # last page line
    text: str = ""   # heading title, paragraph source, callout body, include name
    level: int = 0   # heading level
    title: str = ""  # callout title; callout type in `kind_detail`
    detail: str = ""
    rows: list[list[str]] = field(default_factory=list)  # tables: header row first
    html: bool = False
    row_lines: list[int] = field(default_factory=list)  # tables: the page line of each row
    th: bool = False  # HTML tables: the first row is of <th> cells


@dataclass
class Page:
    path: str
    lines: list[str]
    front: dict
    front_lines: dict[str, int]
    front_error: str | None
    blocks: list[Block]

    def source(self, block: Block) -> str:
        return "\n".join(self.lines[block.line - 1:block.end])


def parse_page(text: str, path: str) -> Page:
    lines = text.splitlines()
    front, front_lines, error, offset = _front_matter(lines)
    body = liquid_text("\n".join(lines[offset:]))  # a `{{` srcfn wrote as `{% raw %}{{{% endraw %}` reads as `{{`
    return Page(path, lines, front, front_lines, error, list(_blocks(body, offset)))


def _front_matter(lines: list[str]) -> tuple[dict, dict[str, int], str | None, int]:
    if not lines or lines[0].strip() != "---":
        return {}, {}, None, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, {}, "front matter opened with --- is never closed", 0
    keys = {m.group(1): i + 1 for i, line in enumerate(lines[:end]) if (m := re.match(r"^([A-Za-z_][\w-]*)\s*:", line))}
    text = "\n".join(lines[1:end])
    if not text.strip():
        return {}, keys, None, end + 1
    try:  # srcfn's document reader: its limits (depth, aliases, numbers) hold for front matter too
        value = load_text(text, "front matter").value
    except InputError as exc:
        message = exc.findings[0].message.removeprefix("invalid YAML: ")
        return {}, keys, f"front matter is not valid YAML: {message}", end + 1
    if not isinstance(value, dict):
        return {}, keys, "front matter must be a mapping of keys", end + 1
    return value, keys, None, end + 1


def _blocks(body: str, offset: int):
    tokens = _md.parse(body)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        start, end = (tok.map[0] + 1 + offset, tok.map[1] + offset) if tok.map else (offset + 1, offset + 1)
        if tok.level != 0:
            i += 1
            continue
        if tok.type == "heading_open":
            yield Block("heading", start, end, text=tokens[i + 1].content.strip(), level=int(tok.tag[1]))
        elif tok.type == "paragraph_open":
            content = tokens[i + 1].content.strip()
            bold, include = _BOLD_ONLY.match(content), _INCLUDE.match(content)
            if bold:
                yield Block("heading", start, end, text=bold.group(1).strip(), level=3)
            elif include:
                yield Block("include", start, end, text=include.group(1))
            else:
                yield Block("paragraph", start, end, text=content)
        elif tok.type == "table_open":
            close = _closing(tokens, i, "table_close")
            rows, lines = _pipe_rows(tokens[i:close], offset)
            yield Block("table", start, end, rows=rows, row_lines=lines)
            i = close
        elif tok.type == "blockquote_open":
            close = _closing(tokens, i, "blockquote_close")
            yield _quote(tokens[i:close], start, end)
            i = close
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            close = _closing(tokens, i, tok.type.replace("_open", "_close"))
            yield Block("list", start, end, text=tok.type.split("_")[0])
            i = close
        elif tok.type == "html_block":
            rows, lines, th = html_table(tok.content)
            yield Block("table", start, end, rows=rows, html=True, row_lines=[start + n - 1 for n in lines],
                        th=th) if rows else Block("other", start, end, text=tok.content)
        elif tok.type in ("fence", "code_block", "hr"):
            yield Block("other", start, end, text=tok.content)
        i += 1


def _closing(tokens, i: int, kind: str) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == tokens[i].type:
            depth += 1
        elif tokens[j].type == kind:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _pipe_rows(tokens, offset: int) -> tuple[list[list[str]], list[int]]:
    rows, row, lines = [], None, []
    for tok in tokens:
        if tok.type == "tr_open":
            row = []
            lines.append(tok.map[0] + 1 + offset)
        elif tok.type == "inline" and row is not None:
            row.append(tok.content.strip())
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows, lines


def _quote(tokens, start: int, end: int) -> Block:
    inlines = [t.content for t in tokens if t.type == "inline"]
    first = inlines[0].split("\n", 1) if inlines else [""]
    match = _CALLOUT.match(first[0].strip())
    if not match:
        return Block("other", start, end, text="\n".join(inlines))
    body = "\n\n".join(([first[1]] if len(first) > 1 else []) + inlines[1:]).strip()
    return Block("callout", start, end, text=body, title=match.group(2), detail=match.group(1))


class _HtmlTable(HTMLParser):
    """Rows of <table> elements: each cell's text, with the inline markup cells use written as Markdown (code, links,
    bold, italics, line breaks), and whether a row is made of <th> cells."""
    MARKS = {"code": "`", "b": "**", "strong": "**", "em": "*", "i": "*"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.lines: list[int] = []
        self.headers: list[bool] = []
        self.cell: str | None = None
        self.href: str | None = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
        elif tag == "tr" and self.depth:
            self.rows.append([])
            self.lines.append(self.getpos()[0])
            self.headers.append(True)
        elif tag in ("td", "th") and self.rows:
            self.cell = ""
            self.headers[-1] &= tag == "th"
        elif self.cell is not None:
            if tag in self.MARKS:
                self.cell += self.MARKS[tag]
            elif tag == "br":
                self.cell += "<br>"
            elif tag == "a":
                self.href = dict(attrs).get("href")
                self.cell += "[" if self.href else ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.depth -= 1
        elif self.cell is not None and tag in self.MARKS:
            self.cell += self.MARKS[tag]
        elif self.cell is not None and tag == "a" and self.href:
            self.cell += f"]({self.href})"
            self.href = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def html_table(html: str) -> tuple[list[list[str]], list[int], bool]:
    """Rows of the tables of an HTML block (comments ignored), the line of the block each row starts on, and
    whether the first row is of <th> cells (a header row may also be <td>, even bold)."""
    cleaned = re.sub(r"<!--.*?(-->|$)", lambda m: "\n" * m.group(0).count("\n"), html, flags=re.S)
    if "<table" not in cleaned.lower():
        return [], [], False
    parser = _HtmlTable()
    parser.feed(cleaned)
    kept = [(row, line, th) for row, line, th in zip(parser.rows, parser.lines, parser.headers) if row]
    rows = [[re.sub(r"\s+", " ", c) for c in row] for row, _, _ in kept]
    return rows, [line for _, line, _ in kept], bool(kept) and kept[0][2]
