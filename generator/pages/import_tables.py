"""The tables of a catalog page's Events and Event Properties sections → events, properties and the spec's `page`
layout that regenerates them row for row, cell for cell: column titles and order, extra columns, Type as schema
type, tables per event or grouped under headings, names and descriptions exactly as the page writes them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...core.segment import COLLECTION_PATTERN
from .parse import Block, Page
from .sections import Placed

# First header cells that name a table's name column; a first row without one is a row of data.
_NAME_HEADERS = {"event", "name", "collection", "property", "properties", "parameter", "attribute", "trait", "field",
                 "key", "object", "event type"}
_JSON_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean", "object": "object",
               "array": "array", "null": "null", "float": "number", "double": "number", "int": "integer",
               "bool": "boolean"}
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_COLLECTION = re.compile(COLLECTION_PATTERN)


@dataclass
class Column:
    show: str | None
    title: str
    index: int


@dataclass
class Table:
    block: Block
    role: str             # events | event_properties
    title: str | None     # the heading over it, since the previous table
    intro: str | None     # Markdown between that heading (or the previous table) and the table
    header: bool          # whether its first row is a header
    level: int = 3        # the level of the heading over it
    columns: list[Column] = field(default_factory=list)

    @property
    def data(self) -> list[tuple[int, list[str]]]:
        """(page line, cells) of each data row."""
        first = 1 if self.header else 0
        return list(zip(self.block.row_lines[first:], self.block.rows[first:]))


def fits(text: str) -> bool:
    """Whether text fits a spec `line` (a name, a title): one line of at most 200 characters."""
    return 0 < len(text) <= 200 and text == text.strip() and not re.search(r"[\r\n\u2028\u2029]", text)


def _unescape(text: str) -> str:
    """Markdown source → the text it shows: backslash escapes undone (`IDENTIFY\\_USER` is IDENTIFY_USER)."""
    return _ESCAPED.sub(r"\1", text)


def plain(cell: str) -> str:
    """A cell's text without markup: links to their text, code and bold marks dropped, escapes undone."""
    text = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", cell)
    text = re.sub(r"(?<!\\)[`*]", "", text)
    return " ".join(_unescape(text).split())


def cell_markdown(cell: str) -> str:
    """A cell's Markdown as the spec keeps it: one line, the table's own `\\|` escape undone."""
    return " ".join(cell.replace("\\|", "|").split())


def find_tables(page: Page, placed: list[Placed]) -> list[Table]:
    """The tables of the Events and Event Properties sections, each with the heading and prose leading to it."""
    tables: list[Table] = []
    title, lead, role, level = None, [], None, 3
    for p in placed:
        if p.role != role:
            title, lead, role = None, [], p.role
        block = p.block
        if block.kind == "heading" and block.level >= 3:
            title, lead, level = plain(block.text), [], block.level
        elif block.kind == "heading":
            title, lead = None, []
        elif block.kind == "table" and role in ("events", "event_properties") and block.rows:
            first = not any(t.role == role for t in tables)
            intro = "\n\n".join(page.source(b) for b in lead).strip() if (title or not first) and lead else None
            tables.append(_table(block, role, title, intro, level if title else 3))
            title, lead = None, []
        elif block.kind in ("paragraph", "list", "callout", "other"):
            lead.append(block)
    return tables


def _table(block: Block, role: str, title: str | None, intro: str | None, level: int) -> Table:
    first = [plain(c).lower() for c in block.rows[0]]
    bold = all(re.fullmatch(r"\*\*[^*]+\*\*", c.strip()) for c in block.rows[0])
    header = not block.html or block.th or bold or first[0] in _NAME_HEADERS or first[0].endswith(" name")
    table = Table(block, role, title, intro, header, level)
    titles = [plain(c) for c in block.rows[0]] if header else []
    is_properties = role == "event_properties" or bool(first and first[0].startswith(("propert", "parameter")))
    table.role = "event_properties" if header and is_properties else role
    width = max(len(r) for r in block.rows)
    described = next((i for i, t in enumerate(titles) if "description" in t.lower()), None)
    if described is None and width > 1:
        described = width - 1 if not titles or titles[-1].lower() not in ("type",) else None
    for i in range(width):
        name = titles[i] if i < len(titles) and titles[i] else None
        if i == 0:
            show = "name"
        elif i == described:
            show = "description"
        elif name and name.lower() == "type":
            show = "type" if table.role == "event_properties" else "kind" if _kinds(block, i, header) else None
        else:
            show = None
        table.columns.append(Column(show, name or _default_title(show, table.role, i), i))
    return table


def _kinds(block: Block, index: int, header: bool) -> bool:
    values = {plain(r[index]).lower() for r in block.rows[1 if header else 0:] if index < len(r)}
    return values <= {"event", "object"}


def _default_title(show: str | None, role: str, index: int) -> str:
    if show == "name":
        return "Event Name" if role == "events" else "Property Name"
    return "Description" if show == "description" else f"Column {index + 1}"


