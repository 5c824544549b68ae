"""Read the events and properties tables of a catalog page, pipe or HTML, for comparisons in tests."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark").enable("table")


def _clean(cell: str) -> str:
    return re.sub(r"[`*]", "", cell).strip()


def pipe_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table: a list of rows, each a list of cell texts (header row first)."""
    tables, rows, row = [], None, None
    for tok in _md.parse(text):
        if tok.type == "table_open":
            rows = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(tok.content)
        elif tok.type == "tr_close":
            rows.append(row)
            row = None
        elif tok.type == "table_close":
            tables.append(rows)
    return tables


class _HtmlTables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def html_tables(text: str) -> list[list[list[str]]]:
    parser = _HtmlTables()
    parser.feed(re.sub(r"<!--.*?-->", "", text, flags=re.S))
    return [t for t in parser.tables if t]


def shown(cell: str) -> str:
    """What a cell shows: link texts, no code or bold marks, Markdown escapes undone, whitespace collapsed."""
    text = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", cell)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", "\x00\\1", text)  # an escaped mark is text, not markup
    text = re.sub(r"[`*]", "", text).replace("\x00", "")
    return " ".join(text.split())


def every_table(text: str) -> list[list[list[str]]]:
    """Every table, pipe or HTML, in page order, as its cells show."""
    tables, pipes = [], iter(pipe_tables(text))
    for tok in _md.parse(text):
        if tok.type == "table_open":
            tables.append(next(pipes))
        elif tok.type == "html_block":
            tables += html_tables(tok.content)
    return [[[shown(c) for c in row] for row in table] for table in tables]


def named_rows(text: str, header: str) -> list[tuple[str, str]]:
    """(name, description) rows of the table whose first header cell is `header`."""
    for table in pipe_tables(text) + html_tables(text):
        cells = [_clean(c) for c in table[0]]
        if cells and cells[0] == header:
            return [(_clean(r[0]), _clean(r[-1])) for r in table[1:]]
    return []


def events(text: str) -> list[tuple[str, str]]:
    return named_rows(text, "Event Name") or named_rows(text, "Collection")


def properties(text: str) -> list[tuple[str, str]]:
    return named_rows(text, "Property Name")
