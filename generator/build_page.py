"""The spec's `page` block → the page's tables (model.Layout): which rows each table lists, under which columns.

Every name a layout gives must exist, and every event and property must land in a table: a layout that would
leave a row off the page is a located error, never a shorter page.
"""
from __future__ import annotations

from ..core.findings import Collector, pointer_join
from . import model as m
from .build_calls import describe_value

NAME_TITLES = {"events": "Event Name", "properties": "Property Name", "traits": "Trait Name", "collections": "Collection"}
# What each table can compute; a column without `show` shows each row's `cells` (traits have none).
SHOWS = {"events": {"name", "description", "kind", None}, "collections": {"name", "description", None},
         "properties": {"name", "description", "type", "required", "example", None}, "traits": {"name", "description"}}


def _default_columns(table: str) -> tuple[m.Column, ...]:
    return m.Column("name", NAME_TITLES[table]), m.Column("description", "Description")


def build_layout(raw: dict, calls: list[m.Call], properties: dict[str, m.Property], out: Collector) -> m.Layout:
    page = raw.get("page", {})
    events = page.get("events", {})
    event_columns = _columns(events, "/page/events", "events", out)
    kinds = any(c.get("show") == "kind" for c in events.get("columns", []) +
                [c for g in events.get("groups", []) for c in g.get("columns", [])])
    props = page.get("properties", {})
    prop_columns = _columns(props, "/page/properties", "properties", out)
    return m.Layout(
        events=_event_tables(events, event_columns, calls, kinds, out), events_level=events.get("level", 3),
        properties=_property_tables(props, prop_columns, calls, properties, out),
        properties_level=props.get("level", 3),
        traits=_columns(page.get("traits", {}), "/page/traits", "traits", out),
        collections=None if kinds else _columns(page.get("collections", {}), "/page/collections", "collections", out))


def _columns(raw: dict, ptr: str, table: str, out: Collector) -> tuple[m.Column, ...]:
    if "columns" not in raw:
        return _default_columns(table)
    columns = tuple(m.Column(c.get("show"), c["title"]) for c in raw["columns"])
    for i, column in enumerate(columns):
        at = pointer_join(ptr, "columns", i)
        if column.show not in SHOWS[table]:
            what = f"`show: {column.show}`" if column.show else "a column of per-row cells (no `show`)"
            out.add(at, f"the {table} table cannot have {what}; it can show "
                        + ", ".join(sorted(s for s in SHOWS[table] if s)))
        if column.title in [c.title for c in columns[:i]]:
            out.add(pointer_join(at, "title"), f"two columns are titled {column.title!r}: rows name their cells by title")
    if [c.show for c in columns].count("name") != 1:
        out.add(pointer_join(ptr, "columns"), "needs exactly one column with `show: name`")
    if [c.show for c in columns].count("description") > 1:
        out.add(pointer_join(ptr, "columns"), "has more than one column with `show: description`")
    return columns


def event_rows(calls: list[m.Call], kinds: bool) -> dict[str, m.Call]:
    """The Events table's rows by label, first call first: track events, and set collections when the table has a
    kind column; a computed name or collection is labelled by what computes it."""
    rows: dict[str, m.Call] = {}
    for call in calls:
        if call.kind == "track" or (call.kind == "set" and kinds):
            rows.setdefault(row_label(call), call)
    return rows


def row_label(call: m.Call) -> str:
    static = call.name if call.kind == "track" else call.collection
    if static is not None:
        return static
    return f"(computed: {describe_value(call.name_from if call.kind == 'track' else dict(call.fields)['collection'])})"


def _event_tables(raw: dict, columns: tuple[m.Column, ...], calls: list[m.Call], kinds: bool,
                  out: Collector) -> tuple[m.Table, ...]:
    rows = event_rows(calls, kinds)
    if "groups" not in raw:
        for call in rows.values():
            _check_cells(call.cells, columns, call.pointer + "/cells", "the events table", out)
        return (m.Table(None, None, columns, tuple(m.Row(n) for n in rows)),) if rows else ()
    placed: dict[str, str] = {}
    tables = []
    for i, group in enumerate(raw["groups"]):
        ptr = f"/page/events/groups/{i}"
        own = _columns(group, ptr, "events", out) if "columns" in group else columns
        for j, name in enumerate(group["events"]):
            if name not in rows:
                known = "an event name" + (" or a set collection" if kinds else "")
                out.add(f"{ptr}/events/{j}", f"{name!r} is not {known} of this spec")
                continue
            if name in placed:
                out.add(f"{ptr}/events/{j}", f"{name!r} is already in {placed[name]}")
            placed.setdefault(name, ptr)
            _check_cells(rows[name].cells, own, rows[name].pointer + "/cells", f"the table of {ptr}", out)
        tables.append(m.Table(group.get("title"), group.get("intro"), own, tuple(m.Row(n) for n in group["events"])))
    for name in rows:
        if name not in placed:
            out.add("/page/events/groups", f"event {name!r} is in no group: the page would not list it; add it to a "
                                           "group's `events`")
    return tuple(tables)