def _json_types(cell: str) -> list[str] | None:
    """The JSON types a Type cell names (`String`, `number, string`), or None when it says something else."""
    words = [w.strip().lower() for w in re.split(r",|/|\bor\b", plain(cell))]
    types = [_JSON_TYPES.get(w) for w in words]
    return None if not words or None in types else list(dict.fromkeys(types))


def _is_collection(name: str) -> bool:
    return bool(_COLLECTION.match(name))


@dataclass
class Carried:
    """What the tables say, in spec terms."""
    events: list[dict] = field(default_factory=list)         # spec event entries (name, description, cells ...)
    lines: dict[str, int] = field(default_factory=dict)      # event name → page line
    properties: dict[str, dict] = field(default_factory=dict)
    page: dict = field(default_factory=dict)                 # the spec's `page` block ({} for the template's)
    lists: dict[str, list[str]] = field(default_factory=dict)  # event name → the properties its own table lists
    common: list[str] = field(default_factory=list)          # properties of the tables tied to no event


def carry(tables: list[Table], todo) -> Carried:
    out = Carried()
    event_tables = [t for t in tables if t.role == "events"]
    property_tables = [t for t in tables if t.role == "event_properties"]
    groups = [_event_group(t, out, todo) for t in event_tables]
    if event_tables:
        _layout(out.page, "events", event_tables, [g for g in groups if g["events"]], "Event Name")
    prop_groups = [_property_group(t, out, todo) for t in property_tables]
    if property_tables:
        _layout(out.page, "properties", property_tables, [g for g in prop_groups if g["properties"]], "Property Name")
    names = {e["name"] for e in out.events if "name" in e}
    for table, group in zip(property_tables, prop_groups):
        event = _event_named(table.title, names)
        keys = [r if isinstance(r, str) else r["name"] for r in group["properties"]]
        into = out.lists.setdefault(event, []) if event else out.common
        into.extend(k for k in dict.fromkeys(keys) if k not in into)
    if _per_event(out.page.get("properties", {}), [e["name"] for e in out.events if "name" in e]):
        layout = out.page["properties"]
        layout["layout"] = "per_event"
        del layout["groups"]
    return out


def _per_event(layout: dict, events: list[str]) -> bool:
    """Whether the property groups are exactly one table per event, under its name, in event order: the spec then
    says `layout: per_event` and lists each event's properties, instead of spelling the tables out."""
    groups = layout.get("groups", [])
    titles = [g.get("title") for g in groups]
    plain_rows = all(isinstance(r, str) for g in groups for r in g["properties"])
    no_repeats = all(len(set(g["properties"])) == len(g["properties"]) for g in groups if plain_rows)
    in_order = [e for e in events if e in titles] == titles
    return bool(groups) and plain_rows and no_repeats and in_order and len(set(titles)) == len(titles) and \
        all(set(g) == {"title", "properties"} for g in groups)


def _layout(page: dict, key: str, tables: list[Table], groups: list[dict], name_title: str) -> None:
    """The page block for these tables: nothing when they are the template's (one table, two template columns) or
    list nothing."""
    if not groups:
        return
    columns = groups[0]["columns"]
    template = [{"show": "name", "title": name_title}, {"show": "description", "title": "Description"}]
    for group in groups:
        if group.get("columns") == columns:
            del group["columns"]
    layout: dict = {"columns": columns} if columns != template else {}
    if len(groups) > 1 or any(k in groups[0] for k in ("title", "intro", "columns")):
        layout["groups"] = groups
        level = next((t.level for t in tables if t.title), 3)
        if level != 3:
            layout["level"] = level
    if layout:
        page[key] = layout


def _columns(table: Table, todo=None) -> list[dict]:
    """The table's columns as the spec writes them; a header too long for a title gets the default one."""
    columns = []
    for c in table.columns:
        title = c.title if fits(c.title) else _default_title(c.show, table.role, c.index)
        if title != c.title and todo:
            todo(table.block.line, "/page", f"column {c.index + 1}'s header is longer than a title (200 characters): "
                                            f"titled {title!r}")
        columns.append({"show": c.show, "title": title} if c.show else {"title": title})
    return columns


def _group_head(table: Table, todo) -> dict:
    """A group's title and intro; a title too long for one is reported and left out."""
    if table.title and not fits(table.title):
        todo(table.block.line, "/page", "the heading over this table is longer than a title (200 characters): left out")
    return {k: v for k, v in (("title", table.title if table.title and fits(table.title) else None),
                              ("intro", table.intro)) if v}


def _event_named(title: str | None, names: set[str]) -> str | None:
    """The event a property table's heading names: exactly, or as its first words (`Zone Entered (Geofence)`)."""
    if not title:
        return None
    return next((n for n in sorted(names, key=len, reverse=True) if title == n or title.startswith(n + " ")), None)


def _free_cells(table: Table, row: list[str]) -> dict:
    return {c.title: cell_markdown(row[c.index]) for c in table.columns
            if c.show is None and c.index < len(row)}