def _property_tables(raw: dict, columns: tuple[m.Column, ...], calls: list[m.Call],
                     properties: dict[str, m.Property], out: Collector) -> tuple[m.Table, ...]:
    for name, prop in properties.items():
        _check_cells(prop.cells, columns + tuple(c for g in raw.get("groups", []) for c in _group_columns(g, columns)),
                     pointer_join("/properties", name, "cells"), "any properties table", out)
    if not properties:
        if raw.get("groups") or raw.get("layout") == "per_event":
            out.add("/page/properties", "lays out properties, but the spec declares none")
        return ()
    if raw.get("layout") == "per_event" and "groups" in raw:
        out.add("/page/properties", "`layout: per_event` and `groups` exclude each other: per_event makes the groups")
        return ()
    if raw.get("layout") == "per_event":
        tables = _per_event(columns, calls)
    elif "groups" in raw:
        tables = _groups(raw["groups"], columns, calls, properties, out)
    else:
        return (m.Table(None, None, columns, tuple(m.Row(n) for n in properties)),)
    listed = {r.name for t in tables for r in t.rows}
    for name in properties:
        if name not in listed:
            why = "no event lists it; list it in an event's `properties`" if raw.get("layout") == "per_event" \
                else "it is in no group; add it to a group's `properties`"
            out.add(pointer_join("/properties", name), f"property {name!r} would not be on the page: {why}")
    return tables


def _group_columns(group: dict, columns: tuple[m.Column, ...]) -> tuple[m.Column, ...]:
    return tuple(m.Column(c.get("show"), c["title"]) for c in group["columns"]) if "columns" in group else columns


def _per_event(columns: tuple[m.Column, ...], calls: list[m.Call]) -> tuple[m.Table, ...]:
    """A table per track event (by name, first call) listing its named properties, under the event's name."""
    tables: dict[str, m.Table] = {}
    for call in calls:
        if call.kind == "track" and call.name is not None and isinstance(call.properties, tuple) and call.properties:
            rows = tuple(m.Row(name) for name, _ in call.properties)
            tables.setdefault(call.name, m.Table(call.name, None, columns, rows, event=call.name))
    return tuple(tables.values())


def _groups(raw: list, columns: tuple[m.Column, ...], calls: list[m.Call], properties: dict[str, m.Property],
            out: Collector) -> tuple[m.Table, ...]:
    events = {c.name for c in calls if c.kind == "track"}
    tables = []
    for i, group in enumerate(raw):
        ptr = f"/page/properties/groups/{i}"
        own = _columns(group, ptr, "properties", out) if "columns" in group else columns
        rows = []
        for j, item in enumerate(group["properties"]):
            row = m.Row(item) if isinstance(item, str) else \
                m.Row(item["name"], item.get("description"), tuple(item.get("cells", {}).items()))
            if row.name not in properties:
                out.add(f"{ptr}/properties/{j}", f"{row.name!r} is not a property of this spec (see /properties)")
            _check_cells(row.cells, own, f"{ptr}/properties/{j}/cells", "this group's table", out)
            rows.append(row)
        title = group.get("title")
        tables.append(m.Table(title, group.get("intro"), own, tuple(rows), event=title if title in events else None))
    return tuple(tables)


def _check_cells(cells: tuple[tuple[str, str], ...], columns: tuple[m.Column, ...], ptr: str, where: str,
                 out: Collector) -> None:
    titles = [c.title for c in columns if c.show not in ("name", "description")]
    for title, _ in cells:
        if title not in titles:
            have = ", ".join(repr(t) for t in titles) or "none"
            out.add(pointer_join(ptr, title), f"cell {title!r} names no column of {where} that takes cells "
                                              f"(such columns: {have}); add a column titled {title!r}")