def _event_group(table: Table, out: Carried, todo) -> dict:
    group = _group_head(table, todo)
    group["columns"] = _columns(table, todo)
    group["events"] = []
    kind = next((c for c in table.columns if c.show == "kind"), None)
    for line, row in table.data:
        name = plain(row[0]) if row else ""
        if not name:
            todo(line, "/events", "a row without a name: left out")
            continue
        if not fits(name):
            todo(line, "/events", f"the name {name[:40]!r}... is longer than an event name (200 characters): left out")
            continue
        if name in out.lines:
            todo(line, "/events", f"{name!r} is listed twice (first on line {out.lines[name]}): kept the first")
            continue
        description = _cell_of(table, "description", row) or ""
        if not description:
            todo(line, "/events", f"{name!r} has no description: wrote a TODO")
        entry: dict = {"name": name, "description": description or "TODO: describe it"}
        cells = _free_cells(table, row)
        if kind and kind.index < len(row):
            value = cell_markdown(row[kind.index])
            if plain(value).lower() == "object":
                if not _is_collection(name):
                    todo(line, "/events", f"object collection {name!r} is not a collection name (lowercase, digits "
                                          "and _): left out")
                    continue
                entry = {"call": "set", "collection": name, "description": entry["description"]}
            if value not in ("Event", "Object"):
                cells[kind.title] = value
        if cells:
            entry["cells"] = cells
        out.events.append(entry)
        out.lines[name] = line
        group["events"].append(name)
    return group


def _property_group(table: Table, out: Carried, todo) -> dict:
    group = _group_head(table, todo)
    group["columns"] = _columns(table, todo)
    group["properties"] = []
    for line, row in table.data:
        raw_name = cell_markdown(row[0]) if row else ""
        name = plain(raw_name)
        if not name:
            todo(line, "/properties", "a row without a name: left out")
            continue
        if len(name) > 255 or (property_key(name) != name and not fits(raw_name)):
            todo(line, "/properties", f"the name {name[:40]!r}... is longer than a property name (255 characters, or "
                                      "200 when it is not a key): left out")
            continue
        key = property_key(name)
        while key in out.properties and _shown_name(out.properties[key], key) != name:
            key = key[:253] + "_2"
        cells = _free_cells(table, row)
        if key not in out.properties:
            out.properties[key] = _new_property(table, row, raw_name, key, cells, lambda m: todo(line, "/properties", m))
            group["properties"].append(key)
        else:
            group["properties"].append(_repeat_row(table, row, key, out.properties[key], cells))
    return group


def _cell_of(table: Table, show: str, row: list[str]) -> str | None:
    column = next((c for c in table.columns if c.show == show), None)
    return cell_markdown(row[column.index]) if column and column.index < len(row) else None


def _new_property(table: Table, row: list[str], raw_name: str, key: str, cells: dict, report) -> dict:
    """A property as its first row says: description, label when the name is not its key, schema type and cells."""
    description = _cell_of(table, "description", row)
    if not description:
        report(f"{key!r} has no description: wrote a TODO")
    prop: dict = {"description": description or "TODO: describe it"}
    if plain(raw_name) != key:
        prop["label"] = raw_name
    given = _cell_of(table, "type", row)
    types = _json_types(given) if given is not None else None
    if types:
        prop["schema"] = {"type": types[0] if len(types) == 1 else types}
    if given is not None and (not types or ", ".join(types) != given):
        cells[next(c.title for c in table.columns if c.show == "type")] = given
    return prop | ({"cells": cells} if cells else {})


def _repeat_row(table: Table, row: list[str], key: str, prop: dict, cells: dict) -> str | dict:
    """A later row of a property: its name, or {name, description, cells} where it says something else."""
    shown = dict(prop.get("cells", {}))
    given = _cell_of(table, "type", row)
    typed = next((c for c in table.columns if c.show == "type"), None)
    if typed and given is not None and shown.get(typed.title, _shown_type(prop)) != given:
        cells[typed.title] = given
    own = {k: v for k, v in cells.items() if shown.get(k) != v}
    description = _cell_of(table, "description", row)
    entry: dict = {"name": key}
    if description and description != prop["description"]:
        entry["description"] = description
    if own:
        entry["cells"] = own
    return entry if len(entry) > 1 else key


def _shown_name(prop: dict, key: str) -> str:
    return plain(prop["label"]) if "label" in prop else key


def _shown_type(prop: dict) -> str:
    declared = prop.get("schema", {}).get("type")
    return ", ".join(declared) if isinstance(declared, list) else declared or ""


def property_key(name: str) -> str:
    """A spec property name for a table row's name: itself when it is one, else its words joined by `_`."""
    if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$.-]*", name):
        return name[:255]
    fitted = re.sub(r"[^A-Za-z0-9_$.-]+", "_", name).strip("_")
    fitted = fitted if re.match(r"[A-Za-z_$]", fitted) else "_" + fitted
    return fitted[:255]
